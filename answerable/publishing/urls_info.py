"""The service's own pages, linked from every page's footer: no sign-in."""

from django.urls import path

app_name = "info"
urlpatterns: list = []
