from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "answerable.demo"
    label = "demo"
