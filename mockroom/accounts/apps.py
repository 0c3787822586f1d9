from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "mockroom.accounts"
    label = "accounts"
