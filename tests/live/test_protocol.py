"""One protocol definition: the generated TypeScript and docs match it, and what the server
actually sends validates against it."""

import json
from pathlib import Path

import pytest
from pydantic import ValidationError

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
    for model in (*protocol.SERVER_MODELS, protocol.EventFrameBase):
        for example in model.model_json_schema()["examples"]:
            protocol.SERVER_MESSAGE.validate_python(example)


def test_every_event_kind_has_a_documented_payload_model_with_an_example():
    docs = codegen.markdown()
    assert len(protocol.EVENT_FRAMES) == len(protocol.EVENT_PAYLOADS)
    for kind, model in protocol.EVENT_PAYLOADS.items():
        assert model.model_config.get("extra") == "forbid", kind
        assert (model.__doc__ or "").startswith(f"`{kind}`: "), kind
        assert f"#### `{kind}`" in docs
        (example,) = model.model_json_schema()["examples"]
        model.model_validate_json(json.dumps(example), strict=True)
        # Every field is required, so what validates is exactly what was sent.
        assert all(field.is_required() for field in model.model_fields.values()), kind


def frame(kind: str, payload: dict) -> dict:
    return {
        "type": "event",
        "seq": 5,
        "stream": "all",
        "prev": 4,
        "kind": kind,
        "actor": None,
        "at": 1767225600000,
        "payload": payload,
    }


def test_an_event_frame_takes_its_payload_model_from_its_kind():
    started = {"status": "live", "started_at": 1767225600000}
    event = protocol.SERVER_MESSAGE.validate_python(frame("round.started", started))
    assert isinstance(event.payload, protocol.RoundStartedPayload)
    # Another kind's payload, a key too many and an unknown kind are all refused.
    for bad in (
        frame("timer.changed", started),
        frame("round.started", {**started, "timer": None}),
        frame("round.paused", started),
    ):
        with pytest.raises(ValidationError):
            protocol.SERVER_MESSAGE.validate_python(bad)


def test_board_updated_keeps_the_rest_of_each_excalidraw_element():
    element = {
        "id": "r8Kq",
        "type": "rectangle",
        "version": 3,
        "versionNonce": 7,
        "isDeleted": False,
        "index": "a0",
        "strokeColor": "#1e1e1e",
    }
    event = protocol.EVENT_FRAME.validate_python(frame("board.updated", {"elements": [element]}))
    assert event.payload.model_dump(mode="json") == {"elements": [element]}
    # The keys the merge relies on are always there, as the server fills them in.
    without_index = {k: v for k, v in element.items() if k != "index"}
    with pytest.raises(ValidationError):
        protocol.EVENT_FRAME.validate_python(frame("board.updated", {"elements": [without_index]}))


def test_generated_typescript_narrows_the_payload_on_the_event_kind():
    typescript = codegen.typescript()
    frames = " | ".join(f"{kind_frame.__name__}" for kind_frame in protocol.EVENT_FRAMES)
    assert f"export type EventFrame = {frames};" in typescript
    assert 'kind: "timer.changed";\n  payload: TimerChangedPayload;' in typescript
    assert "events: EventFrame[];" in typescript


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
