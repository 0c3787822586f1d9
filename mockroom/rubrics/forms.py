"""The rubric editor's form: a flat POST of fields into a `mockroom.rubric/v1` document."""

from __future__ import annotations

import re
from typing import Any

from mockroom.core.validation import ascii_int

# ASCII digits only, and few of them: `\d` would also match "٣", and a huge index is junk.
FIELD = re.compile(r"^c-([0-9]{1,3})-(key|name|description|weight|phases)$")
LEVEL = re.compile(r"^c-([0-9]{1,3})-l-([0-9]{1,3})-(score|label|anchor)$")


def _number(value: str) -> int | str:
    """Plain digits become a number; anything else stays as typed, for the schema to refuse
    with the field's name ("²".isdigit() is True, but int("²") fails)."""
    number = ascii_int(value)
    return value if number is None else number


def document_from_post(post: Any) -> dict[str, Any]:
    """Turn the editor's fields back into a document dict (validation happens after)."""
    criteria: dict[int, dict[str, Any]] = {}
    for name in post:
        if m := FIELD.match(name):
            index, field = int(m.group(1)), m.group(2)
            value: Any = post.get(name, "")
            if field == "weight":
                value = _number(str(value))
            if field == "phases":
                value = [p.strip() for p in str(value).split(",") if p.strip()]
            criteria.setdefault(index, {"levels": {}})[field] = value
        elif m := LEVEL.match(name):
            index, level, field = int(m.group(1)), int(m.group(2)), m.group(3)
            value = post.get(name, "")
            if field == "score":
                value = _number(str(value))
            levels = criteria.setdefault(index, {"levels": {}})["levels"]
            levels.setdefault(level, {})[field] = value
    out = []
    for index in sorted(criteria):
        item = criteria[index]
        if post.get(f"c-{index}-delete"):
            continue
        levels = [lvl for _, lvl in sorted(item.pop("levels").items()) if any(lvl.values())]
        out.append({**item, "levels": levels})
    return {
        "schema": "mockroom.rubric/v1",
        "title": post.get("title", ""),
        "kind": post.get("kind", "other"),
        "description": post.get("description", ""),
        "criteria": out,
    }


def blank_criterion(index: int) -> dict[str, Any]:
    return {
        "key": f"criterion_{index + 1}",
        "name": "",
        "description": "",
        "weight": 1,
        "phases": [],
        "levels": [
            {"score": s, "label": label, "anchor": ""}
            for s, label in ((1, "Not yet"), (2, "Developing"), (3, "Solid"), (4, "Strong"))
        ],
    }
