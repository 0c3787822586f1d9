import zoneinfo
from datetime import datetime

from django import forms
from django.utils import timezone

from mockroom.accounts.forms import TIME_ZONE_CHOICES
from mockroom.core.validation import MAX_EMAIL_LENGTH, email_problem

from .agenda import AGENDA_TEMPLATES, AgendaError, agenda_text, parse_agenda_text, template_phases
from .models import Interview, Role
from .services import PROMPT_FIELDS, PROMPT_MAX_LENGTH, TITLE_MAX_LENGTH, schedule_input_problems


class InterviewCreateForm(forms.Form):
    title = forms.CharField(max_length=TITLE_MAX_LENGTH, initial="Mock interview")
    kind = forms.ChoiceField(choices=Interview.Kind.choices, label="Kind of round")
    my_role = forms.ChoiceField(
        choices=[(Role.INTERVIEWER, "Interviewer"), (Role.CANDIDATE, "Candidate")],
        label="My role",
        widget=forms.RadioSelect,
        initial=Role.INTERVIEWER,
    )
    rubric = forms.ModelChoiceField(
        queryset=None,
        required=False,
        label="Rubric",
        empty_label="The library rubric for this kind of round",
        help_text="Frozen into the round when it starts.",
    )
    agenda_template = forms.ChoiceField(
        choices=[(key, label) for key, (label, _) in AGENDA_TEMPLATES.items()],
        label="Agenda template",
        help_text="Filled in below; edit the phases as you like.",
    )
    agenda = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
        label="Agenda",
        help_text="One phase per line: 'Phase name, minutes'. Empty uses the template.",
    )
    scheduled_at = forms.DateTimeField(
        label="Starts at",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    time_zone = forms.ChoiceField(choices=TIME_ZONE_CHOICES, label="Time zone")
    prompt_text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=PROMPT_MAX_LENGTH,
        required=False,
        label="Prompt shown to the candidate",
        help_text="Interviewer only. The candidate sees it once you reveal it in the room.",
    )
    prompt_notes = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=PROMPT_MAX_LENGTH,
        required=False,
        label="Private notes",
    )
    prompt_hints = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=PROMPT_MAX_LENGTH,
        required=False,
        label="Hints",
    )
    prompt_solution = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=PROMPT_MAX_LENGTH,
        required=False,
        label="Solution",
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        from mockroom.rubrics.services import rubrics_for

        self.fields["rubric"].queryset = rubrics_for(user) if user is not None else None
        if user is not None and not self.is_bound:
            self.fields["time_zone"].initial = user.time_zone or "UTC"
            self.fields["agenda"].initial = agenda_text(template_phases("coding"))

    def clean(self):
        cleaned = super().clean()
        text = (cleaned.get("agenda") or "").strip()
        try:
            cleaned["phases"] = (
                parse_agenda_text(text)
                if text
                else template_phases(cleaned.get("agenda_template") or "coding")
            )
        except AgendaError as error:
            self.add_error("agenda", str(error))
        scheduled = cleaned.get("scheduled_at")
        zone = cleaned.get("time_zone")
        if isinstance(scheduled, datetime) and zone:
            # The form's time is wall-clock time in the chosen zone.
            naive = timezone.make_naive(scheduled) if timezone.is_aware(scheduled) else scheduled
            cleaned["scheduled_at"] = naive.replace(tzinfo=zoneinfo.ZoneInfo(zone))
            # The service's own checks, shown next to their fields (title, dates, zone…).
            problems = schedule_input_problems(
                title=cleaned.get("title") or "-",
                kind=cleaned.get("kind") or Interview.Kind.OTHER,
                scheduled_at=cleaned["scheduled_at"],
                time_zone=zone,
                prompt={name: cleaned.get(name) or "" for name in PROMPT_FIELDS},
            )
            for field, problem in problems.items():
                if field not in self.errors:
                    self.add_error(field, problem[:1].upper() + problem[1:] + ".")
        if cleaned.get("my_role") == Role.CANDIDATE and any(
            cleaned.get(f)
            for f in ("prompt_text", "prompt_notes", "prompt_hints", "prompt_solution")
        ):
            self.add_error("prompt_text", "Only the interviewer sets the prompt; leave it empty.")
        return cleaned


class AgendaForm(forms.Form):
    agenda = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6}),
        label="Agenda",
        help_text="One phase per line: 'Phase name, minutes'.",
    )

    def clean_agenda(self):
        try:
            return parse_agenda_text(self.cleaned_data["agenda"])
        except AgendaError as error:
            raise forms.ValidationError(str(error)) from None


class InviteEmailForm(forms.Form):
    email = forms.EmailField(label="Email the link to", max_length=MAX_EMAIL_LENGTH)

    def clean_email(self):
        email = self.cleaned_data["email"]
        if problem := email_problem(email):
            raise forms.ValidationError(problem[:1].upper() + problem[1:] + ".")
        return email
