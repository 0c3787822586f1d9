"""`manage.py demo`: two demo users and one scheduled round between them, ready to try."""

from datetime import timedelta

from allauth.account.models import EmailAddress
from django.core.management.base import BaseCommand
from django.db import transaction

from mockroom.accounts.models import User
from mockroom.core.clock import now
from mockroom.interviews.agenda import template_phases
from mockroom.interviews.models import Interview, Participant, Role
from mockroom.interviews.services import interview_create

DEMO_PASSWORD = "mockroom-demo"  # noqa: S105 - published on purpose: these are demo accounts
INTERVIEWER = ("interviewer@demo.mockroom", "Dana (demo interviewer)")
CANDIDATE = ("candidate@demo.mockroom", "Sam (demo candidate)")
DEMO_TITLE = "Demo: design a URL shortener"


class Command(BaseCommand):
    help = "Create two demo users with known passwords and a scheduled round between them."

    def add_arguments(self, parser):
        parser.add_argument("--base-url", default="http://127.0.0.1:8000")

    @transaction.atomic
    def handle(self, *args, base_url: str, **options):
        users = []
        for email, name in (INTERVIEWER, CANDIDATE):
            user = User.objects.filter(email=email).first()
            if user is None:
                user = User.objects.create_user(email, DEMO_PASSWORD, display_name=name)
            else:
                user.set_password(DEMO_PASSWORD)
                user.save(update_fields=["password"])
            EmailAddress.objects.update_or_create(
                user=user, email=email, defaults={"verified": True, "primary": True}
            )
            users.append(user)
        interviewer, candidate = users
        interview = (
            Interview.objects.filter(
                title=DEMO_TITLE,
                status=Interview.Status.SCHEDULED,
                participants__user=interviewer,
            )
            .filter(participants__user=candidate)
            .first()
        )
        if interview is None:
            interview, _ = interview_create(
                creator=interviewer,
                title=DEMO_TITLE,
                kind=Interview.Kind.SYSTEM_DESIGN,
                creator_role=Role.INTERVIEWER,
                agenda=template_phases("system_design"),
                scheduled_at=now() + timedelta(minutes=10),
                time_zone="UTC",
                prompt_text="Design a URL shortener like bit.ly for 100M new links a month.",
                prompt_hints="Ask about read/write ratio; discuss key generation.",
                prompt_solution="Base62 keys from a counter or hash, KV store, cache, 301 vs 302.",
            )
            Participant.objects.create(interview=interview, user=candidate, role=Role.CANDIDATE)
        base = base_url.rstrip("/")
        self.stdout.write(
            "\n".join(
                [
                    "MockRoom demo is ready.",
                    f"  Log in at:   {base}/accounts/login/",
                    f"  Interviewer: {INTERVIEWER[0]} / {DEMO_PASSWORD}",
                    f"  Candidate:   {CANDIDATE[0]} / {DEMO_PASSWORD}",
                    f"  Round:       {base}/interviews/{interview.public_id}/",
                    "Open two browsers (or a private window), log in as each, enter the room.",
                ]
            )
        )
