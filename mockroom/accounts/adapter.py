from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.urls import reverse

PENDING_INVITATION = "pending_invitation"


class SiteName:
    """Stands in for a Site in mail templates: name and domain are both SITE_NAME."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.domain = name

    def __str__(self) -> str:
        return self.name


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        """Self-hosters can close public signup with ACCOUNT_ALLOW_SIGNUP=false."""
        return bool(getattr(settings, "ACCOUNT_ALLOW_SIGNUP", True))

    def clean_email(self, email: str) -> str:
        """Signup and email changes take the same addresses as invitations: allauth would
        otherwise cut one longer than the column (254) and verify a different address."""
        from mockroom.core.validation import email_problem

        if problem := email_problem(email):
            raise ValidationError(problem[:1].upper() + problem[1:] + ".")
        return super().clean_email(email)

    def save_user(self, request: HttpRequest, user, form, commit: bool = True):  # type: ignore[no-untyped-def]
        """Keep the display name asked for at sign-up."""
        user = super().save_user(request, user, form, commit=False)
        name = getattr(form, "cleaned_data", {}).get("display_name")
        if name:
            user.display_name = name
        if commit:
            user.save()
        return user

    def format_email_subject(self, subject: str) -> str:
        """'[SITE_NAME] subject': the site's configured name, never the host it runs on."""
        return f"[{settings.SITE_NAME}] {subject}"

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """allauth's mails name the site with SITE_NAME, not the request's host."""
        context = {**context, "current_site": SiteName(settings.SITE_NAME)}
        super().send_mail(template_prefix, email, context)

    def _pending_invitation_url(self, request: HttpRequest) -> str | None:
        token = request.session.get(PENDING_INVITATION)
        return reverse("interviews:join", args=[token]) if token else None

    def get_login_redirect_url(self, request: HttpRequest) -> str:
        """Someone who arrived by an invite link goes back to it after logging in,
        even when the detour went through email verification."""
        return self._pending_invitation_url(request) or super().get_login_redirect_url(request)

    def get_email_verification_redirect_url(self, email_address) -> str:  # type: ignore[no-untyped-def]
        request = self.request
        return self._pending_invitation_url(request) or super().get_email_verification_redirect_url(
            email_address
        )
