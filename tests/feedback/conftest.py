import pytest

from mockroom.interviews.services import interview_end, interview_start
from tests.interviews.conftest import ensure_rubric_library, scheduled_round  # noqa: F401
from tests.live.conftest import _fresh_channel_layer, room  # noqa: F401

KEYS = [
    "requirements_and_scoping",
    "high_level_architecture",
    "data_model_and_storage",
    "scalability_and_bottlenecks",
    "tradeoffs_and_reliability",
    "communication",
]


@pytest.fixture
def ended_round(scheduled_round):  # noqa: F811 - the imported fixture
    interview_end(interview=interview_start(interview=scheduled_round.interview))
    scheduled_round.interview.refresh_from_db()
    return scheduled_round


def interviewer_data(**overrides) -> dict:
    data = {
        "scores": {k: {"score": 3, "comment": f"IVY-COMMENT-{k}"} for k in KEYS},
        "recommendation": "yes",
        "strengths": "IVY-STRENGTH: clear requirements",
        "improvements": ["IVY-IMPROVE: quantify load"],
        "shared_note_ids": [],
    }
    data.update(overrides)
    return data


def candidate_data(**overrides) -> dict:
    data = {
        "self_scores": {k: {"score": 2, "comment": f"COLE-SELF-{k}"} for k in KEYS},
        "rating": {"clarity": 4, "helpfulness": 5, "fairness": 4, "rubric_use": 3},
        "free_text": "COLE-FREE-TEXT",
    }
    data.update(overrides)
    return data
