from django.apps import AppConfig


class RecommendationsConfig(AppConfig):
    name = "answerable.recommendations"
    label = "recommendations"
