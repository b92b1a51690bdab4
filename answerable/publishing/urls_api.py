from django.urls import path

from answerable.publishing.api_public import PublicRecommendationList

app_name = "public_api"
urlpatterns = [
    path("recommendations/", PublicRecommendationList.as_view(), name="recommendations"),
]
