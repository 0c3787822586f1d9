import zoneinfo
from datetime import datetime

from django import forms
from django.utils import timezone

from mockroom.accounts.forms import TIME_ZONE_CHOICES
from mockroom.core.validation import MAX_EMAIL_LENGTH, email_problem

from .agenda import AGENDA_TEMPLATES, AgendaError, agenda_text, parse_agenda_text, template_phases
from .models import Interview, Role
from .services import PROMPT_FIELDS, PROMPT_MAX_LENGTH, TITLE_MAX_LENGTH, schedule_input_problems


def library_rubrics() -> dict[str, int]:
    """The built-in rubric of each kind of round that has one, by kind: the default."""
    from mockroom.rubrics.models import Rubric

    return dict(
        Rubric.objects.filter(is_builtin=True, slug__in=Interview.Kind.values).values_list(
            "slug", "pk"
        )
    )


def _same_text(a: str, b: str) -> bool:
    """Agenda texts equal but for blank lines and spaces at the ends of lines."""

    def lines(text: str) -> list[str]:
        return [line.strip() for line in text.replace("\r", "").splitlines() if line.strip()]

    return lines(a) == lines(b)


class RoundForm(forms.Form):
    """The fields of a round, for scheduling it and for editing it until it starts.

    The agenda template and the rubric follow the kind of round unless the person changed
    them. Two hidden fields say what the page last showed: `defaults_kind`, the kind whose
    template and rubric were filled in, and `agenda_source`, the template the agenda text
    came from (empty once the text was edited). The page's script keeps them current as
    you choose; without the script the server applies the same rule on submit, and then
    shows the form again (`defaults_changed`) so that nothing is created unseen."""

    title = forms.CharField(max_length=TITLE_MAX_LENGTH, initial="Mock interview")
    kind = forms.ChoiceField(choices=Interview.Kind.choices, label="Kind of round")
    rubric = forms.ModelChoiceField(
        queryset=None,
        required=False,
        label="Rubric",
        empty_label="The library rubric for this kind of round",
        help_text="Follows the kind of round until you choose another. Frozen into the round "
        "when it starts.",
    )
    agenda_template = forms.ChoiceField(
        choices=[(key, label) for key, (label, _) in AGENDA_TEMPLATES.items()],
        label="Agenda template",
        help_text="Follows the kind of round until you choose another; fills in the phases.",
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
    defaults_kind = forms.CharField(required=False, widget=forms.HiddenInput)
    agenda_source = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, data=None, *args, user=None, **kwargs):
        from mockroom.rubrics.services import rubrics_for

        self.defaults_changed = False
        self.rubric_ids = library_rubrics()
        if data is not None and data.get("defaults_kind") is not None:
            data = self._follow_kind(data)
        super().__init__(data, *args, **kwargs)
        self.fields["rubric"].queryset = (
            rubrics_for(user) if user is not None else self.fields["rubric"].queryset
        )

    def _follow_kind(self, data):
        """Apply the defaults of the chosen kind to what the person left untouched."""
        data = data.copy()
        kinds = Interview.Kind.values
        kind, shown = data.get("kind", ""), data.get("defaults_kind", "")
        before = {name: data.get(name, "") for name in ("agenda_template", "rubric", "agenda")}
        if kind in kinds and shown in kinds and kind != shown:
            if data.get("agenda_template") == shown and kind in AGENDA_TEMPLATES:
                data["agenda_template"] = kind
            if data.get("rubric", "") in ("", str(self.rubric_ids.get(shown, ""))):
                data["rubric"] = str(self.rubric_ids.get(kind, ""))
        template, source = data.get("agenda_template", ""), data.get("agenda_source", "")
        text = data.get("agenda", "")
        if template in AGENDA_TEMPLATES and template != source:
            untouched = not text.strip() or (
                source in AGENDA_TEMPLATES
                and _same_text(text, agenda_text(template_phases(source)))
            )
            if untouched:
                data["agenda"] = agenda_text(template_phases(template))
                data["agenda_source"] = template
        # The hidden fields only ever hold what this rule put there.
        data["defaults_kind"] = kind if kind in kinds else ""
        if data.get("agenda_source", "") not in AGENDA_TEMPLATES:
            data["agenda_source"] = ""
        self.defaults_changed = any(data.get(name, "") != old for name, old in before.items())
        return data

    def values(self) -> dict[str, object]:
        """What the form shows now, bound or not: for the summary and a re-shown form."""
        return {name: self[name].value() for name in self.fields}

    def summary(self) -> dict[str, object]:
        """What will be created (or saved): kind, phases and their total, the rubric."""
        values = self.values()
        kind = str(values.get("kind") or "")
        labels = dict(Interview.Kind.choices)
        template = str(values.get("agenda_template") or "")
        try:
            text = str(values.get("agenda") or "").strip()
            phases = (
                parse_agenda_text(text)
                if text
                else template_phases(template if template in AGENDA_TEMPLATES else "coding")
            )
        except AgendaError:
            phases = []
        rubric_id = str(values.get("rubric") or self.rubric_ids.get(kind) or "")
        rubric = (
            self.fields["rubric"].queryset.filter(pk=int(rubric_id)).first()
            if rubric_id.isdigit() and self.fields["rubric"].queryset is not None
            else None
        )
        return {
            "kind": labels.get(kind, ""),
            "phases": phases,
            "minutes": sum(phase.minutes for phase in phases),
            "rubric": rubric.title if rubric is not None else "None",
        }

    def client_defaults(self) -> dict[str, object]:
        """What the page's script needs to apply the same rule: templates, rubrics, labels."""
        return {
            "templates": {key: agenda_text(list(p)) for key, (_, p) in AGENDA_TEMPLATES.items()},
            "rubrics": self.rubric_ids,
            "kinds": dict(Interview.Kind.choices),
        }

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
                if field not in self.errors and field in self.fields:
                    self.add_error(field, problem[:1].upper() + problem[1:] + ".")
        return cleaned


class InterviewCreateForm(RoundForm):
    my_role = forms.ChoiceField(
        choices=[(Role.INTERVIEWER, "Interviewer"), (Role.CANDIDATE, "Candidate")],
        label="My role",
        widget=forms.RadioSelect,
        initial=Role.INTERVIEWER,
    )
    field_order = ["title", "kind", "my_role"]

    def __init__(self, data=None, *args, user=None, **kwargs):
        super().__init__(data, *args, user=user, **kwargs)
        if user is not None and not self.is_bound:
            self.fields["time_zone"].initial = user.time_zone or "UTC"
            self.fields["agenda"].initial = agenda_text(template_phases("coding"))
            self.fields["rubric"].initial = self.rubric_ids.get("coding")
            self.fields["defaults_kind"].initial = "coding"
            self.fields["agenda_source"].initial = "coding"

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("my_role") == Role.CANDIDATE and any(cleaned.get(f) for f in PROMPT_FIELDS):
            self.add_error("prompt_text", "Only the interviewer sets the prompt; leave it empty.")
        return cleaned


class InterviewEditForm(RoundForm):
    """Every field of a scheduled round. The prompt's fields are there only for someone
    who may read them (the interviewer, or an organiser who is not the candidate)."""

    def __init__(self, data=None, *args, interview: Interview, user=None, prompt=True, **kwargs):
        if data is None and "initial" not in kwargs:
            kwargs["initial"] = self.initial_for(interview)
        super().__init__(data, *args, user=user, **kwargs)
        if interview.rubric_id is not None:
            from mockroom.rubrics.models import Rubric

            self.fields["rubric"].queryset = self.fields["rubric"].queryset | (
                Rubric.objects.filter(pk=interview.rubric_id)
            )
        if not prompt:
            for name in PROMPT_FIELDS:
                del self.fields[name]

    @staticmethod
    def initial_for(interview: Interview) -> dict[str, object]:
        phases = interview.phases
        template = interview.kind if interview.kind in AGENDA_TEMPLATES else "other"
        follows = phases == template_phases(template)
        local = interview.scheduled_at.astimezone(zoneinfo.ZoneInfo(interview.time_zone))
        initial: dict[str, object] = {
            "title": interview.title,
            "kind": interview.kind,
            "rubric": interview.rubric_id,
            "agenda_template": template,
            "agenda": agenda_text(phases),
            "scheduled_at": local.replace(tzinfo=None),
            "time_zone": interview.time_zone,
            "defaults_kind": interview.kind,
            "agenda_source": template if follows else "",
        }
        for name in PROMPT_FIELDS:
            initial[name] = getattr(interview, name)
        return initial


class CancelForm(forms.Form):
    """Nothing to fill in: the button says what it does."""


class RescheduleForm(forms.Form):
    scheduled_at = RoundForm.base_fields["scheduled_at"]
    time_zone = forms.ChoiceField(choices=TIME_ZONE_CHOICES, label="Time zone")

    def clean(self):
        cleaned = super().clean()
        scheduled = cleaned.get("scheduled_at")
        zone = cleaned.get("time_zone")
        if isinstance(scheduled, datetime) and zone:
            naive = timezone.make_naive(scheduled) if timezone.is_aware(scheduled) else scheduled
            cleaned["scheduled_at"] = naive.replace(tzinfo=zoneinfo.ZoneInfo(zone))
            from .rules import schedule_problem

            if problem := schedule_problem(cleaned["scheduled_at"], timezone.now()):
                self.add_error("scheduled_at", problem[:1].upper() + problem[1:] + ".")
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
