from django.urls import path

from answerable.reports import views_public

app_name = "public_reports"
urlpatterns = [
    path("", views_public.public_report_list, name="list"),
    path("<int:pk>/", views_public.public_report_detail, name="detail"),
    path("<int:pk>/download/<str:kind>/", views_public.public_report_download, name="download"),
]
