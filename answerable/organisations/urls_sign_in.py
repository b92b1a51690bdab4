from django.urls import path

from answerable.organisations import views_sign_in

app_name = "organisation_sign_in"
urlpatterns = [
    path("", views_sign_in.organisation_sign_in, name="start"),
    path("callback/", views_sign_in.organisation_sign_in_callback, name="callback"),
]
