"""`manage.py seed_demo` builds the demo data once, whatever the number of runs."""

from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.core.management.base import CommandError

from accounts.management.commands.seed_demo import DEFAULT_PASSWORD
from accounts.models import (
    AccountApplication,
    BillingAddress,
    Company,
    CustomerAccount,
    Grant,
    Membership,
    MembershipKind,
    MembershipStatus,
    Permission,
    User,
)

pytestmark = pytest.mark.django_db

COUNTED = [Company, CustomerAccount, BillingAddress, User, Membership, Grant, AccountApplication]


def _seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def _counts() -> dict[str, int]:
    counts = {model.__name__: model.objects.count() for model in COUNTED}
    counts["grant scopes"] = sum(
        grant.accounts.count()
        + grant.billing_addresses.count()
        + grant.products.count()
        + grant.service_types.count()
        for grant in Grant.objects.all()
    )
    return counts


def test_seed_demo_twice_changes_no_count():
    _seed()
    first = _counts()
    _seed()
    assert _counts() == first
    assert first["Company"] >= 8
    assert first["Grant"] > 0


def test_seed_demo_lambert_admin_signs_in_with_default_password():
    output = _seed()
    assert authenticate(username="admin.lambert", password=DEFAULT_PASSWORD) is not None
    assert "http://127.0.0.1:8000" in output
    assert DEFAULT_PASSWORD in output
    assert "admin.lambert" in output


def test_seed_demo_password_option_sets_another_password():
    _seed()
    _seed("--password", "Autre-mot-de-passe-42")
    user = User.objects.get(username="admin.lambert")
    assert user.check_password("Autre-mot-de-passe-42")
    assert not user.check_password(DEFAULT_PASSWORD)


def test_seed_demo_refuses_weak_password():
    with pytest.raises(CommandError):
        _seed("--password", "court")
    assert not User.objects.filter(username="admin.lambert").exists()


def test_seed_demo_lambert_admin_holds_every_emasspost_right_on_all_scopes():
    _seed()
    membership = Membership.objects.get(user__username="admin.lambert")
    assert membership.can_manage_users
    assert membership.can_manage_admins
    assert membership.can_recover_password
    emasspost = Permission.objects.filter(application__code="emasspost")
    grants = Grant.objects.filter(membership=membership, permission__in=emasspost)
    assert grants.count() == emasspost.count() == 14
    for grant in grants:
        assert grant.granted_by is None
        assert grant.grantor_company == membership.company
        assert set(grant.accounts.values_list("number", flat=True)) == {
            "999009",
            "999010",
            "999200",
        }
        assert grant.billing_addresses.count() == 3
        assert grant.products.count() == 23


def test_seed_demo_deactivated_user_cannot_sign_in():
    _seed()
    membership = Membership.objects.get(user__username="ancien.lambert")
    assert membership.status == MembershipStatus.DEACTIVATED
    assert not membership.user.is_active
    assert authenticate(username="ancien.lambert", password=DEFAULT_PASSWORD) is None


def test_seed_demo_provider_acts_for_two_companies():
    _seed()
    memberships = Membership.objects.active().filter(user__username="admin.logiserv")
    kinds = dict(memberships.values_list("company__name", "kind"))
    assert kinds == {
        "LogiServ Partner GmbH": MembershipKind.EMPLOYEE,
        "Helvetia Uhren AG": MembershipKind.PROVIDER,
    }


def test_seed_demo_advanced_user_carries_tag_and_links_to_two_companies():
    _seed()
    user = User.objects.get(username="avance.martin")
    assert user.tag == "ENTREPOT-NORD"
    assert set(user.memberships.values_list("kind", flat=True)) == {MembershipKind.ADVANCED}
    assert user.memberships.count() == 2


def test_seed_demo_users_have_unique_emails_and_no_pending_password_change():
    _seed()
    users = User.objects.all()
    emails = [user.email.lower() for user in users]
    assert all(emails)
    assert len(set(emails)) == len(emails)
    assert not users.filter(must_change_password=True).exists()
    assert users.get(username="root").is_superuser
    support = users.get(username="support")
    assert support.is_staff
    assert not support.is_superuser
