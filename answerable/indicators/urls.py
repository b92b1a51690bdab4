from django.urls import path

from answerable.indicators import (
    views,
    views_archive,
    views_breakdowns,
    views_import,
    views_links,
)

app_name = "indicators"
urlpatterns = [
    path("", views.indicator_list, name="indicator_list"),
    path("new/", views.indicator_create, name="indicator_create"),
    path("themes/<slug:theme>/", views.indicator_theme, name="indicator_theme"),
    path("import/", views_import.indicator_import_upload, name="indicator_import_upload"),
    path("import/check/", views_import.indicator_import_check, name="indicator_import_check"),
    path(
        "import/template.<str:file_kind>",
        views_import.indicator_import_template,
        name="indicator_import_template",
    ),
    path("<int:pk>/", views.indicator_detail, name="indicator_detail"),
    path("<int:pk>/edit/", views.indicator_update, name="indicator_update"),
    path("<int:pk>/values/new/", views.indicator_value_record, name="indicator_value_record"),
    path("<int:pk>/links/new/", views_links.indicator_link_create, name="indicator_link_create"),
    path(
        "<int:pk>/meetings/new/",
        views_links.indicator_agenda_link_create,
        name="indicator_agenda_link_create",
    ),
    path(
        "meeting-links/<int:pk>/fix/",
        views_links.indicator_agenda_link_snapshot_take,
        name="indicator_agenda_link_snapshot_take",
    ),
    path("<int:pk>/archive/", views_archive.indicator_archive, name="indicator_archive"),
    path("<int:pk>/restore/", views_archive.indicator_restore, name="indicator_restore"),
    path(
        "<int:pk>/breakdowns/new/",
        views_breakdowns.indicator_breakdown_create,
        name="indicator_breakdown_create",
    ),
    path(
        "<int:pk>/breakdowns/<int:breakdown_pk>/edit/",
        views_breakdowns.indicator_breakdown_update,
        name="indicator_breakdown_update",
    ),
    path(
        "<int:pk>/breakdowns/<int:breakdown_pk>/values/new/",
        views_breakdowns.indicator_category_values_record,
        name="indicator_category_values_record",
    ),
]
