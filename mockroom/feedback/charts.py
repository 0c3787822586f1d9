"""Every chart on the report and progress pages comes with a table of the same numbers, so a
screen reader (or anyone who can't tell two colours apart) gets them too. Pure."""

from __future__ import annotations

from typing import Any

from .durations import duration_text


def value_text(value: float | int | None, fmt: str = "") -> str:
    """A chart value as the table shows it: "—" for no value, a duration for minutes."""
    if value is None:
        return "—"
    if fmt == "minutes":
        return duration_text(round(value * 60_000))
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value)


def chart_table(spec: dict[str, Any], row_header: str = "") -> dict[str, Any]:
    """The chart spec as a table: one row per label, one column per dataset."""
    fmt = spec.get("format", "")
    return {
        "caption": spec["title"],
        "row_header": row_header,
        "columns": [dataset["label"] for dataset in spec["datasets"]],
        "rows": [
            {
                "label": label,
                "cells": [value_text(dataset["data"][i], fmt) for dataset in spec["datasets"]],
            }
            for i, label in enumerate(spec["labels"])
        ],
    }
