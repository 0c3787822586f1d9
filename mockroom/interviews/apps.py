from django.apps import AppConfig


class InterviewsConfig(AppConfig):
    name = "mockroom.interviews"
    label = "interviews"
