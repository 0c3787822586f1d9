"""Whatever ends a user's sessions also closes that user's open sockets (4001), and a socket
opened later with a session from before the change is refused (4401). Other people's
sockets stay open."""

from __future__ import annotations

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.test import Client
from django.urls import reverse

from mockroom.accounts.models import User
from mockroom.asgi import application
from tests.conftest import ORIGIN, PASSWORD
from tests.live.conftest import command, drain

pytestmark = pytest.mark.django_db(transaction=True)

NEW_PASSWORD = "a-brand-new-passphrase-42"
LOGGED_OUT = 4001
SESSION_CHANGED = 4002


@pytest.fixture
async def sockets():
    """Returns an async function: (cookie, interview) -> (communicator, snapshot or code);
    every socket opened is disconnected at the end."""
    opened: list[WebsocketCommunicator] = []

    async def open_with(cookie: str, interview):
        ws = WebsocketCommunicator(
            application,
            f"/ws/interviews/{interview.public_id}/",
            headers=[(b"origin", ORIGIN.encode()), (b"cookie", cookie.encode())],
        )
        opened.append(ws)
        connected, code = await ws.connect(timeout=10)
        if not connected:
            return ws, code
        return ws, await ws.receive_json_from(timeout=10)

    yield open_with
    for ws in opened:
        if not ws.future.done():  # a failed receive already stopped the application
            await ws.disconnect(timeout=5)


def browser_with(cookie: str) -> Client:
    client = Client()
    name, value = cookie.split("=", 1)
    client.cookies[name] = value
    return client


async def close_code(ws) -> int:
    """The code the server closed this socket with; frames sent before the close are
    skipped. Times out if the socket is not closed."""
    while True:
        output = await ws.receive_output(timeout=5)
        if output["type"] == "websocket.close":
            return output["code"]


async def assert_still_open(ws) -> None:
    """A positive barrier: the socket answers a ping, so nothing closed it."""
    await drain(ws)


async def test_changing_the_password_closes_the_other_sessions_sockets_and_refuses_them_after(
    sockets, room, scheduled_round, session_cookie
):
    interview, cole = scheduled_round.interview, scheduled_round.candidate
    stolen = await session_cookie(cole)  # a copy of Cole's session someone else holds
    own = await session_cookie(cole)  # the browser Cole changes the password in
    thief, _ = await sockets(stolen, interview)
    ivy, _ = await room(scheduled_round.interviewer, interview)
    await assert_still_open(thief)

    browser = browser_with(own)
    response = await sync_to_async(browser.post)(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    assert response.status_code == 302
    assert await close_code(thief) == SESSION_CHANGED
    # The stolen session can't come back...
    _, code = await sockets(stolen, interview)
    assert code == 4401
    # ...while the browser that made the change stays logged in (update_session_auth_hash
    # gave it a new session key, with the new hash).
    name = settings.SESSION_COOKIE_NAME
    again, snapshot = await sockets(f"{name}={browser.cookies[name].value}", interview)
    assert isinstance(snapshot, dict), snapshot
    assert snapshot["type"] == "snapshot"
    await assert_still_open(again)
    # Nobody else was touched.
    assert (await command(ivy, "round.start", "s1"))["type"] == "ack"


async def set_password_and_save(user: User) -> None:
    user.set_password(NEW_PASSWORD)
    await user.asave()


async def set_password_in_the_admin(user: User) -> None:
    admin = await sync_to_async(User.objects.create_superuser)("root@example.com", PASSWORD)
    client = Client()
    await sync_to_async(client.force_login)(admin)
    response = await sync_to_async(client.post)(
        reverse("admin:auth_user_password_change", args=[user.pk]),
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]


async def reset_the_password_by_email(user: User) -> None:
    import re

    from allauth.account.models import EmailAddress
    from django.core import mail

    await EmailAddress.objects.acreate(user=user, email=user.email, verified=True, primary=True)
    client = Client()
    await sync_to_async(client.post)(reverse("account_reset_password"), {"email": user.email})
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+)", mail.outbox[-1].body)
    form_page = await sync_to_async(client.get)(link.group(1), follow=True)
    response = await sync_to_async(client.post)(
        form_page.request["PATH_INFO"], {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    assert response.status_code == 302, response.content.decode()[:2000]


async def deactivate(user: User) -> None:
    user.is_active = False
    await user.asave(update_fields=["is_active"])


async def delete(user: User) -> None:
    await user.adelete()


@pytest.mark.parametrize(
    "invalidate",
    [
        set_password_and_save,
        set_password_in_the_admin,
        reset_the_password_by_email,
        deactivate,
        delete,
    ],
    ids=["set_password", "admin", "reset", "deactivated", "deleted"],
)
async def test_every_way_of_ending_the_sessions_closes_the_users_sockets(
    sockets, room, scheduled_round, session_cookie, invalidate
):
    interview, cole = scheduled_round.interview, scheduled_round.candidate
    cookie = await session_cookie(cole)
    tab1, _ = await sockets(cookie, interview)
    tab2, _ = await sockets(cookie, interview)
    otto, _ = await room(scheduled_round.observer, interview)
    await assert_still_open(tab1)

    await invalidate(await User.objects.aget(pk=cole.pk))

    # A deleted account is gone for good (4001); any other change asks clients to reconnect
    # (4002), and the server decides on the reconnect.
    expected = LOGGED_OUT if invalidate is delete else SESSION_CHANGED
    assert await close_code(tab1) == expected
    assert await close_code(tab2) == expected
    _, code = await sockets(cookie, interview)
    assert code == 4401
    await assert_still_open(otto)


async def test_a_session_from_before_a_password_change_cannot_open_a_socket(
    sockets, scheduled_round, session_cookie
):
    old = await session_cookie(scheduled_round.candidate)
    cole = await User.objects.aget(pk=scheduled_round.candidate.pk)
    await set_password_and_save(cole)
    _, code = await sockets(old, scheduled_round.interview)
    assert code == 4401
    # A session made with the new password is let in.
    _, snapshot = await sockets(await session_cookie(cole), scheduled_round.interview)
    assert isinstance(snapshot, dict), snapshot
    assert snapshot["type"] == "snapshot"


async def test_saving_a_user_without_ending_sessions_leaves_the_sockets_open(
    sockets, scheduled_round, session_cookie
):
    interview, cole = scheduled_round.interview, scheduled_round.candidate
    tab, _ = await sockets(await session_cookie(cole), interview)
    await assert_still_open(tab)
    user = await User.objects.aget(pk=cole.pk)
    user.display_name = "Cole Renamed"
    await user.asave()  # a full save, password column included but unchanged
    await sync_to_async(Client().login)(email=cole.email, password=PASSWORD)  # last_login
    await assert_still_open(tab)
