from django.apps import AppConfig


class RubricsConfig(AppConfig):
    name = "mockroom.rubrics"
    label = "rubrics"
