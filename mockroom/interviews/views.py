"""Pages for rounds: thin, each calls one service or selector."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from mockroom.core.clock import now
from mockroom.feedback.selectors import unread_notices

from . import services
from .calendar import interview_ics
from .forms import (
    AgendaForm,
    InterviewCreateForm,
    InterviewEditForm,
    InviteEmailForm,
    RescheduleForm,
)
from .models import Interview, Invitation, Role
from .rules import INVITATION_EXPLANATIONS, InvitationState, invitation_state
from .selectors import dashboard_buckets, participation_or_404
from .throttle import round_create_refusal

PENDING_INVITATION = "pending_invitation"
FRESH_LINKS = "fresh_invitation_links"
# Any link, seat or observer, of a round that is over: there is nothing left to join.
ROUND_CANCELLED = (
    "This round was cancelled",
    "The organiser called this round off. If it is rescheduled, this link works again "
    "until it is used or expires.",
)
ROUND_ENDED = (
    "This round has ended",
    "The round is over, so there is nothing left to join. If you meant to take part, ask "
    "the organiser for a link to their next round.",
)


def join_url(request: HttpRequest, token: str) -> str:
    return request.build_absolute_uri(reverse("interviews:join", args=[token]))


def _remember_links(request: HttpRequest, interview: Interview, issued) -> None:
    """Links are shown once, right after they are made: we keep only hashes."""
    fresh = request.session.get(FRESH_LINKS, {})
    fresh[interview.public_id] = [
        {"role": item.invitation.role, "url": join_url(request, item.token)} for item in issued
    ]
    request.session[FRESH_LINKS] = fresh


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """The signed-in home: live, upcoming and past rounds, filterable by role."""
    role = request.GET.get("role") or None
    if role not in (None, *Role.values):
        role = None
    buckets = dashboard_buckets(request.user, role=role)  # type: ignore[arg-type]
    return render(
        request,
        "interviews/dashboard.html",
        {
            "buckets": buckets,
            "has_any": any(buckets.values()),
            "role_filter": role,
            "roles": Role.choices,
            "notices": unread_notices(request.user),
        },
    )


@login_required
def interview_create(request: HttpRequest) -> HttpResponse:
    form = InterviewCreateForm(request.POST or None, user=request.user)
    if request.method == "POST" and _show_again(request, form):
        form = InterviewCreateForm(initial=form.values(), user=request.user)
        return _render_round_form(request, "interviews/create.html", form)
    if request.method == "POST" and form.is_valid():
        refused = round_create_refusal(user_id=request.user.pk)
        if refused is not None:
            form.add_error(None, refused.message)
            response = _render_round_form(request, "interviews/create.html", form, status=429)
            response["Retry-After"] = str(refused.retry_after)
            return response
        data = form.cleaned_data
        try:
            interview, issued = services.interview_create(
                creator=request.user,  # type: ignore[arg-type]
                title=data["title"],
                kind=data["kind"],
                creator_role=data["my_role"],
                agenda=data["phases"],
                scheduled_at=data["scheduled_at"],
                time_zone=data["time_zone"],
                prompt_text=data["prompt_text"],
                prompt_notes=data["prompt_notes"],
                prompt_hints=data["prompt_hints"],
                prompt_solution=data["prompt_solution"],
                rubric=data.get("rubric"),
            )
        except services.InterviewError as error:
            form.add_error(None, error.message)
        else:
            _remember_links(request, interview, issued)
            messages.success(request, "Round scheduled. Copy the invite links below.")
            return redirect("interviews:detail", public_id=interview.public_id)
    status = 400 if form.errors else 200  # each refused field is named on the page
    return _render_round_form(request, "interviews/create.html", form, status=status)


def _show_again(request: HttpRequest, form) -> bool:
    """Show the form again instead of saving: asked for ("Update the summary"), or the
    kind's defaults were just applied to fields the page showed otherwise (without the
    page's script), so nothing is saved that the person has not seen."""
    if request.POST.get("preview"):
        return True
    if form.defaults_changed:
        messages.info(
            request,
            "The agenda and the rubric now follow the kind of round you chose. "
            "Check what will be created, then submit again.",
        )
        return True
    return False


def _render_round_form(
    request: HttpRequest, template: str, form, status: int = 200, **context
) -> HttpResponse:
    return render(
        request,
        template,
        {
            "form": form,
            "summary": form.summary(),
            "round_defaults": form.client_defaults(),
            **context,
        },
        status=status,
    )


@login_required
def interview_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    participant = participation_or_404(public_id, request.user)  # type: ignore[arg-type]
    interview = participant.interview
    manage = services.can_manage(interview, request.user)  # type: ignore[arg-type]
    fresh = request.session.get(FRESH_LINKS, {}).pop(public_id, [])
    if fresh:
        request.session.modified = True
    invitations = []
    if manage:
        for invitation in interview.invitations.all():
            invitations.append((invitation, invitation_state(invitation.facts(), now())))
    return render(
        request,
        "interviews/detail.html",
        {
            "interview": interview,
            "me": participant,
            "participants": interview.participants.select_related("user").order_by("role"),
            "can_manage": manage,
            "invitations": invitations,
            "fresh_links": fresh,
            "agenda_form": AgendaForm(
                initial={"agenda": "\n".join(f"{p.name}, {p.minutes}" for p in interview.phases)}
            ),
            "email_form": InviteEmailForm(),
            "seat_roles": [
                r
                for r in (Role.INTERVIEWER, Role.CANDIDATE)
                if not any(p.role == r for p in interview.participants.all())
            ],
            "show_prompt": participant.is_staff,
            "can_change": manage and interview.status == Interview.Status.SCHEDULED,
            "can_reschedule": manage
            and interview.status in (Interview.Status.SCHEDULED, Interview.Status.CANCELLED),
        },
    )


@login_required
def interview_edit(request: HttpRequest, public_id: str) -> HttpResponse:
    """Every field of a round until it starts; the people in it get an update mail."""
    interview = _managed_interview(request, public_id)
    if interview.status != Interview.Status.SCHEDULED:
        messages.error(request, "A round can be edited only until it starts.")
        return redirect("interviews:detail", public_id=public_id)
    prompt = services.may_edit_prompt(interview, request.user)  # type: ignore[arg-type]
    form = InterviewEditForm(
        request.POST or None, interview=interview, user=request.user, prompt=prompt
    )
    context = {"interview": interview}
    if request.method == "POST" and _show_again(request, form):
        form = InterviewEditForm(
            initial=form.values(), interview=interview, user=request.user, prompt=prompt
        )
        return _render_round_form(request, "interviews/edit.html", form, **context)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        fields = {
            "title": data["title"],
            "kind": data["kind"],
            "scheduled_at": data["scheduled_at"],
            "time_zone": data["time_zone"],
            "agenda": data["phases"],
            "rubric": data.get("rubric"),
        }
        if prompt:
            fields.update({name: data[name] for name in services.PROMPT_FIELDS})
        try:
            changed = services.interview_update(
                interview=interview,
                by=request.user,  # type: ignore[arg-type]
                **fields,
            )
        except services.InvalidInput as error:
            form.add_error(error.field if error.field in form.fields else None, error.problem)
        except services.InterviewError as error:
            form.add_error(None, error.message)
        else:
            if changed:
                messages.success(
                    request,
                    f"Round saved; everyone in it was told of the new {changed[0]}."
                    if len(changed) == 1
                    else "Round saved; everyone in it was told what changed.",
                )
            else:
                messages.success(request, "Round saved.")
            return redirect("interviews:detail", public_id=public_id)
    status = 400 if form.errors else 200
    return _render_round_form(request, "interviews/edit.html", form, status=status, **context)


@login_required
def interview_cancel(request: HttpRequest, public_id: str) -> HttpResponse:
    """Ask first (GET), then call the round off (POST)."""
    interview = _managed_interview(request, public_id)
    if request.method == "POST":
        try:
            services.interview_cancel(interview=interview, by=request.user)  # type: ignore[arg-type]
        except services.InterviewError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, "Round cancelled; everyone in it was told.")
        return redirect("interviews:detail", public_id=public_id)
    if interview.status != Interview.Status.SCHEDULED:
        return redirect("interviews:detail", public_id=public_id)
    return render(request, "interviews/cancel.html", {"interview": interview})


@login_required
def interview_reschedule(request: HttpRequest, public_id: str) -> HttpResponse:
    """A new time for a scheduled round, or for a cancelled one to bring it back."""
    interview = _managed_interview(request, public_id)
    if interview.status not in (Interview.Status.SCHEDULED, Interview.Status.CANCELLED):
        messages.error(request, "A round can be rescheduled only until it starts.")
        return redirect("interviews:detail", public_id=public_id)
    initial = InterviewEditForm.initial_for(interview)
    form = RescheduleForm(
        request.POST or None,
        initial={"scheduled_at": initial["scheduled_at"], "time_zone": interview.time_zone},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.interview_reschedule(
                interview=interview,
                by=request.user,  # type: ignore[arg-type]
                scheduled_at=form.cleaned_data["scheduled_at"],
                time_zone=form.cleaned_data["time_zone"],
            )
        except services.InvalidInput as error:
            form.add_error(error.field if error.field in form.fields else None, error.problem)
        except services.InterviewError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, "Round rescheduled; everyone in it was told.")
            return redirect("interviews:detail", public_id=public_id)
    status = 400 if form.errors else 200
    return render(
        request, "interviews/reschedule.html", {"interview": interview, "form": form}, status=status
    )


def _managed_interview(request: HttpRequest, public_id: str) -> Interview:
    interview = participation_or_404(public_id, request.user).interview  # type: ignore[arg-type]
    if not services.can_manage(interview, request.user):  # type: ignore[arg-type]
        raise Http404("No such round.")
    return interview


@login_required
@require_POST
def invitation_new(request: HttpRequest, public_id: str) -> HttpResponse:
    interview = _managed_interview(request, public_id)
    role = request.POST.get("role", "")
    email_form = InviteEmailForm(request.POST) if request.POST.get("email") else None
    if email_form is not None and not email_form.is_valid():
        messages.error(request, "Enter a valid email address to send the invitation to.")
        return redirect("interviews:detail", public_id=public_id)
    email = email_form.cleaned_data["email"] if email_form else ""
    try:
        issued = services.invitation_create(
            interview=interview,
            role=role,
            created_by=request.user,
            email=email,  # type: ignore[arg-type]
        )
    except services.InterviewError as error:
        messages.error(request, error.message)
        return redirect("interviews:detail", public_id=public_id)
    _remember_links(request, interview, [issued])
    if email:
        services.invitation_email_enqueue(
            invitation=issued.invitation, join_url=join_url(request, issued.token)
        )
        messages.success(request, f"Invitation sent to {email}; its delivery shows below.")
    else:
        messages.success(request, f"New {Role(role).label.lower()} link created.")
    return redirect("interviews:detail", public_id=public_id)


@login_required
@require_POST
def invitation_revoke(request: HttpRequest, public_id: str, invitation_id: int) -> HttpResponse:
    interview = _managed_interview(request, public_id)
    invitation = get_object_or_404(Invitation, pk=invitation_id, interview=interview)
    services.invitation_revoke(invitation=invitation)
    messages.success(request, "Invitation revoked.")
    return redirect("interviews:detail", public_id=public_id)


@login_required
@require_POST
def agenda_update(request: HttpRequest, public_id: str) -> HttpResponse:
    interview = _managed_interview(request, public_id)
    form = AgendaForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Agenda not saved: " + "; ".join(form.errors["agenda"]))
        return redirect("interviews:detail", public_id=public_id)
    try:
        services.interview_update_agenda(interview=interview, agenda=form.cleaned_data["agenda"])
    except services.InterviewError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Agenda saved.")
    return redirect("interviews:detail", public_id=public_id)


@login_required
def interview_calendar(request: HttpRequest, public_id: str) -> HttpResponse:
    participant = participation_or_404(public_id, request.user)  # type: ignore[arg-type]
    url = request.build_absolute_uri(
        reverse("interviews:detail", args=[participant.interview.public_id])
    )
    body = interview_ics(
        participant.interview, join_url=url, role_label=participant.get_role_display()
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="mockroom-interview.ics"'
    return response


@login_required
@require_POST
def interview_swap(request: HttpRequest, public_id: str) -> HttpResponse:
    participant = participation_or_404(public_id, request.user)  # type: ignore[arg-type]
    try:
        follow_up = services.interview_swap_roles(
            interview=participant.interview,
            by=request.user,  # type: ignore[arg-type]
            scheduled_at=now() + timedelta(minutes=10),
        )
    except services.InterviewError as error:
        messages.error(request, error.message)
        return redirect("interviews:detail", public_id=public_id)
    messages.success(request, "Roles swapped: here is your follow-up round.")
    return redirect("interviews:detail", public_id=follow_up.public_id)


def join(request: HttpRequest, token: str) -> HttpResponse:
    """An invite link. Logged-out visitors sign up or log in and come back here."""
    invitation = services.invitation_lookup(token)
    if invitation is None:
        return render(request, "interviews/join_invalid.html", status=404)
    interview = invitation.interview
    if request.user.is_authenticated and interview.participants.filter(user=request.user).exists():
        return redirect("interviews:detail", public_id=interview.public_id)
    if interview.status == Interview.Status.ENDED:
        title, explanation = ROUND_ENDED
        return render(
            request,
            "interviews/join_refused.html",
            {"title": title, "explanation": explanation},
            status=410,
        )
    if interview.status == Interview.Status.CANCELLED:
        title, explanation = ROUND_CANCELLED
        return render(
            request,
            "interviews/join_refused.html",
            {"title": title, "explanation": explanation},
            status=410,
        )
    state = invitation_state(invitation.facts(), now())
    if state is not InvitationState.VALID:
        title, explanation = INVITATION_EXPLANATIONS[state]
        return render(
            request,
            "interviews/join_refused.html",
            {"title": title, "explanation": explanation},
            status=410,
        )
    if not request.user.is_authenticated:
        request.session[PENDING_INVITATION] = token
        return render(
            request,
            "interviews/join.html",
            {"invitation": invitation, "interview": interview, "next": request.path},
        )
    if request.method == "POST":
        try:
            participant = services.invitation_accept(token=token, user=request.user)  # type: ignore[arg-type]
        except services.InvitationRefused as error:
            explanations = {
                **INVITATION_EXPLANATIONS,
                "ended": ROUND_ENDED,
                "cancelled": ROUND_CANCELLED,
            }
            title, explanation = explanations.get(
                error.state,
                ("You can't join with this link", error.message),  # type: ignore[call-overload]
            )
            return render(
                request,
                "interviews/join_refused.html",
                {"title": title, "explanation": explanation},
                status=409,
            )
        request.session.pop(PENDING_INVITATION, None)
        messages.success(request, f"You joined as the {participant.get_role_display().lower()}.")
        return redirect("interviews:detail", public_id=interview.public_id)
    return render(
        request, "interviews/join.html", {"invitation": invitation, "interview": interview}
    )


@login_required
def practice_board(request: HttpRequest) -> HttpResponse:
    """A private scratch whiteboard to try the drawing tools before a round."""
    return render(request, "interviews/practice_board.html")
