"""The merge rule, the shared vectors, and convergence under a hostile network."""

import json
import random
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mockroom.whiteboard.reconcile import board_checksum, incoming_wins, ordered, reconcile

VECTORS = json.loads((Path(__file__).parents[1] / "vectors" / "reconcile.json").read_text())


@pytest.mark.parametrize("vector", VECTORS["merge"], ids=[v["name"] for v in VECTORS["merge"]])
def test_merge_vectors(vector):
    assert incoming_wins(vector["current"], vector["incoming"]) is vector["incoming_wins"]


@pytest.mark.parametrize(
    "vector", VECTORS["checksum"], ids=[v["name"] for v in VECTORS["checksum"]]
)
def test_checksum_vectors(vector):
    assert board_checksum(vector["elements"]) == vector["checksum"]


def test_reconcile_returns_only_what_changed():
    board = {"a": {"id": "a", "version": 2, "versionNonce": 5}}
    new_board, accepted = reconcile(
        board,
        [
            {"id": "a", "version": 1, "versionNonce": 1},  # stale
            {"id": "b", "version": 1, "versionNonce": 9},  # new
        ],
    )
    assert [e["id"] for e in accepted] == ["b"]
    assert new_board["a"]["version"] == 2 and "b" in new_board
    assert board == {"a": {"id": "a", "version": 2, "versionNonce": 5}}  # input untouched


def test_scene_order_follows_fractional_index():
    elements = [
        {"id": "z", "index": "a1"},
        {"id": "y", "index": None},
        {"id": "x", "index": "a0"},
        {"id": "w", "index": "a0V"},
    ]
    assert [e["id"] for e in ordered(elements)] == ["x", "w", "z", "y"]


# --- Convergence: simulated clients, the server, and a network that misbehaves ------------

EDITS = ["create", "move", "restyle", "delete", "undelete"]


class SimClient:
    """A client that edits locally (bumping version, fresh nonce) and merges remote updates
    with the same rule, as Excalidraw does."""

    def __init__(self, name: str, rng: random.Random) -> None:
        self.name = name
        self.rng = rng
        self.scene: dict[str, dict] = {}
        self.counter = 0

    def edit(self, kind: str) -> dict | None:
        live = [e for e in self.scene.values() if not e["isDeleted"]]
        dead = [e for e in self.scene.values() if e["isDeleted"]]
        if kind == "create" or not self.scene:
            self.counter += 1
            element = {
                "id": f"{self.name}{self.counter}",
                "version": 1,
                "isDeleted": False,
                "x": 0,
                "color": "black",
            }
        elif kind == "undelete" and dead:
            element = dict(self.rng.choice(dead), isDeleted=False)
        elif live:
            element = dict(self.rng.choice(live))
            if kind == "move":
                element["x"] = element["x"] + self.rng.randint(-50, 50)
            elif kind == "restyle":
                element["color"] = self.rng.choice(["red", "blue", "green"])
            elif kind == "delete":
                element["isDeleted"] = True
        else:
            return None
        element["version"] = self.scene.get(element["id"], {"version": 0})["version"] + 1
        element["versionNonce"] = self.rng.randint(-(2**31), 2**31 - 1)
        self.scene[element["id"]] = element
        return element

    def receive(self, elements: list[dict]) -> None:
        self.scene, _ = reconcile(self.scene, elements)


@settings(max_examples=150, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    clients=st.integers(2, 3),
    steps=st.integers(5, 60),
)
def test_clients_and_server_converge_despite_delay_duplication_and_reordering(seed, clients, steps):
    rng = random.Random(seed)
    peers = [SimClient(chr(ord("a") + i), rng) for i in range(clients)]
    server: dict[str, dict] = {}
    to_server: list[list[dict]] = []  # in flight, client -> server
    to_clients: list[tuple[SimClient, list[dict]]] = []  # in flight, server -> client

    def server_receive(batch: list[dict]) -> None:
        nonlocal server
        server, accepted = reconcile(server, batch)
        if accepted:
            for peer in peers:  # the sender gets its own echo too, like the room does
                to_clients.append((peer, [dict(e) for e in accepted]))

    def deliver_some(final: bool = False) -> None:
        for queue, handle in ((to_server, server_receive), (to_clients, None)):
            rng.shuffle(queue)  # reordering
            keep = []
            for item in queue:
                if final or rng.random() < 0.5:
                    if handle:
                        handle(item)
                    else:
                        item[0].receive(item[1])
                    if not final and rng.random() < 0.2:
                        keep.append(item)  # duplication: delivered now and again later
                else:
                    keep.append(item)  # delay
            queue[:] = keep

    for _ in range(steps):
        peer = rng.choice(peers)
        element = peer.edit(rng.choice(EDITS))
        if element is not None:
            to_server.append([dict(element)])
        deliver_some()
    # Eventually everything arrives (at least once).
    while to_server or to_clients:
        deliver_some(final=True)
    for peer in peers:
        assert peer.scene == server, (peer.name, seed)
    assert len({board_checksum(p.scene.values()) for p in peers}) == 1
