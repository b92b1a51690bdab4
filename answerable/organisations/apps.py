from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "answerable.organisations"
    label = "organisations"
