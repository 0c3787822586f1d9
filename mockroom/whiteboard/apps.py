from django.apps import AppConfig


class WhiteboardConfig(AppConfig):
    name = "mockroom.whiteboard"
    label = "whiteboard"

    def ready(self) -> None:
        from .room import register

        register()
