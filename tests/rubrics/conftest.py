import pytest

from tests.interviews.conftest import ensure_rubric_library, scheduled_round  # noqa: F401
from tests.live.conftest import _fresh_channel_layer, room  # noqa: F401


@pytest.fixture
def library(db):
    ensure_rubric_library()
