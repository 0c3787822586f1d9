"""The production front end ships no browser-test hook; the browser tests' build has it.

`window.__mockroomBoard` (frontend/src/whiteboard/testHook.ts) lets the browser tests read the
board. Only `vite build --mode e2e` (frontend/dist-e2e) may carry it. `make pytest` builds both
folders (`make frontend frontend-e2e`) before these tests run.
"""

from __future__ import annotations

import json
from pathlib import Path

FRONTEND = Path(__file__).resolve().parents[1] / "frontend"
PRODUCTION = FRONTEND / "dist"
BROWSER_TESTS = FRONTEND / "dist-e2e"
HOOK = "__mockroomBoard"
ROOM_ENTRY = "src/room/main.tsx"


def manifest(dist: Path) -> dict[str, dict]:
    path = dist / ".vite" / "manifest.json"
    assert path.exists(), f"{dist} is not built; run `make frontend frontend-e2e`"
    return json.loads(path.read_text(encoding="utf-8"))


def scripts_naming(dist: Path, needle: str) -> list[str]:
    manifest(dist)
    scripts = sorted((dist / "assets").glob("*.js"))
    assert scripts, f"{dist}/assets holds no scripts"
    return [path.name for path in scripts if needle in path.read_text(encoding="utf-8")]


def test_production_build_carries_no_board_test_hook():
    assert scripts_naming(PRODUCTION, HOOK) == []


def test_browser_test_build_installs_the_board_test_hook_from_the_room_entry():
    room_script = Path(manifest(BROWSER_TESTS)[ROOM_ENTRY]["file"]).name
    assert room_script in scripts_naming(BROWSER_TESTS, HOOK)
