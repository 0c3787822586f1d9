"""The board: one row per element (tombstones kept), uploaded images, the final export."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.db import models

from mockroom.core.models import BaseModel
from mockroom.interviews.models import Interview


def board_file_path(instance: BoardFile, filename: str) -> str:
    return f"boards/{instance.interview.public_id}/files/{instance.file_id}"


def final_board_path(instance: FinalBoard, filename: str) -> str:
    return f"boards/{instance.interview.public_id}/final/{filename}"


class CompactJSONEncoder(json.JSONEncoder):
    """Store element JSON without spaces: snapshots send the stored text as-is."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["separators"] = (",", ":")
        super().__init__(*args, **kwargs)


class BoardElement(models.Model):
    interview = models.ForeignKey(Interview, on_delete=models.CASCADE, related_name="board")
    element_id = models.CharField(max_length=64)
    version = models.PositiveIntegerField()
    version_nonce = models.BigIntegerField()
    is_deleted = models.BooleanField(default=False)
    index = models.CharField(max_length=128, null=True, blank=True)  # noqa: DJ001 - Excalidraw's null index
    data = models.JSONField(encoder=CompactJSONEncoder)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["interview", "element_id"], name="one_row_per_board_element"
            )
        ]

    def __str__(self) -> str:
        return f"{self.element_id} v{self.version}"


class BoardFile(BaseModel):
    interview = models.ForeignKey(Interview, on_delete=models.CASCADE, related_name="board_files")
    file_id = models.CharField(max_length=128)
    mime_type = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    file = models.FileField(upload_to=board_file_path)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["interview", "file_id"], name="one_upload_per_file_id")
        ]

    def __str__(self) -> str:
        return self.file_id


class FinalBoard(BaseModel):
    """The board as it was when the round ended, for the feedback report."""

    interview = models.OneToOneField(
        Interview, on_delete=models.CASCADE, related_name="final_board"
    )
    png = models.FileField(upload_to=final_board_path)
    svg = models.FileField(upload_to=final_board_path)
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    def __str__(self) -> str:
        return f"final board of {self.interview_id}"
