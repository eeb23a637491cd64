"""Text in another language than the page says so with `lang`: a stored e-mail in the outbox,
language names in language choices, the person's e-mail language on their own page."""

import re

import pytest
from django.conf import settings
from django.urls import reverse

from notifications.models import OutboundEmail

pytestmark = pytest.mark.django_db


def _get(client, url, language="fr"):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_outbox_shows_a_dutch_email_marked_dutch_on_a_french_page(client, staff):
    email = OutboundEmail.objects.create(
        recipient="jan@example.com",
        kind="password_reset",
        language="nl",
        subject="Uw wachtwoord",
        body_text="Beste Jan,",
    )
    client.force_login(staff)
    listing = _get(client, reverse("notifications:outbox"))
    assert 'lang="nl">Uw wachtwoord</a>' in listing
    detail = _get(client, reverse("notifications:outbox-detail", args=[email.pk]))
    assert '<h1 lang="nl">Uw wachtwoord</h1>' in detail
    assert 'aria-labelledby="text-title" lang="nl">Beste Jan,</pre>' in detail


def test_language_choices_name_each_language_in_its_own_language(client, admin):
    admin.language = "nl"
    admin.save()
    client.force_login(admin)
    edit = _get(client, reverse("accounts:profile-edit"), "en")
    options = re.findall(r'<option value="(\w+)"[^>]*lang="(\w+)"[^>]*>\s*(\w+)', edit)
    assert ("nl", "nl", "Nederlands") in options and ("de", "de", "Deutsch") in options
    profile = _get(client, reverse("accounts:profile"), "en")
    assert '<dd lang="nl">Nederlands</dd>' in profile
