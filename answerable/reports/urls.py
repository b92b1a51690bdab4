from django.urls import path

from answerable.reports import views

app_name = "reports"
urlpatterns = [
    path("", views.report_preview, name="report_preview"),
]
