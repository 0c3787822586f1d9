"""Writes to accounts."""

from django.db import transaction

from mockroom.core.clock import now
from mockroom.core.tokens import hash_token, new_token

from .models import ApiToken, User


@transaction.atomic
def user_update_profile(*, user: User, display_name: str, time_zone: str) -> User:
    """Change what others see of a user, and the zone their times are shown in."""
    user.display_name = display_name.strip()
    user.time_zone = time_zone
    user.full_clean(exclude=["password"])
    user.save(update_fields=["display_name", "time_zone"])
    return user


TOKEN_PREFIX = "mr_"  # noqa: S105 - a label, not a secret  # noqa: S105 - a label, not a secret


@transaction.atomic
def api_token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    """Issue a personal API token; the plain token is returned once and never stored."""
    token = TOKEN_PREFIX + new_token()
    # A label the user typed: keep what the column can hold (no NUL, 80 characters).
    label = "".join(ch for ch in name if ch.isprintable()).strip()[:80] or "API token"
    record = ApiToken.objects.create(
        user=user, name=label, token_hash=hash_token(token), prefix=token[:8]
    )
    return record, token


@transaction.atomic
def api_token_revoke(*, token: ApiToken) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = now()
        token.save(update_fields=["revoked_at"])
    return token


def api_token_authenticate(token: str) -> User | None:
    """The active user a token belongs to, or None. Marks the token as used."""
    record = (
        ApiToken.objects.select_related("user")
        .filter(token_hash=hash_token(token), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if record is None:
        return None
    ApiToken.objects.filter(pk=record.pk).update(last_used_at=now())
    return record.user
