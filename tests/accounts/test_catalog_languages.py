"""Catalog descriptions read in the reader's language, like names, on the pages that show them;
a text that falls back to French says so with `lang`."""

import pytest
from django.conf import settings
from django.urls import reverse

from accounts.models import AccountApplication, Application, Membership
from accounts.permissions import Scope
from accounts.services.grants import rights_set
from tests.factories import CustomerAccountFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def dhl(company, admin):
    """DHL shipping on one account of the company; the admin holds « Expédier » there."""
    app = Application.objects.get(code="dhl-shipping")
    account = CustomerAccountFactory(company=company, number="950000033")
    AccountApplication.objects.create(account=account, application=app)
    rights_set(
        membership=Membership.objects.get(user=admin, company=company),
        application=app,
        rights={app.permissions.get(code="ship"): Scope.of(accounts=[account.pk])},
        actor=UserFactory(is_staff=True),
        notify=False,
    )
    return app


def _rights_page(client, admin, user, language):
    client.force_login(admin)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(reverse("accounts:user-rights-edit", args=[user.pk, "dhl-shipping"]))
    assert response.status_code == 200
    return response.content.decode()


def test_rights_page_in_english_shows_english_descriptions(client, dhl, admin, user):
    page = _rights_page(client, admin, user, "en")
    assert '<p lang="en">Creating express shipments on a DHL account.' in page
    assert '<span lang="en">Create shipments on the account in MyDHL+ or eMailship.</span>' in page
    assert "Création d'envois express" not in page and "Créer des envois sur le compte" not in page


def test_rights_page_in_french_keeps_the_french_descriptions(client, dhl, admin, user):
    page = _rights_page(client, admin, user, "fr")
    assert '<p lang="fr">Création d&#x27;envois express sur un compte DHL.' in page
    assert "Créer des envois sur le compte dans MyDHL+ ou eMailship." in page


def test_description_without_translation_falls_back_to_french_marked_lang_fr(
    client, dhl, admin, user
):
    ship = dhl.permissions.get(code="ship")
    ship.description_translations = {"nl": "Zendingen aanmaken."}
    ship.save()
    page = _rights_page(client, admin, user, "en")
    assert '<span lang="fr">Créer des envois sur le compte dans MyDHL+ ou eMailship.</span>' in page


def test_catalog_admin_lists_descriptions_in_the_readers_language(client, staff):
    client.force_login(staff)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "de"
    page = client.get(reverse("admin:accounts_permission_changelist") + "?q=ship").content
    assert "Sendungen auf dem Konto in MyDHL+ oder eMailship erstellen." in page.decode()
