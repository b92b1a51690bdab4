from django.urls import path

from answerable.accounts import views

app_name = "accounts"
urlpatterns = [
    path("sign-in/", views.sign_in, name="sign_in"),
    path("sign-out/", views.sign_out, name="sign_out"),
    path("two-factor/", views.two_factor_verify, name="two_factor_verify"),
    path("two-factor/set-up/", views.two_factor_setup, name="two_factor_setup"),
    path("reset-password/", views.password_reset, name="password_reset"),
    path("sessions/", views.session_list, name="session_list"),
    path("set-password/<uidb64>/<token>/", views.password_set, name="password_set"),
]
