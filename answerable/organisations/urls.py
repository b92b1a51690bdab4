from django.urls import path

from answerable.organisations import views, views_audit, views_people

app_name = "organisations"
urlpatterns = [
    path("", views.organisation_list_page, name="list"),
    path("audit/", views_audit.audit_trail, name="audit_trail"),
    path("new/", views.organisation_create, name="create"),
    path("<int:pk>/", views.organisation_detail, name="detail"),
    path("<int:pk>/archive/", views.organisation_archive, name="archive"),
    path("<int:pk>/area/", views.organisation_area, name="area"),
    path("<int:pk>/approvals/", views.organisation_approvals, name="approvals"),
    path("<int:pk>/invite/", views.user_invite, name="invite"),
    path("<int:pk>/people/<int:user_pk>/", views_people.person_detail, name="person"),
    path(
        "<int:pk>/people/<int:user_pk>/deactivate/",
        views_people.person_deactivate,
        name="person_deactivate",
    ),
    path(
        "<int:pk>/people/<int:user_pk>/reactivate/",
        views_people.person_reactivate,
        name="person_reactivate",
    ),
    path(
        "<int:pk>/people/<int:user_pk>/reset-two-factor/",
        views_people.person_two_factor_reset,
        name="person_two_factor_reset",
    ),
    path("memberships/<int:pk>/remove/", views.membership_remove, name="membership_remove"),
]
