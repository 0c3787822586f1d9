"""A user's open sockets close when their sessions stop being valid.

A socket is authenticated once, when it opens, so it would outlive the session it opened
with. Two things end sessions: logging out, and a change to the account that Django's
session check (`get_session_auth_hash`, which Channels' AuthMiddleware verifies on every
connect) or the auth backend refuses from then on: a new password hash (change, reset, an
admin setting it, `set_password` anywhere, a hash upgrade), deactivation, deletion. Each
closes all of that user's sockets (the `user.<id>` group): logging out and deletion with
4001 (final), a changed account with 4002, on which clients reconnect. Reconnecting works
only with a session that is still valid: the browser that changed the password (Django gave
it the new hash) is back at once, a stolen session gets 4401.
"""

from __future__ import annotations

from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.contrib.auth.signals import user_logged_out
from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from .consumers import CLOSE_LOGGED_OUT, CLOSE_SESSION_CHANGED, user_group

# The columns whose change ends every session of the user.
SESSION_FIELDS = ("password", "is_active")


def close_user_sockets(user_id: int, code: int = CLOSE_LOGGED_OUT) -> None:
    """Close every open socket of this user, in every process (through the channel layer)."""
    layer = get_channel_layer()
    if layer is None:
        return
    async_to_sync(layer.group_send)(user_group(user_id), {"type": "session.ended", "code": code})


@receiver(user_logged_out)
def close_sockets_on_logout(sender, request, user, **kwargs) -> None:
    if user is None:
        return
    close_user_sockets(user.pk)


@receiver(pre_save, sender=settings.AUTH_USER_MODEL)
def note_session_invalidation(
    sender, instance, raw: bool = False, update_fields: Any = None, **kwargs
) -> None:
    """Compare with the stored row: does this save end the user's sessions?"""
    instance._ends_sessions = False
    if raw or instance._state.adding or instance.pk is None:
        return
    if update_fields is not None and not set(SESSION_FIELDS) & set(update_fields):
        return  # e.g. the last_login update on every login
    before = sender._default_manager.filter(pk=instance.pk).values(*SESSION_FIELDS).first()
    if before is None:
        return
    instance._ends_sessions = before["password"] != instance.password or (
        before["is_active"] and not instance.is_active
    )


@receiver(post_save, sender=settings.AUTH_USER_MODEL)
def close_sockets_of_invalidated_sessions(sender, instance, raw: bool = False, **kwargs) -> None:
    if raw or not getattr(instance, "_ends_sessions", False):
        return
    instance._ends_sessions = False
    user_id = instance.pk
    # Once the new hash is committed: a socket that reconnects at once is checked against it.
    # Robust: a channel layer that can't be reached must not fail the password change.
    transaction.on_commit(
        lambda: close_user_sockets(user_id, code=CLOSE_SESSION_CHANGED), robust=True
    )


@receiver(post_delete, sender=settings.AUTH_USER_MODEL)
def close_sockets_of_deleted_user(sender, instance, **kwargs) -> None:
    user_id = instance.pk
    transaction.on_commit(lambda: close_user_sockets(user_id), robust=True)
