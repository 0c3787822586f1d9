import pytest
from allauth.account.models import EmailAddress
from django.core.management import call_command

from mockroom.accounts.models import User
from mockroom.interviews.models import Interview

pytestmark = pytest.mark.django_db


def run_demo() -> str:
    from io import StringIO

    out = StringIO()
    call_command("demo", "--base-url", "http://127.0.0.1:9000", stdout=out)
    return out.getvalue()


def test_demo_creates_two_verified_users_and_a_round_between_them(client):
    output = run_demo()
    interview = Interview.objects.get()
    roles = {p.role: p.user.email for p in interview.participants.all()}
    assert roles == {
        "interviewer": "interviewer@demo.mockroom",
        "candidate": "candidate@demo.mockroom",
    }
    assert interview.status == "scheduled"
    assert "http://127.0.0.1:9000/accounts/login/" in output
    assert f"http://127.0.0.1:9000/interviews/{interview.public_id}/" in output
    assert "mockroom-demo" in output
    assert EmailAddress.objects.filter(verified=True).count() == 2
    logged_in = client.login(email="candidate@demo.mockroom", password="mockroom-demo")
    assert logged_in


def test_demo_is_idempotent():
    run_demo()
    run_demo()
    assert Interview.objects.count() == 1
    assert User.objects.count() == 2
