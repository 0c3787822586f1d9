"""Rotating SECRET_KEY under the production settings: with the old key in
SECRET_KEY_FALLBACKS, a login, a signed value and a password-reset link made under the old
key still work after the switch; without it they do not (so the test can fail)."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys

import pytest

from ops.cluster import ROOT

# Run under mockroom.settings.production. `sign`: a user logged in (a database session whose
# auth hash is an HMAC of SECRET_KEY), a signed value and a password-reset token. `verify`:
# whether each still checks out, the way the authentication middleware and views check them.
SCRIPT = """
import json, os, sys
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user
from django.contrib.auth.tokens import default_token_generator
from django.contrib.sessions.backends.db import SessionStore
from django.core import signing
from django.core.management import call_command
from django.test import RequestFactory
from mockroom.accounts.models import User

if sys.argv[1] == "sign":
    call_command("migrate", verbosity=0)
    user = User.objects.create_user("ivy@example.com", "pw-123456789", display_name="Ivy")
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    print(json.dumps({
        "session": session.session_key,
        "signed": signing.dumps({"round": 7}),
        "reset": default_token_generator.make_token(user),
    }))
else:
    made = json.loads(os.environ["SIGNED"])
    request = RequestFactory().get("/")
    request.session = SessionStore(made["session"])
    user = User.objects.get(email="ivy@example.com")
    try:
        signed = signing.loads(made["signed"]) == {"round": 7}
    except signing.BadSignature:
        signed = False
    print(json.dumps({
        "logged_in": get_user(request).is_authenticated,
        "signed": signed,
        "reset": default_token_generator.check_token(user, made["reset"]),
    }))
"""


def run(tmp_path, step: str, **env: str) -> dict[str, bool | str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    done = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", SCRIPT.replace("sys.argv[1]", repr(step))],
        cwd=ROOT,
        env={
            **base,
            "DJANGO_SETTINGS_MODULE": "mockroom.settings.production",
            "ALLOWED_HOSTS": "localhost",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
            "STATIC_ROOT": str(tmp_path / "static"),
            **env,
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.fixture
def signed_with_old_key(tmp_path):
    old = secrets.token_urlsafe(64)
    return old, run(tmp_path, "sign", SECRET_KEY=old)


def test_what_the_old_key_signed_still_works_with_it_as_a_fallback(tmp_path, signed_with_old_key):
    old, made = signed_with_old_key
    checked = run(
        tmp_path,
        "verify",
        SECRET_KEY=secrets.token_urlsafe(64),
        SECRET_KEY_FALLBACKS=f"{secrets.token_urlsafe(64)},{old}",
        SIGNED=json.dumps(made),
    )
    assert checked == {"logged_in": True, "signed": True, "reset": True}


def test_without_the_fallback_the_new_key_signs_everyone_out(tmp_path, signed_with_old_key):
    _, made = signed_with_old_key
    checked = run(tmp_path, "verify", SECRET_KEY=secrets.token_urlsafe(64), SIGNED=json.dumps(made))
    assert checked == {"logged_in": False, "signed": False, "reset": False}
