from django.apps import AppConfig


class LiveConfig(AppConfig):
    name = "mockroom.live"
    label = "live"
