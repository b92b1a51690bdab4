from django.urls import path

from answerable.extraction import views, views_review

app_name = "extraction"
urlpatterns = [
    path("", views.report_upload, name="report_upload"),
    path("items/", views.report_items, name="report_items"),
    path("items.csv", views.report_items_csv, name="report_items_csv"),
    path("reports/<int:pk>/", views_review.report_review, name="report_review"),
    path("reports/<int:pk>/items/add/", views_review.item_add, name="item_add"),
    path(
        "reports/<int:pk>/items/<int:item_pk>/change/",
        views_review.item_change,
        name="item_change",
    ),
    path("reports/<int:pk>/items/<int:item_pk>/split/", views_review.item_split, name="item_split"),
    path("reports/<int:pk>/items/<int:item_pk>/drop/", views_review.item_drop, name="item_drop"),
    path("reports/<int:pk>/items/<int:item_pk>/merge/", views_review.item_merge, name="item_merge"),
]
