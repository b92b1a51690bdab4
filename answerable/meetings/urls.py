from django.urls import include, path

from answerable.meetings import views

app_name = "meetings"
urlpatterns = [
    path("", views.forward_plan, name="forward_plan"),
    path("new/", views.meeting_create, name="meeting_create"),
    path("<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("<int:pk>/status/", views.meeting_status, name="meeting_status"),
    path("<int:pk>/attendees/new/", views.attendee_add, name="attendee_add"),
    path("<int:pk>/items/new/", views.agenda_item_add, name="agenda_item_add"),
    path("items/<int:pk>/edit/", views.agenda_item_update, name="agenda_item_update"),
    path("items/<int:pk>/move/", views.agenda_item_move, name="agenda_item_move"),
    path("items/<int:pk>/papers/new/", views.paper_upload, name="paper_upload"),
    path("items/<int:pk>/questions/new/", views.question_add, name="question_add"),
    path("items/<int:pk>/verdict/", views.item_verdict_record, name="item_verdict_record"),
    path(
        "items/<int:pk>/verdict/assessments/",
        views.verdict_assessments,
        name="verdict_assessments",
    ),
    path("items/<int:pk>/actions/new/", views.meeting_action_raise, name="meeting_action_raise"),
    path("papers/<int:pk>/", views.paper_download, name="paper_download"),
    path("papers/<int:pk>/publication/", views.paper_publication, name="paper_publication"),
    path("questions/<int:pk>/responses/new/", views.response_record, name="response_record"),
    path("actions/", views.action_tracker, name="action_tracker"),
    path("actions/<int:pk>/close/", views.meeting_action_close, name="meeting_action_close"),
    # The summary's redaction review lives with the meeting it summarises (publishing app).
    path("<int:meeting_pk>/summary/", include("answerable.publishing.urls_review")),
]
