"""schemathesis against the HTTP API, in process, as each persona with a personal token.

Every operation of /api/openapi.json gets generated requests, valid and invalid (wrong
types, extra fields, huge numbers), with a dictionary of the values that broke PostgreSQL
mixed in (NUL characters, UTC offsets beyond ±15:59, years 1 and 9999, superscript
digits, mail headers in addresses). Each request is sent twice: as generated, and aimed
at things that exist (the persona's round, its invitations, its rubric, a date within the
window), so the handlers behind the 404s and the writes are fuzzed too. No answer may be a
5xx, and every answer must match the status codes and bodies the document declares.

It runs in the SQLite pass and in the PostgreSQL pass (`make pytest-postgres`). Being
random it is a wide net, not a proof: tests/test_api_hostile_fields.py tries each hostile
value in each field deterministically. The seed changes each run and is printed; rerun
one with `MOCKROOM_API_FUZZ_SEED=<seed>`.
"""

from __future__ import annotations

import os
import random
import zlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig

from mockroom.accounts.models import User
from mockroom.accounts.services import api_token_create
from mockroom.api import api
from mockroom.core.clock import now
from mockroom.interviews.agenda import template_phases
from mockroom.interviews.models import Role
from mockroom.interviews.services import (
    interview_create,
    interview_end,
    interview_start,
    invitation_accept,
)
from mockroom.rubrics.models import Rubric
from mockroom.rubrics.services import rubric_duplicate
from tests.conftest import PASSWORD
from tests.interviews.conftest import ensure_rubric_library

SEED = int(os.environ.get("MOCKROOM_API_FUZZ_SEED") or random.SystemRandom().randrange(2**32))
# Random examples per operation: the interviewer's writes, where a hostile value can reach
# the database, get the most; the interviewer's reads and the other personas, whose answers
# differ mostly by permission, fewer. About 2,500 requests, ~40 s on SQLite.
WRITE_EXAMPLES = 80
READ_EXAMPLES = 20
OTHER_EXAMPLES = 12
WRITES = ["POST", "PUT"]
PERSONAS = ["interviewer", "candidate", "observer", "outsider"]
# Round-scoped paths: an outsider must never get a success from any of them.
ROUND_SCOPED = "/api/interviews/{public_id}"


@dataclass
class Cast:
    """Two rounds (one scheduled, one ended) with the interviewer, the candidate and the
    observer in their seats and the outsider in neither; each has a token and a rubric."""

    users: dict[str, User]
    tokens: dict[str, str]
    rounds: list[str]
    invitation_ids: list[int]
    rubric_ids: dict[str, int] = field(default_factory=dict)


def _make_cast() -> Cast:
    ensure_rubric_library()
    users = {
        persona: User.objects.create_user(
            f"{persona}@example.com", PASSWORD, display_name=persona.title()
        )
        for persona in PERSONAS
    }
    rounds, invitation_ids = [], []
    for ended in (False, True):
        interview, issued = interview_create(
            creator=users["interviewer"],
            title="Fuzzed round",
            kind="system_design",
            creator_role=Role.INTERVIEWER,
            agenda=template_phases("system_design"),
            scheduled_at=now() + timedelta(days=1),
            time_zone="Europe/London",
            prompt_text="Design a chat service.",
        )
        tokens = {item.invitation.role: item.token for item in issued}
        invitation_accept(token=tokens[Role.CANDIDATE], user=users["candidate"])
        invitation_accept(token=tokens[Role.OBSERVER], user=users["observer"])
        if ended:
            interview_end(interview=interview_start(interview=interview))
        rounds.append(interview.public_id)
        invitation_ids += [item.invitation.pk for item in issued]
    library = Rubric.objects.filter(is_builtin=True).first()
    assert library is not None
    return Cast(
        users=users,
        tokens={p: api_token_create(user=u, name="fuzz")[1] for p, u in users.items()},
        rounds=rounds,
        invitation_ids=invitation_ids,
        rubric_ids={p: rubric_duplicate(rubric=library, owner=u).pk for p, u in users.items()},
    )


@pytest.fixture
def cast(db) -> Cast:
    return _make_cast()


@pytest.fixture(autouse=True)
def _requests_keep_the_test_transaction():
    """Like Django's test client: requests don't close the test's database connection at
    their end (that would end the test's transaction)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture(autouse=True, scope="module")
def _print_seed(request):
    """Shown in every run, not only on failure: printed past pytest's output capture."""
    capture = request.config.pluginmanager.getplugin("capturemanager")
    with capture.global_and_fixture_disabled():
        print(f"\napi fuzz: hypothesis seed {SEED} (MOCKROOM_API_FUZZ_SEED={SEED} reruns it)")


SOON = (now() + timedelta(days=30)).replace(microsecond=0, tzinfo=None).isoformat()
# What the probe found breaking PostgreSQL, offered to the generator as whole values
# now and then (in positive cases only where the schema allows them, so a 4xx for them
# proves the server checks more than the document says).
HOSTILE_STRINGS = [
    "\x00",
    "a\x00b",
    "9999-12-31T23:59:59+00:00",
    "0001-01-01T00:00:00+00:00",
    f"{SOON}+16:00",
    f"{SOON}-23:59",
    f"{SOON}+15:59",
    "²",
    "٣",
    "peer@example.com\r\nBcc: all@example.com",
    "<peer@example.com>",
    "x" * 65,
    "Europe/London",
]
HOSTILE_INTEGERS = [2**63, 2**63 - 1, 2**31, -1, 0]


def _load(phases: list[str]):
    """The API's own OpenAPI document, served in process by the WSGI handler."""
    config = SchemathesisConfig.from_dict(
        {
            "dictionaries": {
                "hostile-strings": {"values": HOSTILE_STRINGS},
                "hostile-integers": {"values": HOSTILE_INTEGERS},
            },
            "generation": {
                "dictionaries": {
                    "string": {"dictionary": "hostile-strings", "probability": 0.35},
                    "integer": {"dictionary": "hostile-integers", "probability": 0.2},
                }
            },
        }
    )
    loaded = schemathesis.openapi.from_dict(api.get_openapi_schema(), config=config)
    loaded.app = WSGIHandler()
    loaded.config.seed = SEED
    loaded.config.phases.update(phases=phases)
    # Our token goes in every request; a generated Authorization header would be replaced.
    loaded.config.generation.update(with_security_parameters=False)
    return loaded


api_schema = _load(["examples", "fuzzing"])


def _pick(options: list, generated: object) -> object:
    """A deterministic choice driven by the generated value (reproducible under the seed)."""
    return options[zlib.crc32(repr(generated).encode()) % len(options)]


def _into_the_window(value: object) -> object:
    """A generated date moved to within the next year, keeping its UTC offset (the offset
    is part of what is being fuzzed; the date range is already refused on the first call)."""
    if not isinstance(value, str):
        return value
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return value
    if moment.tzinfo is None:
        return value
    days = zlib.crc32(value.encode()) % 365
    return (now() + timedelta(days=days)).astimezone(moment.tzinfo).isoformat()


def _aim_at_real_things(case, cast: Cast, persona: str) -> bool:
    """Point the request at rows that exist, and give the references and dates the schema
    can't describe values that pass, so the request reaches the database. False when
    there is nothing to change."""
    params = case.path_parameters or {}
    body = case.body if isinstance(case.body, dict) else None
    creates_a_round = case.operation.label == "POST /api/interviews" and body is not None
    if not params and not creates_a_round:
        return False
    if "public_id" in params:
        params["public_id"] = _pick(cast.rounds, params["public_id"])
    if "invitation_id" in params:
        params["invitation_id"] = _pick(cast.invitation_ids, params["invitation_id"])
    if "pk" in params:
        builtin = Rubric.objects.filter(is_builtin=True).values_list("pk", flat=True).first()
        params["pk"] = _pick([cast.rubric_ids[persona], builtin], params["pk"])
    if params:
        case.path_parameters = params
    if creates_a_round:
        repaired = dict(body)
        if "scheduled_at" in repaired:
            repaired["scheduled_at"] = _into_the_window(repaired["scheduled_at"])
        if isinstance(repaired.get("rubric_id"), int):
            repaired["rubric_id"] = _pick([cast.rubric_ids[persona], None], repaired["rubric_id"])
        case.body = repaired
    return True


def _bounded(max_examples: int) -> settings:
    return settings(
        max_examples=max_examples,
        deadline=timedelta(seconds=10),
        suppress_health_check=list(HealthCheck),
        database=None,
    )


# No 5xx; statuses, content types and bodies as declared; invalid input refused. Not
# `positive_data_acceptance`: the document can't say "a year ago to five years ahead", nor
# which rubric ids exist, so schema-valid requests are rightly refused with a 4xx.
CHECKS = [
    schemathesis.checks.not_a_server_error,
    schemathesis.checks.status_code_conformance,
    schemathesis.checks.content_type_conformance,
    schemathesis.checks.response_schema_conformance,
    schemathesis.checks.negative_data_rejection,
]


# Once the path points at real rows, the request is no longer the invalid one generated.
CHECKS_ON_REAL_ROWS = [
    check for check in CHECKS if check is not schemathesis.checks.negative_data_rejection
]


def _fuzz(case, cast: Cast, personas: list[str]) -> None:
    """Send the case as each persona, as generated; then again at rows that exist."""
    for persona in personas:
        headers = {"Authorization": f"Bearer {cast.tokens[persona]}"}
        case.call_and_validate(headers=headers, checks=CHECKS)
    for persona in personas:
        if not _aim_at_real_things(case, cast, persona):
            return
        headers = {"Authorization": f"Bearer {cast.tokens[persona]}"}
        response = case.call_and_validate(headers=headers, checks=CHECKS_ON_REAL_ROWS)
        if persona == "outsider" and case.path.startswith(ROUND_SCOPED):
            assert response.status_code >= 400, f"outsider reached {case.formatted_path}"


@api_schema.include(method=WRITES).parametrize()
@_bounded(WRITE_EXAMPLES)
def test_interviewer_writes_never_get_a_server_error(case, cast):
    _fuzz(case, cast, ["interviewer"])


@api_schema.exclude(method=WRITES).parametrize()
@_bounded(READ_EXAMPLES)
def test_interviewer_reads_never_get_a_server_error(case, cast):
    _fuzz(case, cast, ["interviewer"])


@api_schema.parametrize()
@_bounded(OTHER_EXAMPLES)
def test_candidate_observer_and_outsider_never_get_a_server_error(case, cast):
    _fuzz(case, cast, ["candidate", "observer", "outsider"])
