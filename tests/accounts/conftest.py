"""The round and room fixtures, for the tests that watch sockets close when sessions end."""

from tests.interviews.conftest import scheduled_round  # noqa: F401
from tests.live.conftest import _fresh_channel_layer, room  # noqa: F401
