"""The published rubric document (`mockroom.rubric/v1`): import, export and snapshots all
use it. Pure: pydantic only."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)
from pydantic_core import PydanticCustomError

from mockroom.core.validation import SafeStr

SCHEMA_ID = "mockroom.rubric/v1"
KINDS = (
    "coding",
    "system_design",
    "ml_system_design",
    "llm_app_design",
    "data_science",
    "behavioral",
    "other",
)

# What people call each kind (the same words as the round's kind, interviews.Interview.Kind).
KIND_LABELS = {
    "coding": "Coding",
    "system_design": "System design",
    "ml_system_design": "ML system design",
    "llm_app_design": "LLM application design",
    "data_science": "Data science case",
    "behavioral": "Behavioral",
    "other": "Other",
}


def not_blank(value: str) -> str:
    """Refuse text that is empty once stripped. `StringConstraints(strip_whitespace=True,
    min_length=1)` on top of SafeStr's validator checks the length before stripping, so "  "
    passed and was stored as an empty anchor."""
    if not value.strip():
        raise PydanticCustomError(
            "string_too_short", "String should have at least 1 character", {"min_length": 1}
        )
    return value


# SafeStr: no NUL characters, which PostgreSQL can store neither in text nor in jsonb.
ShortText = Annotated[
    SafeStr,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=60),
    AfterValidator(not_blank),
]
Text = Annotated[SafeStr, StringConstraints(strip_whitespace=True, max_length=500)]
Key = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,39}$")]


class LevelDoc(BaseModel):
    """One step of the anchored scale: what a candidate at this level says or does."""

    model_config = ConfigDict(extra="forbid")

    score: int = Field(ge=1, le=10)
    label: ShortText
    anchor: Annotated[
        SafeStr,
        StringConstraints(strip_whitespace=True, min_length=1, max_length=300),
        AfterValidator(not_blank),
    ]


class PhaseDoc(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: ShortText
    minutes: int = Field(ge=1, le=180)


class CriterionDoc(BaseModel):
    model_config = ConfigDict(extra="forbid")

    key: Key
    name: ShortText
    description: Text = ""
    weight: int = Field(1, ge=1, le=5)
    phases: list[Annotated[SafeStr, StringConstraints(max_length=60)]] = Field(
        default_factory=list, max_length=12
    )
    levels: list[LevelDoc] = Field(min_length=2, max_length=6)

    @model_validator(mode="after")
    def scores_are_unique_and_ordered(self) -> CriterionDoc:
        scores = [level.score for level in self.levels]
        if len(set(scores)) != len(scores):
            raise ValueError("each level needs its own score; two levels share one")
        self.levels = sorted(self.levels, key=lambda level: level.score)
        return self


class RubricDoc(BaseModel):
    """A rubric as a JSON document."""

    model_config = ConfigDict(extra="forbid")

    schema_: Literal["mockroom.rubric/v1"] = Field(SCHEMA_ID, alias="schema")
    slug: Key | None = None
    title: Annotated[
        SafeStr,
        StringConstraints(strip_whitespace=True, min_length=1, max_length=120),
        AfterValidator(not_blank),
    ]
    kind: Literal[
        "coding",
        "system_design",
        "ml_system_design",
        "llm_app_design",
        "data_science",
        "behavioral",
        "other",
    ] = "other"
    description: Text = ""
    agenda: list[PhaseDoc] = Field(default_factory=list, max_length=12)
    criteria: list[CriterionDoc] = Field(min_length=1, max_length=12)

    @model_validator(mode="after")
    def keys_are_unique(self) -> RubricDoc:
        keys = [criterion.key for criterion in self.criteria]
        if len(set(keys)) != len(keys):
            raise ValueError("criterion keys must be unique")
        return self

    def dump(self) -> dict[str, object]:
        return self.model_dump(by_alias=True, exclude_none=True)


def published_schema() -> dict[str, object]:
    schema = RubricDoc.model_json_schema(by_alias=True)
    schema["$id"] = SCHEMA_ID
    return schema


def error_list(error: Exception) -> list[tuple[str, str]]:
    """(field path, message) pairs from a pydantic ValidationError, for forms and APIs."""
    from pydantic import ValidationError

    if not isinstance(error, ValidationError):
        return [("", str(error))]
    out = []
    for item in error.errors():
        path = ".".join(str(part) for part in item["loc"]) or "document"
        message = str(item["msg"]).removeprefix("Value error, ")
        out.append((path, message))
    return out
