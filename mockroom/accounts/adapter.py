from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.urls import reverse

PENDING_INVITATION = "pending_invitation"


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
