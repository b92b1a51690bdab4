from django.urls import path

from answerable.reports import views

app_name = "reports"
urlpatterns = [
    path("", views.report_list, name="report_list"),
    path("new/", views.report_create, name="report_create"),
    path("preview/", views.report_preview, name="report_preview"),
    path("<int:pk>/", views.report_detail, name="report_detail"),
    path("<int:pk>/approve/", views.report_approve, name="report_approve"),
    path("<int:pk>/download/<str:kind>/", views.report_download, name="report_download"),
]
