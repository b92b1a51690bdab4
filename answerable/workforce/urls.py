from django.urls import path

from answerable.workforce import views, views_import

app_name = "workforce"
urlpatterns = [
    path("", views.index, name="index"),
    path("courses/new/", views.course_create, name="course_create"),
    path("courses/<int:pk>/", views.course_coverage, name="course_coverage"),
    path("courses/<int:pk>/not-in-date.csv", views.course_gaps_csv, name="course_gaps_csv"),
    path("courses/<int:pk>/edit/", views.course_update, name="course_update"),
    path("courses/<int:pk>/archive/", views.course_archive, name="course_archive"),
    path("courses/<int:pk>/restore/", views.course_restore, name="course_restore"),
    path("courses/<int:pk>/link/", views.coverage_link_create, name="coverage_link_create"),
    path(
        "courses/<int:pk>/link/agenda-item/",
        views.coverage_link_agenda_item_create,
        name="coverage_link_agenda_item_create",
    ),
    path("links/<int:pk>/remove/", views.coverage_link_delete, name="coverage_link_delete"),
    path("upload/", views_import.import_upload, name="import_upload"),
    path(
        "upload/template/<str:role>/<str:file_kind>/",
        views_import.import_template,
        name="import_template",
    ),
    path("upload/columns/", views_import.import_mapping, name="import_mapping"),
    path("upload/check/", views_import.import_preview, name="import_preview"),
    path("upload/confirm/", views_import.import_confirm, name="import_confirm"),
    path("upload/<int:pk>/", views_import.import_status, name="import_status"),
]
