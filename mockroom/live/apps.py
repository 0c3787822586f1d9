from django.apps import AppConfig


class LiveConfig(AppConfig):
    name = "mockroom.live"
    label = "live"

    def ready(self) -> None:
        from . import signals  # noqa: F401
