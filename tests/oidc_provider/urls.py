from django.urls import include, path

from tests.oidc_provider import views

urlpatterns = [
    path("o/token/", views.token),
    path("o/", include("oauth2_provider.urls", namespace="oauth2_provider")),
    path("test/scenario", views.scenario_set),
]
