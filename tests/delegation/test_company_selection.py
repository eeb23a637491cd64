import pytest
from django.urls import reverse

from accounts.models import MembershipStatus
from tests.factories import CustomerAccountFactory, MembershipFactory

pytestmark = pytest.mark.django_db


def test_single_company_is_selected_without_asking(client, admin, company):
    client.force_login(admin)
    response = client.get(reverse("portal:home"))
    assert response.status_code == 200
    assert company.name in response.content.decode()


def test_person_with_two_companies_chooses_after_sign_in(client, provider):
    client.force_login(provider)
    response = client.get(reverse("portal:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("delegation:company-select"))
    page = client.get(response["Location"]).content.decode()
    assert "Ma société" in page and "Sociétés tierces" in page
    assert "Autre Société SA" in page and "Imprimerie Test SA" in page


def test_switching_company_shows_only_that_companys_data(client, provider, company, other_company):
    CustomerAccountFactory(company=company, number="111111")
    CustomerAccountFactory(company=other_company, number="222222")
    MembershipFactory(company=company, user__first_name="Zoé", user__last_name="DeLaPremière")
    client.force_login(provider)
    client.post(reverse("delegation:company-switch"), {"company": other_company.pk})
    page = client.get(reverse("portal:home")).content.decode()
    assert "Autre Société SA" in page
    assert "Imprimerie Test SA</h1>" not in page

    client.post(reverse("delegation:company-switch"), {"company": company.pk})
    page = client.get(reverse("portal:home")).content.decode()
    assert "Imprimerie Test SA</h1>" in page


def test_cannot_switch_to_a_company_one_does_not_belong_to(client, admin, other_company):
    client.force_login(admin)
    response = client.post(reverse("delegation:company-switch"), {"company": other_company.pk})
    assert response.status_code == 404


def test_switch_needs_post(client, provider, company):
    client.force_login(provider)
    assert client.get(reverse("delegation:company-switch")).status_code == 405


def test_pending_provider_access_is_not_selectable(client, other_company_admin, company):
    MembershipFactory(
        company=company, user=other_company_admin, kind="provider", status=MembershipStatus.PENDING
    )
    client.force_login(other_company_admin)
    assert client.get(reverse("portal:home")).status_code == 200  # only one active company
    response = client.post(reverse("delegation:company-switch"), {"company": company.pk})
    assert response.status_code == 404


def test_switch_ignores_a_foreign_next_url(client, provider, company):
    client.force_login(provider)
    response = client.post(
        reverse("delegation:company-switch"),
        {"company": company.pk, "next": "https://evil.example/"},
    )
    assert response["Location"] == "/"


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get(reverse("delegation:company-select"))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_sign_in_and_company_choice_appear_in_that_companys_log(
    client, provider, company, password
):
    from accounts.models import AuditEvent

    client.post(reverse("account_login"), {"login": "provider", "password": password})
    client.post(reverse("delegation:company-switch"), {"company": company.pk})
    kinds = set(AuditEvent.objects.filter(company=company).values_list("kind", flat=True))
    assert kinds == {"user.signed_in", "company.selected"}
