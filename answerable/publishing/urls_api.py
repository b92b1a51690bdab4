from django.urls import path

from answerable.publishing.api_public import PublicRecommendationList
from answerable.publishing.api_public_indicators import PublicIndicatorList

app_name = "public_api"
urlpatterns = [
    path("recommendations/", PublicRecommendationList.as_view(), name="recommendations"),
    path("indicators/", PublicIndicatorList.as_view(), name="indicators"),
]
