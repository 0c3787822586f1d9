"""Merging board elements with Excalidraw's rule. Pure; shared test vectors keep the
client's merge (frontend/src/whiteboard/reconcile.ts) identical.

For one element id: the higher `version` wins; on equal versions the lower `versionNonce`
wins; an identical (version, versionNonce) is the same edit and changes nothing. Deleted
elements are kept as tombstones (`isDeleted`), so a stale copy can't resurrect them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

Element = Mapping[str, Any]

FNV_OFFSET = 0x811C9DC5
FNV_PRIME = 0x01000193


def incoming_wins(current: Element | None, incoming: Element) -> bool:
    """Does `incoming` replace `current`?"""
    if current is None:
        return True
    return version_wins(
        (current["version"], current["versionNonce"]),
        incoming["version"],
        incoming["versionNonce"],
    )


def version_wins(current: tuple[int, int] | None, version: int, nonce: int) -> bool:
    """The same rule on (version, versionNonce) alone, as the room runtime keeps them."""
    if current is None:
        return True
    if version != current[0]:
        return bool(version > current[0])
    return bool(nonce < current[1])


def reconcile(
    current: Mapping[str, Element], incoming: Iterable[Element]
) -> tuple[dict[str, Element], list[Element]]:
    """Merge a batch into a board (id → element). Returns the new board and the incoming
    elements that were accepted, in the order given (a later duplicate id in the same batch
    competes with the earlier one by the same rule)."""
    board = dict(current)
    accepted: dict[str, Element] = {}
    for element in incoming:
        if incoming_wins(board.get(element["id"]), element):
            board[element["id"]] = element
            accepted[element["id"]] = element
    return board, list(accepted.values())


def board_checksum(elements: Iterable[Element]) -> str:
    """FNV-1a 32-bit over "id:version\\n" for every element sorted by id, as 8 hex digits."""
    return checksum_of_versions((str(e["id"]), int(e["version"])) for e in elements)


def checksum_of_versions(pairs: Iterable[tuple[str, int]]) -> str:
    """The same checksum from (id, version) pairs, for callers that never parse elements."""
    value = FNV_OFFSET
    for element_id, version in sorted(pairs):
        for byte in f"{element_id}:{version}\n".encode():
            value ^= byte
            value = (value * FNV_PRIME) & 0xFFFFFFFF
    return f"{value:08x}"


def ordered(elements: Iterable[Element]) -> list[Element]:
    """Scene order: by fractional `index` (elements without one last), then by id."""
    return sorted(
        elements,
        key=lambda e: (e.get("index") is None, str(e.get("index") or ""), str(e["id"])),
    )
