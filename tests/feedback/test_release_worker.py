"""The release deadline on the real path: the database task backend and its worker.

Other feedback tests run tasks inline (the immediate backend) or call them directly. Here
ending the round queues the release in the database, as in production, and `db_worker`
(the command `make worker` runs) picks it up only once the clock reaches the deadline.
time_machine moves only this process's clock, so the worker runs here, in batch mode: it
works through whatever is due and then returns.
"""

from __future__ import annotations

import signal
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from mockroom.core.clock import now
from mockroom.feedback.models import FeedbackRound, Notice
from mockroom.feedback.services import feedback_submit
from mockroom.feedback.tasks import release_feedback_task, send_release_emails
from mockroom.interviews.models import Participant
from mockroom.interviews.services import interview_end, interview_start
from tests.feedback.conftest import interviewer_data

pytestmark = pytest.mark.django_db(transaction=True)

RELEASE_TASK = release_feedback_task.module_path
EMAIL_TASK = send_release_emails.module_path


@pytest.fixture
def database_tasks(settings):
    """Production's task backend instead of the tests' immediate one."""
    from mockroom.settings import base

    settings.TASKS = base.TASKS


def run_worker_batch() -> None:
    """`manage.py db_worker --batch`: run every task that is due, then return."""
    # The command installs its own SIGINT/SIGTERM handlers; give pytest its own back.
    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    finally:
        for sig, handler in handlers.items():
            signal.signal(sig, handler)


def test_the_worker_releases_a_one_sided_round_at_its_deadline_and_not_before(
    database_tasks, scheduled_round
):
    interview = interview_end(interview=interview_start(interview=scheduled_round.interview))
    ivy = Participant.objects.select_related("interview", "user").get(
        interview=interview, user=scheduled_round.interviewer
    )
    feedback_submit(participant=ivy, data=interviewer_data())
    deadline = FeedbackRound.objects.get(interview=interview).deadline

    release = DBTaskResult.objects.get(task_path=RELEASE_TASK)
    assert release.args_kwargs["kwargs"] == {"interview_id": interview.pk}
    assert release.run_after == deadline

    # Before the deadline the worker runs what is due (a ping: the email job, which has
    # nothing to send yet) and leaves the release waiting.
    ping = send_release_emails.enqueue(interview_id=interview.pk)
    run_worker_batch()
    ping.refresh()
    assert ping.status == "SUCCESSFUL" and ping.return_value == 0
    release.refresh_from_db()
    assert release.status == "READY" and release.run_after > now()
    assert FeedbackRound.objects.get(interview=interview).released_at is None
    assert mail.outbox == [] and not Notice.objects.exists()

    with time_machine.travel(deadline + timedelta(seconds=1)):
        run_worker_batch()

    release.refresh_from_db()
    assert release.status == "SUCCESSFUL" and release.return_value is True
    feedback = FeedbackRound.objects.get(interview=interview)
    assert feedback.release_reason == "deadline"
    assert deadline <= feedback.released_at <= deadline + timedelta(seconds=2)
    # The release queued the email job and the same batch ran it: one notice and one email
    # for each side, the observer left out.
    emails = DBTaskResult.objects.filter(task_path=EMAIL_TASK).exclude(id=ping.id).get()
    assert emails.status == "SUCCESSFUL" and emails.return_value == 2
    assert sorted(n.user.email for n in Notice.objects.select_related("user")) == [
        "cole@example.com",
        "ivy@example.com",
    ]
    assert all(n.emailed_at is not None for n in Notice.objects.all())
    assert sorted(m.to[0] for m in mail.outbox) == ["cole@example.com", "ivy@example.com"]
    assert all(interview.title in m.subject for m in mail.outbox)
