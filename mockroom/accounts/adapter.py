from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.http import HttpRequest


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        """Self-hosters can close public signup with ACCOUNT_ALLOW_SIGNUP=false."""
        return bool(getattr(settings, "ACCOUNT_ALLOW_SIGNUP", True))
