"""Thousands of malformed, oversized, wrongly typed and out-of-role frames: every one gets an
answer (an error, or the harmless reply a valid read gets), nothing escapes, nothing changes."""

import asyncio
import json

import pytest
from asgiref.sync import async_to_sync
from channels.layers import channel_layers
from channels.testing import WebsocketCommunicator
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mockroom.asgi import application
from mockroom.interviews.services import interview_start
from mockroom.live.models import RoomEvent, RoomState
from mockroom.live.protocol import ALLOWED_ROLES, EPHEMERAL_TYPES, MAX_FRAME_BYTES
from tests.conftest import ORIGIN, _session_cookie_for

pytestmark = pytest.mark.django_db(transaction=True)

TYPES = list(ALLOWED_ROLES)
json_leaf = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=20)
)
json_value = st.recursive(
    json_leaf,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
message_like = st.fixed_dictionaries(
    {"type": st.one_of(st.sampled_from(TYPES), st.text(max_size=12))},
    optional={
        "id": st.one_of(st.text(max_size=80), st.integers(), st.none()),
        "minutes": json_value,
        "last_seq": json_value,
        "t": json_value,
        "extra": json_value,
    },
)
frame = st.one_of(
    # (The test client cannot send an empty text frame; browsers can't either.)
    message_like.map(json.dumps),
    json_value.map(json.dumps),
    st.text(min_size=1, max_size=60),
    st.sampled_from(
        [
            "{",
            "null",
            '{"type": "timer.next", "id": "' + "x" * 100 + '"}',
            '{"type": "round.end", "id": "ok-id"}',
            '{"type": "timer.add_time", "id": "ok", "minutes": 1e309}',
            '{"type": "ping", "t": "soon"}',
            "a" * (MAX_FRAME_BYTES + 1),
        ]
    ),
)

REPLIES_TO_VALID_READS = {"pong", "events", "snapshot", "board.state", "ack"}


async def send_all(cookie: str, public_id: str, frames: list[str]) -> list[dict]:
    channel_layers.backends.clear()
    ws = WebsocketCommunicator(
        application,
        f"/ws/interviews/{public_id}/",
        headers=[(b"origin", ORIGIN.encode()), (b"cookie", cookie.encode())],
    )
    connected, _ = await ws.connect(timeout=10)
    assert connected
    assert (await ws.receive_json_from(timeout=10))["type"] == "snapshot"
    replies = []
    for number, text in enumerate(frames):
        await ws.send_to(text_data=text)
        # A sentinel ping after each frame tells us where the frame's answers end.
        await ws.send_json_to({"type": "ping", "t": -1 - number})
        answers = []
        while True:
            reply = await ws.receive_json_from(timeout=10)
            if reply.get("type") == "pong" and reply.get("t") == -1 - number:
                break
            if reply.get("type") not in ("event", "ephemeral"):  # broadcasts aren't answers
                answers.append(reply)
        replies.append(answers)
    assert await ws.receive_nothing(timeout=0.05)
    await ws.disconnect()
    await asyncio.sleep(0)
    return replies


@pytest.fixture
def fuzz_setup(scheduled_round, settings):
    settings.ROOM_RATE_PER_SECOND = 1_000_000
    settings.ROOM_BURST = 1_000_000
    interview_start(interview=scheduled_round.interview)
    return scheduled_round


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(frames=st.lists(frame, min_size=30, max_size=100))
def test_observer_fuzz_gets_answers_and_changes_nothing(fuzz_setup, frames):
    """The observer may only read, so no frame of theirs may change anything."""
    interview = fuzz_setup.interview
    before_events = list(
        RoomEvent.objects.filter(interview=interview)
        .exclude(kind__startswith="presence")
        .values_list("seq", flat=True)
    )
    before_timer = RoomState.objects.get_or_create(interview=interview)[0].timer
    cookie = _session_cookie_for(fuzz_setup.observer)
    replies = async_to_sync(send_all)(cookie, interview.public_id, frames)
    assert len(replies) == len(frames)
    for text, answers in zip(frames, replies, strict=True):
        if not answers:  # only a valid cursor or viewport goes unanswered
            assert json.loads(text)["type"] in EPHEMERAL_TYPES, text
            continue
        assert len(answers) == 1, (text, answers)
        reply = answers[0]
        assert reply["type"] in {"error"} | REPLIES_TO_VALID_READS, (text, reply)
        if reply["type"] == "error":
            assert reply["code"] in {
                "bad_json",
                "too_large",
                "invalid",
                "unknown_type",
                "forbidden",
            }, (text, reply)
    after_events = list(
        RoomEvent.objects.filter(interview=interview)
        .exclude(kind__startswith="presence")
        .values_list("seq", flat=True)
    )
    assert after_events == before_events
    assert RoomState.objects.get_or_create(interview=interview)[0].timer == before_timer
