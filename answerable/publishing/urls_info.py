"""The service's own pages, linked from every page's footer: no sign-in."""

from django.urls import path

from answerable.publishing import views_info

app_name = "info"
urlpatterns = [
    path("accessibility/", views_info.accessibility, name="accessibility"),
    path("privacy/", views_info.privacy, name="privacy"),
    path("cookies/", views_info.cookies, name="cookies"),
]
