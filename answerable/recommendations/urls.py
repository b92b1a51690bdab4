from django.urls import path

from answerable.recommendations import (
    views,
    views_export,
    views_forecast,
    views_import,
    views_publication,
)

app_name = "recommendations"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("forecast/", views_forecast.organisation_forecast, name="organisation_forecast"),
    path("sources/", views.source_list, name="source_list"),
    path("sources/new/", views.source_create, name="source_create"),
    path("sources/<int:pk>/", views.source_detail, name="source_detail"),
    path("sources/<int:pk>/publish/", views_publication.source_publish, name="source_publish"),
    path("sources/<int:pk>/withdraw/", views_publication.source_withdraw, name="source_withdraw"),
    path("sources/<int:pk>/document/", views.source_document, name="source_document"),
    path("sources/<int:pk>/forecast/", views_forecast.source_forecast, name="source_forecast"),
    path(
        "sources/<int:pk>/recommendations/new/",
        views.recommendation_create,
        name="recommendation_create",
    ),
    path("recommendations/", views.recommendation_list, name="recommendation_list"),
    path("recommendations/<int:pk>/", views.recommendation_detail, name="recommendation_detail"),
    path(
        "recommendations/<int:pk>/response/",
        views.recommendation_response,
        name="recommendation_response",
    ),
    path(
        "recommendations/<int:pk>/assess/",
        views.recommendation_assess,
        name="recommendation_assess",
    ),
    path(
        "recommendations/<int:pk>/reopen/",
        views.recommendation_reopen,
        name="recommendation_reopen",
    ),
    path("recommendations/<int:pk>/actions/new/", views.action_create, name="action_create"),
    path("recommendations/<int:pk>/link/", views.recommendation_link, name="recommendation_link"),
    path("actions/<int:pk>/lead/", views.action_lead, name="action_lead"),
    path("actions/", views.action_list, name="action_list"),
    path("actions/<int:pk>/", views.action_detail, name="action_detail"),
    path("actions/<int:pk>/update/", views.action_update, name="action_update"),
    path("actions/<int:pk>/target-date/", views.action_target_date, name="action_target_date"),
    path("actions/<int:pk>/assess/", views.action_assess, name="action_assess"),
    path("actions/<int:pk>/reopen/", views.action_reopen, name="action_reopen"),
    path("assessment-queue/", views.assessment_queue, name="assessment_queue"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence_download"),
    path("import/", views_import.import_upload, name="import_upload"),
    path("import/template.<str:file_kind>", views_import.import_template, name="import_template"),
    path("import/columns/", views_import.import_mapping, name="import_mapping"),
    path("import/check/", views_import.import_preview, name="import_preview"),
    path("import/confirm/", views_import.import_confirm, name="import_confirm"),
    path("import/<int:pk>/", views_import.import_status, name="import_status"),
    path(
        "recommendations/export.<str:file_kind>",
        views_export.recommendation_export,
        name="recommendation_export",
    ),
    path("actions/export.<str:file_kind>", views_export.action_export, name="action_export"),
]
