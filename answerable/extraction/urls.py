from django.urls import path

from answerable.extraction import views

app_name = "extraction"
urlpatterns = [
    path("", views.report_upload, name="report_upload"),
    path("items/", views.report_items, name="report_items"),
    path("items.csv", views.report_items_csv, name="report_items_csv"),
]
