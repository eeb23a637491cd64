"""What an administrator reads after creating or opening the rights of a person: no « Il » for
Mme Élodie, no « de elodie » (issue 11: e-mails and pages without slips)."""

import pytest
from django.urls import reverse

from accounts.models import User
from tests.accounts.test_users import _create_data

pytestmark = pytest.mark.django_db


def test_creating_mme_elodie_reads_without_assuming_a_man(client, admin):
    client.force_login(admin)
    data = _create_data(
        username="elodie.vdb",
        civility="mrs",
        first_name="Élodie",
        last_name="Van den Broeck",
        email="elodie.vdb@example.com",
        language="fr",
    )
    response = client.post(reverse("accounts:user-create"), data, follow=True)
    page = response.content.decode()
    assert "aucun droit sur les applications" in page
    assert "Il n'a" not in page and "donnez-lui" not in page
    # The rights page of elodie.vdb is titled with the elision.
    assert "Droits d&#x27;elodie.vdb" in page or "Droits d'elodie.vdb" in page
    assert "Droits de elodie.vdb" not in page


def test_rights_page_is_not_elided_outside_french(client, admin):
    client.force_login(admin)
    client.post(
        reverse("accounts:user-create"),
        _create_data(username="elodie.vdb", email="elodie.vdb@example.com", civility="mrs"),
    )
    person = User.objects.get(username="elodie.vdb")
    response = client.get(
        reverse("accounts:user-rights", args=[person.pk]), HTTP_ACCEPT_LANGUAGE="en"
    )
    page = response.content.decode()
    assert "elodie.vdb" in page
    assert "d&#x27;elodie" not in page and "d'elodie" not in page
