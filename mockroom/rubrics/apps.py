from django.apps import AppConfig


class RubricsConfig(AppConfig):
    name = "mockroom.rubrics"
    label = "rubrics"

    def ready(self) -> None:
        from .live import register

        register()
