"""What each side submits. Drafts may be partial; a submission must be complete."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from mockroom.core.validation import SafeStr

# SafeStr: no NUL characters, which PostgreSQL's jsonb cannot hold.
Comment = Annotated[SafeStr, StringConstraints(strip_whitespace=True, max_length=2000)]
LongText = Annotated[SafeStr, StringConstraints(strip_whitespace=True, max_length=4000)]
Recommendation = Literal["strong_no", "no", "yes", "strong_yes"]
RECOMMENDATIONS = {
    "strong_no": "Strong no hire",
    "no": "Lean no hire",
    "yes": "Lean hire",
    "strong_yes": "Strong hire",
}
# What the two ends of the 1-5 rating mean, per aspect (shown beside 1 and 5).
RATING_ENDS = {
    "clarity": ("Confusing", "Crystal clear"),
    "helpfulness": ("Not helpful", "Very helpful"),
    "fairness": ("Unfair", "Completely fair"),
    "rubric_use": ("Ignored the rubric", "Scored by its anchors"),
}
RATING_ASPECTS = {
    "clarity": "Clarity of the prompt",
    "helpfulness": "Helpfulness",
    "fairness": "Fairness",
    "rubric_use": "Use of the rubric",
}


class CriterionScore(BaseModel):
    model_config = ConfigDict(extra="forbid")

    score: int | None = Field(None, ge=1, le=10)
    comment: Comment = ""


class SelfScore(CriterionScore):
    """The candidate's view of one criterion: a score, or "not covered" when the round never
    reached it (a submission may skip those, but must say so)."""

    not_covered: bool = False

    @model_validator(mode="after")
    def score_or_not_covered(self) -> SelfScore:
        if self.not_covered and self.score is not None:
            raise ValueError("choose a score or “not covered”, not both")
        return self


class InterviewerFeedback(BaseModel):
    model_config = ConfigDict(extra="forbid")

    scores: dict[str, CriterionScore] = Field(default_factory=dict)
    recommendation: Recommendation | None = None
    strengths: LongText = ""
    improvements: list[
        Annotated[SafeStr, StringConstraints(strip_whitespace=True, max_length=1000)]
    ] = Field(default_factory=list, max_length=3)
    shared_note_ids: list[int] = Field(default_factory=list, max_length=200)


class Rating(BaseModel):
    model_config = ConfigDict(extra="forbid")

    clarity: int | None = Field(None, ge=1, le=5)
    helpfulness: int | None = Field(None, ge=1, le=5)
    fairness: int | None = Field(None, ge=1, le=5)
    rubric_use: int | None = Field(None, ge=1, le=5)


class CandidateFeedback(BaseModel):
    model_config = ConfigDict(extra="forbid")

    self_scores: dict[str, SelfScore] = Field(default_factory=dict)
    rating: Rating = Field(default_factory=Rating)
    free_text: LongText = ""


class ObserverFeedback(BaseModel):
    model_config = ConfigDict(extra="forbid")

    scores: dict[str, CriterionScore] = Field(default_factory=dict)
    comments: LongText = ""


MODELS: dict[str, type[BaseModel]] = {
    "interviewer": InterviewerFeedback,
    "candidate": CandidateFeedback,
    "observer": ObserverFeedback,
}


def completeness_problems(role: str, data: BaseModel, criteria: list[str]) -> list[str]:
    """What still has to be filled in before submitting (empty list: ready)."""
    problems = []
    if role == "interviewer":
        if not isinstance(data, InterviewerFeedback):
            raise TypeError("interviewer feedback expected")
        missing = [key for key in criteria if not (data.scores.get(key) and data.scores[key].score)]
        if missing:
            problems.append(f"Score every criterion ({len(missing)} missing).")
        if data.recommendation is None:
            problems.append("Choose a recommendation.")
        if not data.strengths:
            problems.append("Write at least one strength.")
        if not [i for i in data.improvements if i]:
            problems.append("Name at least one improvement (up to three).")
    elif role == "candidate":
        if not isinstance(data, CandidateFeedback):
            raise TypeError("candidate feedback expected")
        answered = {
            key for key, value in data.self_scores.items() if value.score or value.not_covered
        }
        missing = [k for k in criteria if k not in answered]
        if missing:
            problems.append(
                f"Assess yourself on every criterion, or mark it “not covered” "
                f"({len(missing)} missing)."
            )
        if None in data.rating.model_dump().values():
            problems.append("Rate the interviewer on all four aspects.")
    return problems
