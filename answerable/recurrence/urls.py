from django.urls import path

from answerable.recurrence import views

app_name = "recurrence"

urlpatterns = [
    path("", views.theme_list, name="theme_list"),
    path("recommendations/<int:pk>/similar/", views.similar_list, name="similar_list"),
    path(
        "recommendations/<int:pk>/similar/<int:other>/confirm/",
        views.pair_confirm,
        name="pair_confirm",
    ),
    path(
        "recommendations/<int:pk>/similar/<int:other>/dismiss/",
        views.pair_dismiss,
        name="pair_dismiss",
    ),
]
