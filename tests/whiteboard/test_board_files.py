"""Images, the final export and .excalidraw files: types, sizes, and who may do what."""

import json
import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from mockroom.interviews.services import interview_end, interview_start
from mockroom.live.models import RoomEvent
from mockroom.whiteboard.models import BoardElement, BoardFile, FinalBoard
from tests.interviews.conftest import PERSONAS

pytestmark = pytest.mark.django_db


def png_bytes(width: int = 2, height: int = 2, pad: int = 0) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    raw = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    image = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw))
    if pad:
        image += chunk(b"tEXt", b"x" * pad)
    return image + chunk(b"IEND", b"")


def upload(client, interview, *, data: bytes, name="a.png", file_id="f1abc", mime="image/png"):
    return client.post(
        reverse("whiteboard:upload", args=[interview.public_id]),
        {"file_id": file_id, "file": SimpleUploadedFile(name, data, content_type=mime)},
    )


@pytest.mark.parametrize("persona", PERSONAS)
def test_who_may_upload_an_image(client, scheduled_round, persona):
    client.force_login(scheduled_round.persona(persona))
    response = upload(client, scheduled_round.interview, data=png_bytes())
    expected = {"interviewer": 201, "candidate": 201, "observer": 403, "outsider": 404}[persona]
    assert response.status_code == expected
    assert BoardFile.objects.exists() == (expected == 201)


def test_uploaded_image_is_announced_and_served_to_participants_only(
    client, scheduled_round, django_capture_on_commit_callbacks
):
    interview = scheduled_round.interview
    client.force_login(scheduled_round.candidate)
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, interview, data=png_bytes())
    body = response.json()
    assert body["mimeType"] == "image/png" and body["url"].endswith("/files/f1abc")
    event = RoomEvent.objects.get(kind="board.file_added")
    assert event.payload["id"] == "f1abc"
    for persona in PERSONAS:
        client.force_login(scheduled_round.persona(persona))
        fetched = client.get(body["url"])
        assert fetched.status_code == (404 if persona == "outsider" else 200)
        if persona != "outsider":
            assert fetched["Content-Type"] == "image/png"
            assert fetched["X-Content-Type-Options"] == "nosniff"
            assert b"".join(fetched.streaming_content).startswith(b"\x89PNG")


def test_oversized_image_is_refused_with_a_clear_message(client, scheduled_round):
    client.force_login(scheduled_round.candidate)
    response = upload(client, scheduled_round.interview, data=png_bytes(pad=4 * 1024 * 1024 + 10))
    assert response.status_code == 413
    assert "too large" in response.json()["error"] and "4 MiB" in response.json()["error"]
    assert not BoardFile.objects.exists()


@pytest.mark.parametrize(
    ("data", "mime"),
    [
        (
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            "image/svg+xml",
        ),
        (b"MZ\x90\x00 not an image", "image/png"),  # lying about its type
        (b"%PDF-1.7", "application/pdf"),
    ],
)
def test_svg_and_non_images_are_refused(client, scheduled_round, data, mime):
    client.force_login(scheduled_round.candidate)
    response = upload(client, scheduled_round.interview, data=data, mime=mime)
    assert response.status_code == 415
    assert not BoardFile.objects.exists()


def test_uploading_the_same_file_twice_keeps_one(client, scheduled_round):
    client.force_login(scheduled_round.candidate)
    upload(client, scheduled_round.interview, data=png_bytes())
    again = upload(client, scheduled_round.interview, data=png_bytes())
    assert again.status_code == 201
    assert BoardFile.objects.count() == 1


def test_no_uploads_after_the_round_ends(client, scheduled_round):
    interview_end(interview=interview_start(interview=scheduled_round.interview))
    client.force_login(scheduled_round.interviewer)
    assert upload(client, scheduled_round.interview, data=png_bytes()).status_code == 403


def svg_upload(text: str = '<svg xmlns="http://www.w3.org/2000/svg"><rect/></svg>'):
    return SimpleUploadedFile("board.svg", text.encode(), content_type="image/svg+xml")


def post_final(client, interview, *, png: bytes | None = None):
    return client.post(
        reverse("whiteboard:final_upload", args=[interview.public_id]),
        {"png": SimpleUploadedFile("b.png", png or png_bytes()), "svg": svg_upload()},
    )


def served_final_png(client, interview) -> bytes:
    response = client.get(reverse("whiteboard:final", args=[interview.public_id, "png"]))
    return b"".join(response.streaming_content)


@pytest.mark.parametrize(
    ("persona", "status", "message"),
    [
        ("interviewer", 409, "once the round has ended"),
        ("candidate", 403, "Only the interviewer"),
        ("observer", 403, "Only the interviewer"),
        ("outsider", 404, None),
    ],
)
@pytest.mark.parametrize("phase", ["scheduled", "live"])
def test_nobody_saves_the_final_board_before_the_round_ends(
    client, scheduled_round, persona, status, message, phase
):
    interview = scheduled_round.interview
    if phase == "live":
        interview = interview_start(interview=interview)
    client.force_login(scheduled_round.persona(persona))
    response = post_final(client, interview)
    assert response.status_code == status
    if message:
        assert message in response.json()["error"]
    assert not FinalBoard.objects.exists()
    assert not RoomEvent.objects.filter(kind="board.final_saved").exists()


@pytest.mark.parametrize(
    ("persona", "status"),
    [("interviewer", 201), ("candidate", 403), ("observer", 403), ("outsider", 404)],
)
def test_only_the_interviewer_saves_the_final_board_after_the_end(
    client, scheduled_round, persona, status
):
    interview = interview_end(interview=interview_start(interview=scheduled_round.interview))
    client.force_login(scheduled_round.persona(persona))
    response = post_final(client, interview)
    assert response.status_code == status
    if status == 201:
        final = FinalBoard.objects.get()
        assert final.saved_by == scheduled_round.interviewer
        assert RoomEvent.objects.filter(kind="board.final_saved").count() == 1
    else:
        assert not FinalBoard.objects.exists()
    if status == 403:
        assert response.json()["error"] == "Only the interviewer's room saves the final board."


def test_a_candidates_upload_cannot_pre_empt_the_interviewers_board(client, scheduled_round):
    interview = interview_end(interview=interview_start(interview=scheduled_round.interview))
    client.force_login(scheduled_round.candidate)
    assert post_final(client, interview, png=png_bytes(7, 7)).status_code == 403
    client.force_login(scheduled_round.interviewer)
    assert post_final(client, interview, png=png_bytes(3, 3)).status_code == 201
    client.force_login(scheduled_round.candidate)
    assert served_final_png(client, interview) == png_bytes(3, 3)


def test_a_second_final_board_is_refused_and_the_first_stands(client, scheduled_round):
    interview = interview_end(interview=interview_start(interview=scheduled_round.interview))
    client.force_login(scheduled_round.interviewer)
    assert post_final(client, interview, png=png_bytes(3, 3)).status_code == 201
    again = post_final(client, interview, png=png_bytes(5, 5))
    assert again.status_code == 409
    assert again.json()["error"] == "The final board has already been saved."
    assert served_final_png(client, interview) == png_bytes(3, 3)
    assert RoomEvent.objects.filter(kind="board.final_saved").count() == 1


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_final_board_is_served_to_participants_only(client, scheduled_round, persona):
    interview = interview_end(interview=interview_start(interview=scheduled_round.interview))
    client.force_login(scheduled_round.interviewer)
    assert post_final(client, interview).status_code == 201
    client.force_login(scheduled_round.persona(persona))
    svg = client.get(reverse("whiteboard:final", args=[interview.public_id, "svg"]))
    assert svg.status_code == (404 if persona == "outsider" else 200)
    if persona != "outsider":
        assert svg["Content-Type"] == "image/svg+xml"
        assert "default-src 'none'" in svg["Content-Security-Policy"]


def test_final_svg_with_a_script_is_refused(client, scheduled_round):
    interview = interview_end(interview=interview_start(interview=scheduled_round.interview))
    client.force_login(scheduled_round.interviewer)
    response = client.post(
        reverse("whiteboard:final_upload", args=[interview.public_id]),
        {
            "png": SimpleUploadedFile("b.png", png_bytes()),
            "svg": svg_upload('<svg xmlns="http://www.w3.org/2000/svg"><script>x</script></svg>'),
        },
    )
    assert response.status_code == 415
    assert not FinalBoard.objects.exists()


def excalidraw_file(elements) -> SimpleUploadedFile:
    document = {"type": "excalidraw", "version": 2, "elements": elements, "appState": {}}
    return SimpleUploadedFile("start.excalidraw", json.dumps(document).encode())


ELEMENT = {
    "id": "e1",
    "type": "ellipse",
    "version": 4,
    "versionNonce": 9,
    "isDeleted": False,
    "index": "a0",
    "x": 1,
    "y": 2,
    "width": 3,
    "height": 4,
}


def test_a_round_can_start_from_an_excalidraw_file_and_export_back(client, scheduled_round):
    interview = scheduled_round.interview
    client.force_login(scheduled_round.interviewer)
    response = client.post(
        reverse("whiteboard:import", args=[interview.public_id]),
        {"board": excalidraw_file([ELEMENT])},
        follow=True,
    )
    assert b"Board imported" in response.content
    assert BoardElement.objects.get(interview=interview).data["type"] == "ellipse"
    client.force_login(scheduled_round.candidate)
    exported = client.get(reverse("whiteboard:excalidraw", args=[interview.public_id]))
    document = json.loads(exported.content)
    assert document["type"] == "excalidraw"
    assert document["elements"][0]["id"] == "e1"
    assert "attachment" in exported["Content-Disposition"]


@pytest.mark.parametrize(
    ("upload_bytes", "message"),
    [
        (b"not json", b"not valid JSON"),
        (json.dumps({"type": "something-else"}).encode(), b"not an .excalidraw file"),
        (json.dumps({"type": "excalidraw", "elements": [{"id": "x"}]}).encode(), b"not valid"),
    ],
)
def test_bad_imports_say_why_and_import_nothing(client, scheduled_round, upload_bytes, message):
    client.force_login(scheduled_round.interviewer)
    response = client.post(
        reverse("whiteboard:import", args=[scheduled_round.interview.public_id]),
        {"board": SimpleUploadedFile("x.excalidraw", upload_bytes)},
        follow=True,
    )
    assert message in response.content
    assert not BoardElement.objects.exists()


@pytest.mark.parametrize("persona", ["candidate", "observer", "outsider"])
def test_only_the_organiser_imports(client, scheduled_round, persona):
    client.force_login(scheduled_round.persona(persona))
    response = client.post(
        reverse("whiteboard:import", args=[scheduled_round.interview.public_id]),
        {"board": excalidraw_file([ELEMENT])},
    )
    assert response.status_code == 404
    assert not BoardElement.objects.exists()


@pytest.mark.parametrize("persona", PERSONAS)
def test_excalidraw_download_is_for_participants(client, scheduled_round, persona):
    client.force_login(scheduled_round.persona(persona))
    response = client.get(
        reverse("whiteboard:excalidraw", args=[scheduled_round.interview.public_id])
    )
    assert response.status_code == (404 if persona == "outsider" else 200)


def test_import_is_refused_once_the_round_started(client, scheduled_round):
    interview_start(interview=scheduled_round.interview)
    client.force_login(scheduled_round.interviewer)
    response = client.post(
        reverse("whiteboard:import", args=[scheduled_round.interview.public_id]),
        {"board": excalidraw_file([ELEMENT])},
        follow=True,
    )
    assert b"only before the round starts" in response.content
    assert not BoardElement.objects.exists()


@pytest.mark.parametrize("persona", ["interviewer", "candidate", "observer"])
def test_a_report_without_a_final_image_says_so_and_offers_the_stored_board(
    client, scheduled_round, persona
):
    from mockroom.interviews.models import Participant
    from mockroom.whiteboard.services import board_import

    ivy = Participant.objects.get(interview=scheduled_round.interview, role="interviewer")
    board_import(participant=ivy, document={"type": "excalidraw", "elements": [ELEMENT]})
    interview = interview_end(interview=interview_start(interview=scheduled_round.interview))
    client.force_login(scheduled_round.persona(persona))

    report = client.get(reverse("feedback:report", args=[interview.public_id]))

    assert report.status_code == 200
    body = report.content.decode()
    assert 'data-testid="final-board"' not in body
    assert "No whiteboard image was saved for this round." in body
    link = reverse("whiteboard:excalidraw", args=[interview.public_id])
    assert f'href="{link}"' in body
    document = json.loads(client.get(link).content)
    assert [element["id"] for element in document["elements"]] == ["e1"]


def test_a_report_shows_the_interviewers_final_image(client, scheduled_round):
    interview = interview_end(interview=interview_start(interview=scheduled_round.interview))
    client.force_login(scheduled_round.interviewer)
    assert post_final(client, interview).status_code == 201
    client.force_login(scheduled_round.candidate)
    body = client.get(reverse("feedback:report", args=[interview.public_id])).content.decode()
    assert 'data-testid="final-board"' in body
    assert "No whiteboard image" not in body
