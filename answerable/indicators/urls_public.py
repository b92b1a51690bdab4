"""Public indicator pages and open data: no sign-in."""

from django.urls import path

from answerable.indicators import views_public

app_name = "public_indicators"
urlpatterns = [
    path("", views_public.public_indicator_list, name="list"),
    path("indicators.<str:file_kind>", views_public.public_indicator_data, name="data"),
    path("<int:pk>/", views_public.public_indicator_detail, name="detail"),
    path(
        "<int:pk>/figures.<str:file_kind>",
        views_public.public_indicator_one_data,
        name="one_data",
    ),
]
