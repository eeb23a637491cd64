import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.urls import reverse

from tests.factories import AdminMembershipFactory, BillingAddressFactory, CustomerAccountFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def some_data(company, admin):
    CustomerAccountFactory(company=company)
    BillingAddressFactory(company=company)
    AdminMembershipFactory(company=company)


def _registered_models():
    return list(admin.site._registry)


@pytest.mark.parametrize("model", _registered_models(), ids=lambda m: m._meta.label)
def test_every_admin_changelist_and_add_page_loads(client, staff, some_data, model):
    client.force_login(staff)
    opts = model._meta
    changelist = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
    assert changelist.status_code == 200
    obj = model._default_manager.first()
    if obj is not None:
        change = client.get(
            reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
        )
        assert change.status_code == 200


def test_user_admin_never_shows_password_hash(client, staff, admin):
    client.force_login(staff)
    page = client.get(reverse("admin:accounts_user_change", args=[admin.pk])).content.decode()
    assert admin.password not in page
    assert admin.password.split("$")[-1] not in page


def test_support_group_can_view_but_not_delete_people(client, admin):
    from tests.factories import UserFactory

    support = UserFactory(username="agent", is_staff=True)
    support.groups.add(Group.objects.get(name="Support"))
    client.force_login(support)
    assert client.get(reverse("admin:accounts_company_changelist")).status_code == 200
    assert client.get(reverse("admin:accounts_user_delete", args=[admin.pk])).status_code == 403


def test_companies_export_from_admin(client, staff, company):
    client.force_login(staff)
    response = client.post(
        reverse("admin:accounts_company_export"),
        {
            "format": "0",
            "resource": "0",
            **{f"companyresource_{f}": "on" for f in ("name", "city")},
        },
    )
    assert response.status_code == 200
    assert company.name in response.content.decode()


def test_api_key_admin_shows_prefix_never_the_digest(client, staff, user):
    from accounts.services import api_key_issue

    key, plaintext = api_key_issue(user=user, actor=user)
    client.force_login(staff)
    for url in (
        reverse("admin:accounts_apikey_changelist"),
        reverse("admin:accounts_apikey_change", args=[key.pk]),
    ):
        page = client.get(url).content.decode()
        assert key.prefix in page
        assert key.key_hash not in page and plaintext not in page


def test_support_deactivates_a_membership_from_admin(client, staff, user, password):
    from accounts.models import Membership

    membership = Membership.objects.get(user=user)
    client.force_login(staff)
    client.post(
        reverse("admin:accounts_membership_changelist"),
        {"action": "deactivate", "_selected_action": [membership.pk]},
    )
    user.refresh_from_db()
    membership.refresh_from_db()
    assert membership.status == "deactivated" and user.is_active is False
