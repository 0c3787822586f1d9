from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "mockroom.core"
    label = "core"
