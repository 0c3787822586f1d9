"""Sign-up asks for the name peers see, so they never see the start of your email; allauth's
mails and pages name the site by SITE_NAME, never by the host."""

from __future__ import annotations

import pytest
from django.core import mail

from mockroom.accounts.models import User

pytestmark = pytest.mark.django_db

PASSWORD = "x-Very-long-pass-123"


def signup(client, **fields):
    data = {"email": "dana.secret@example.com", "password1": PASSWORD, "password2": PASSWORD}
    return client.post("/accounts/signup/", {**data, **fields})


def test_the_signup_page_asks_for_a_display_name_in_the_apps_look(client):
    page = client.get("/accounts/signup/").content.decode()
    assert '<label for="id_display_name">Display name' in page
    assert page.index('name="email"') < page.index('name="display_name"')
    assert page.index('name="display_name"') < page.index('name="password1"')
    assert 'class="auth-form"' in page and "/static/css/site.css" in page
    title = page.split("<title>")[1].split("</title>")[0]
    assert " ".join(title.split()) == "Signup · MockRoom"


def test_the_display_name_is_kept_and_shown_instead_of_the_email(client):
    response = signup(client, display_name="  Dana   R. ")
    assert response.status_code == 302
    user = User.objects.get(email="dana.secret@example.com")
    assert user.display_name == "Dana R." and user.name == "Dana R."


def test_signing_up_without_a_display_name_is_refused(client):
    response = signup(client, display_name="   ")
    assert response.status_code == 200
    assert not User.objects.exists()
    assert "This field is required." in response.content.decode()


def test_confirmation_mail_names_the_site_not_the_host(client, settings):
    settings.SITE_NAME = "Practice Hall"
    signup(client, display_name="Dana")
    (message,) = mail.outbox
    assert message.subject.startswith("[Practice Hall] ")
    assert "Hello from Practice Hall!" in message.body
    assert "signed up to Practice Hall as Dana" in message.body
    before_link = message.body.split("/accounts/confirm-email/")[0].rsplit("http", 1)[0]
    assert "testserver" not in before_link
