"""One protocol definition: the generated TypeScript and docs match it, and what the server
actually sends validates against it."""

from pathlib import Path

import pytest

from mockroom.live import codegen, protocol
from tests.live.conftest import command, drain

ROOT = Path(__file__).resolve().parents[2]


def test_typescript_types_are_generated_from_the_schemas():
    committed = (ROOT / "frontend/src/protocol.ts").read_text()
    assert committed == codegen.typescript(), "run: python manage.py export_protocol"


def test_protocol_docs_are_generated_from_the_schemas():
    committed = (ROOT / "docs/protocol.md").read_text()
    assert committed == codegen.markdown(), "run: python manage.py export_protocol"


def test_every_message_is_documented_with_an_example():
    docs = codegen.markdown()
    for model in (*protocol.CLIENT_MODELS, *protocol.SERVER_MODELS):
        assert model.__doc__, model
        assert model.model_json_schema().get("examples"), model
    for message_type in protocol.ALLOWED_ROLES:
        assert f"`{message_type}`" in docs


def test_examples_validate_against_their_own_schema():
    for model in protocol.CLIENT_MODELS:
        for example in model.model_json_schema()["examples"]:
            protocol.CLIENT_MESSAGE.validate_python(example)
    for model in protocol.SERVER_MODELS:
        for example in model.model_json_schema()["examples"]:
            protocol.SERVER_MESSAGE.validate_python(example)


@pytest.mark.django_db(transaction=True)
async def test_frames_the_server_sends_validate_against_the_protocol(room, scheduled_round):
    ivy, snapshot = await room(scheduled_round.interviewer, scheduled_round.interview)
    frames = [snapshot, *await drain(ivy)]
    await ivy.send_json_to({"type": "ping", "t": 5})
    frames.append(await ivy.receive_json_from(timeout=10))
    frames.append(await command(ivy, "round.start", "p1"))
    frames.append(await command(ivy, "timer.pause", "p2"))
    await ivy.send_json_to({"type": "resume", "id": "p3", "last_seq": 0})
    frames += await drain(ivy)
    cole, cole_snapshot = await room(scheduled_round.candidate, scheduled_round.interview)
    frames.append(cole_snapshot)
    frames += await drain(ivy)
    kinds = {f["type"] for f in frames}
    assert {"snapshot", "pong", "ack", "error", "events", "event"} <= kinds
    for frame in frames:
        protocol.SERVER_MESSAGE.validate_python(frame)
    await ivy.disconnect()
    await cole.disconnect()
