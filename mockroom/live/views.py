from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from mockroom.interviews.selectors import participation_or_404


@login_required
def room(request: HttpRequest, public_id: str) -> HttpResponse:
    """The live room page. Only the round's participants get it; others get a 404."""
    participant = participation_or_404(public_id, request.user)  # type: ignore[arg-type]
    return render(
        request,
        "live/room.html",
        {"interview": participant.interview, "me": participant},
    )
