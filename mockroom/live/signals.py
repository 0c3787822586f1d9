"""Logging out closes that user's open sockets."""

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.contrib.auth.signals import user_logged_out
from django.dispatch import receiver


@receiver(user_logged_out)
def close_sockets_on_logout(sender, request, user, **kwargs) -> None:
    layer = get_channel_layer()
    if user is None or layer is None:
        return
    async_to_sync(layer.group_send)(f"user.{user.pk}", {"type": "session.ended"})
