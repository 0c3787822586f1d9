from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """The signed-in home: the user's rounds (none until they create or join one)."""
    return render(request, "interviews/dashboard.html", {"interviews": []})


@login_required
def interview_create(request: HttpRequest) -> HttpResponse:
    return render(request, "interviews/create.html")


@login_required
def practice_board(request: HttpRequest) -> HttpResponse:
    """A private scratch whiteboard to try the drawing tools before a round."""
    return render(request, "interviews/practice_board.html")
