"""An administrator edits an advanced user's details and the company's own tag for them
(Colissimo guide §8); the tag lives on the person's link with each company."""

import html

import pytest
from django.urls import reverse

from accounts.models import AuditEvent, Membership, MembershipKind, MembershipStatus
from tests.factories import CompanyFactory, MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(company, admin):
    return {"company": company, "admin": admin}


def _advanced(company, **kwargs):
    return MembershipFactory(
        company=company, kind=MembershipKind.ADVANCED, status=MembershipStatus.ACTIVE, **kwargs
    )


FORM = {
    "last_name": "Martin",
    "first_name": "Sophie",
    "function": "Cheffe de quai",
    "phone": "+33 4 72 00 00 00",
    "address": "12 quai Rambaud",
    "postcode": "69002",
    "city": "Lyon",
    "tag": "QUAI-SUD",
}


def _url(person):
    return reverse("accounts:advanced-details", args=[person.pk])


def test_details_anonymous_signs_in_other_company_404_standard_user_403(
    client, world, user, other_company_admin
):
    person = _advanced(world["company"]).user
    for method in ("get", "post"):
        response = getattr(client, method)(_url(person))
        assert response.status_code == 302 and reverse("account_login") in response["Location"]
    client.force_login(other_company_admin)
    assert client.get(_url(person)).status_code == 404
    assert client.post(_url(person), FORM).status_code == 404
    client.force_login(user)
    assert client.get(_url(person)).status_code == 403
    assert client.post(_url(person), FORM).status_code == 403
    person.refresh_from_db()
    assert person.function != "Cheffe de quai"


def test_details_of_someone_not_advanced_here_answer_404_even_to_a_standard_user(
    client, world, user, admin
):
    """404 first: a standard user learns nothing of who exists (the admin is no advanced user)."""
    client.force_login(user)
    assert client.get(_url(admin)).status_code == 404
    assert client.post(_url(admin), FORM).status_code == 404


def test_admin_edits_details_and_tag_with_an_audit_row(client, world):
    membership = _advanced(world["company"], tag="NORD")
    person = membership.user
    client.force_login(world["admin"])
    page = html.unescape(client.get(_url(person)).content.decode())
    assert 'value="NORD"' in page and person.email in page
    response = client.post(_url(person), FORM)
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:advanced-rights", args=[person.pk])
    person.refresh_from_db()
    membership.refresh_from_db()
    assert (person.function, person.city, membership.tag) == ("Cheffe de quai", "Lyon", "QUAI-SUD")
    event = AuditEvent.objects.get(kind="user.changed", company=world["company"])
    assert event.actor == world["admin"]
    assert event.before["tag"] == "NORD" and event.after["tag"] == "QUAI-SUD"
    assert event.after["function"] == "Cheffe de quai"
    shown = html.unescape(client.get(response["Location"]).content.decode())
    assert "QUAI-SUD" in shown and "Cheffe de quai" in shown


def test_saving_unchanged_details_writes_no_audit_row(client, world):
    membership = _advanced(world["company"], tag="QUAI-SUD")
    person = membership.user
    for name, value in FORM.items():
        if name != "tag":
            setattr(person, name, value)
    person.save()
    client.force_login(world["admin"])
    assert client.post(_url(person), FORM).status_code == 302
    assert not AuditEvent.objects.filter(kind="user.changed").exists()


def test_each_company_keeps_its_own_tag(client, world):
    membership = _advanced(world["company"], tag="VERDIER")
    other = MembershipFactory(
        user=membership.user,
        company=CompanyFactory(),
        kind=membership.kind,
        status=MembershipStatus.ACTIVE,
        tag="ROUX",
    )
    client.force_login(world["admin"])
    assert client.post(_url(membership.user), FORM).status_code == 302
    assert Membership.objects.get(pk=other.pk).tag == "ROUX"
    assert Membership.objects.get(pk=membership.pk).tag == "QUAI-SUD"


def test_email_is_not_editable_by_the_admin(client, world):
    person = _advanced(world["company"]).user
    email = person.email
    client.force_login(world["admin"])
    assert client.post(_url(person), {**FORM, "email": "pirate@example.com"}).status_code == 302
    person.refresh_from_db()
    assert person.email == email


def test_list_search_and_export_read_the_company_tag(client, world):
    membership = _advanced(world["company"], tag="VERDIER-TAG")
    MembershipFactory(
        user=membership.user,
        company=CompanyFactory(),
        kind=membership.kind,
        tag="OTHER-TAG",
    )
    client.force_login(world["admin"])
    page = html.unescape(client.get(reverse("accounts:advanced-list")).content.decode())
    assert "VERDIER-TAG" in page and "OTHER-TAG" not in page
    found = client.get(reverse("accounts:advanced-list"), {"q": "verdier-tag"})
    assert membership.user.email in html.unescape(found.content.decode())
    missed = client.get(reverse("accounts:advanced-list"), {"q": "OTHER-TAG"})
    assert membership.user.email not in html.unescape(missed.content.decode())
    body = client.get(reverse("accounts:advanced-export")).content.decode("utf-8-sig")
    assert "VERDIER-TAG" in body and "OTHER-TAG" not in body
