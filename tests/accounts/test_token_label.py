"""A personal token's label is what the user typed, kept to what its column can hold."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("typed", "kept"),
    [("laptop\x00", "laptop"), ("x" * 200, "x" * 80), ("\x00\n", "API token"), (" ci ", "ci")],
)
def test_a_token_label_is_kept_storable(client, alice, typed, kept):
    client.force_login(alice)
    response = client.post(reverse("accounts:token_new"), {"name": typed})
    assert response.status_code == 302
    assert alice.api_tokens.get().name == kept
