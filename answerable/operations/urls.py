"""Mounted at the site's root (config/urls.py): the paths probes and Prometheus expect."""

from django.urls import path

from answerable.operations import views

app_name = "operations"
urlpatterns = [
    path("healthz/live", views.live, name="live"),
    path("healthz/ready", views.ready, name="ready"),
    path("metrics", views.metrics, name="metrics"),
]
