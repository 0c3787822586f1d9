"""Features plug into the room; the room imports none of them."""

import ast
from pathlib import Path

from mockroom.live import features, protocol

LIVE = Path(__file__).resolve().parents[2] / "mockroom" / "live"
FEATURE_APPS = ("mockroom.whiteboard", "mockroom.rubrics", "mockroom.feedback")


def test_the_room_runtime_imports_no_feature_app():
    offenders = []
    for path in LIVE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            offenders += [
                f"{path.name}:{node.lineno} {name}"
                for name in names
                if name.startswith(FEATURE_APPS)
            ]
    assert offenders == []


def test_every_feature_message_has_exactly_one_handler():
    """Each client message is handled by the room itself or by one registered feature."""
    built_in = {"ping", "resume", "cursor", "viewport", "round.start", "round.end"}
    built_in |= {name for name in protocol.ALLOWED_ROLES if name.startswith("timer.")}
    built_in |= {"prompt.reveal"}
    by_feature = {
        name
        for name in protocol.ALLOWED_ROLES
        if features.command(name) is not None or features.request(name) is not None
    }
    assert by_feature == set(protocol.ALLOWED_ROLES) - built_in
    assert not built_in & by_feature
