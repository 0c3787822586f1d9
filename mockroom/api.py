"""The HTTP API: session or personal-token authentication, OpenAPI at /api/openapi.json."""

from django.http import HttpRequest
from ninja import NinjaAPI
from ninja.security import HttpBearer, django_auth

from mockroom.accounts.services import api_token_authenticate
from mockroom.feedback.api import router as feedback_router
from mockroom.interviews.api import router as interviews_router
from mockroom.rubrics.api import router as rubrics_router


class PersonalToken(HttpBearer):
    """`Authorization: Bearer mr_…`, a token made on the profile page."""

    def authenticate(self, request: HttpRequest, token: str):
        user = api_token_authenticate(token)
        if user is None:
            return None
        request.user = user
        return user


api = NinjaAPI(
    title="MockRoom API",
    version="1",
    description="Rounds and invitations. Same permission rules as the pages.",
    auth=[PersonalToken(), django_auth],
    urls_namespace="api",
)
api.add_router("/", interviews_router)
api.add_router("/", rubrics_router)
api.add_router("/", feedback_router)
