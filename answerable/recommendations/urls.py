from django.urls import path

from answerable.recommendations import views

app_name = "recommendations"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("sources/", views.source_list, name="source_list"),
    path("sources/new/", views.source_create, name="source_create"),
    path("sources/<int:pk>/", views.source_detail, name="source_detail"),
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
    path("actions/", views.action_list, name="action_list"),
    path("actions/<int:pk>/", views.action_detail, name="action_detail"),
    path("actions/<int:pk>/update/", views.action_update, name="action_update"),
    path("actions/<int:pk>/target-date/", views.action_target_date, name="action_target_date"),
    path("actions/<int:pk>/assess/", views.action_assess, name="action_assess"),
    path("actions/<int:pk>/reopen/", views.action_reopen, name="action_reopen"),
    path("assessment-queue/", views.assessment_queue, name="assessment_queue"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence_download"),
]
