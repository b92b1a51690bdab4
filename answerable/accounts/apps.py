from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "answerable.accounts"
    label = "accounts"
