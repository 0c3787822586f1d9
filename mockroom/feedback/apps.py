from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "mockroom.feedback"
    label = "feedback"
