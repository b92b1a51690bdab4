"""Public pages: no sign-in. Only published summaries and public meetings appear here."""

from django.urls import path

from answerable.publishing import views, views_open_data, views_register

app_name = "publishing"
urlpatterns = [
    path("", views.summary_list, name="summary_list"),
    path("reports/<int:pk>/", views_register.source_detail, name="public_source"),
    path("reports/<int:pk>/history/", views_register.source_history, name="public_source_history"),
    path(
        "reports/<int:pk>/recommendations.<str:file_kind>",
        views_open_data.source_data,
        name="public_source_data",
    ),
    path("data/", views_open_data.data_dictionary, name="open_data_dictionary"),
    path("search/", views_register.search, name="public_search"),
    path("recommendations.<str:file_kind>", views_open_data.all_data, name="open_data"),
    path(
        "recommendations/<int:pk>/",
        views_register.recommendation_detail,
        name="public_recommendation",
    ),
    path("evidence/<int:pk>/", views_register.evidence_download, name="public_evidence"),
    path("summaries/<int:pk>/", views.summary_detail, name="summary_detail"),
    path("summaries/<int:pk>/minutes.docx", views.summary_docx, name="summary_docx"),
    path("summaries/<int:pk>/minutes.pdf", views.summary_pdf, name="summary_pdf"),
    path(
        "summaries/<int:pk>/papers/<int:paper_pk>/",
        views.summary_paper,
        name="summary_paper",
    ),
    path("meetings.ics", views.meetings_calendar, name="meetings_calendar"),
    path("summaries.atom", views.summaries_feed, name="summaries_feed"),
    path("changes.atom", views_register.changes_feed, name="changes_feed"),
    path(
        "reports/<int:pk>/changes.atom",
        views_register.changes_feed,
        name="source_changes_feed",
    ),
]
