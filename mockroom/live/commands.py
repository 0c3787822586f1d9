"""The runtime's slow path: commands with no in-memory form run through the ORM services
(`services.room_command` and the features' command handlers) on the writer thread."""

from __future__ import annotations

from . import services
from .runtime import Job, Outcome, Refused


def run_slow_command(job: Job) -> Outcome:
    if job.actor is None or job.client_msg_id is None:
        raise Refused("invalid")
    try:
        result = services.room_command(
            interview_id=job.interview_id,
            user_id=job.actor.user_id,
            command=job.kind,
            client_msg_id=job.client_msg_id,
            args=job.args,
        )
    except services.RoomError as error:
        raise Refused(error.code, error.message) from None
    return Outcome(seq=result.seq, duplicate=result.duplicate)
