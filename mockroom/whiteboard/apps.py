from django.apps import AppConfig


class WhiteboardConfig(AppConfig):
    name = "mockroom.whiteboard"
    label = "whiteboard"
