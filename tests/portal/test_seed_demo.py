"""`manage.py seed_demo` builds the demo data once, whatever the number of runs."""

from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import (
    AccountApplication,
    ApiKey,
    BillingAddress,
    Company,
    CustomerAccount,
    Grant,
    GrantStatus,
    Membership,
    MembershipKind,
    MembershipStatus,
    Permission,
    User,
)
from accounts.permissions import api_key_authenticate, holdings_for
from approvals.models import (
    AccessRequest,
    AuthorizedDomain,
    AuthorizedSender,
    CustomerAdmin,
    Origin,
    ProtectedAccount,
    RequestStatus,
    SenderStatus,
    Status,
    UsageRecord,
)
from approvals.services.checks import sender_check
from delegation.models import ProviderAccess, ProviderAccessStatus
from portal.management.commands.seed_demo import DEFAULT_PASSWORD

pytestmark = pytest.mark.django_db

COUNTED = [
    Company,
    CustomerAccount,
    BillingAddress,
    User,
    Membership,
    Grant,
    AccountApplication,
    ApiKey,
    ProtectedAccount,
    CustomerAdmin,
    AuthorizedSender,
    AuthorizedDomain,
    AccessRequest,
    UsageRecord,
    ProviderAccess,
]
DEMO_KEY = "ses_demo-0123456789abcdefghij"


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


def test_seed_demo_helvetia_has_an_active_and_a_pending_provider_access():
    _seed()
    accesses = dict(
        ProviderAccess.objects.filter(company__name="Helvetia Uhren AG").values_list(
            "email", "status"
        )
    )
    assert accesses == {
        "anna.keller@logiserv.example": ProviderAccessStatus.ACTIVE,
        "marco.brunner@logiserv.example": ProviderAccessStatus.PENDING,
    }
    pending = ProviderAccess.objects.get(status=ProviderAccessStatus.PENDING)
    assert pending.expires_at > timezone.now()
    assert not Membership.objects.filter(
        user__username="user.logiserv", company__name="Helvetia Uhren AG"
    ).exists()
    # user.logiserv accepts it from his own page and then holds the two rights on 40001235.
    marco = User.objects.get(username="user.logiserv")
    client = Client()
    client.force_login(marco)
    client.post(reverse("delegation:provider-answer", args=[pending.pk]), {"action": "accept"})
    membership = Membership.objects.get(user=marco, company__name="Helvetia Uhren AG")
    assert membership.kind == MembershipKind.PROVIDER
    assert [
        sorted(a.number for a in holding.accounts)
        for holding in holdings_for(membership=membership)
    ] == [["40001235"], ["40001235"]]


def test_seed_demo_advanced_user_carries_a_tag_per_company_and_links_to_two_companies():
    _seed()
    user = User.objects.get(username="avance.martin")
    assert dict(user.memberships.values_list("company__name", "tag")) == {
        "Maison Verdier SARL": "ENTREPOT-NORD",
        "Atelier Roux SAS": "ROUX-LYON",
    }
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


# --- eSecure -------------------------------------------------------------------------------------


def test_seed_demo_twice_with_the_same_api_key_changes_no_count():
    _seed("--api-key", DEMO_KEY)
    first = _counts()
    _seed("--api-key", DEMO_KEY)
    _seed()
    assert _counts() == first
    assert first["ApiKey"] == 1
    assert first["UsageRecord"] > 100


def test_seed_demo_api_key_authenticates_the_technical_user_and_is_printed_with_curl():
    output = _seed("--api-key", DEMO_KEY)
    user = api_key_authenticate(key=DEMO_KEY)
    assert user is not None
    assert user.username == "dhl.shipping.app"
    assert "curl -s -X POST http://127.0.0.1:8000/api/v1/sender-checks" in output
    assert f"Authorization: Api-Key {DEMO_KEY}" in output
    assert '"account_number": "950000033"' in output
    # Without --api-key the key stays as it is.
    _seed()
    assert api_key_authenticate(key=DEMO_KEY) == user


def test_seed_demo_another_api_key_replaces_the_previous_one():
    _seed("--api-key", DEMO_KEY)
    _seed("--api-key", "ses_another-key-0123456789")
    assert api_key_authenticate(key="ses_another-key-0123456789") is not None
    assert api_key_authenticate(key=DEMO_KEY) is None


@pytest.mark.parametrize(
    "key", ["ses_short", "cle-sans-prefixe-0123456789abcdef", "ses_avec espace 0123456789"]
)
def test_seed_demo_refuses_a_bad_api_key_before_writing_anything(key):
    with pytest.raises(CommandError, match="ses_|espace"):
        _seed("--api-key", key)
    assert not User.objects.exists()
    assert not ApiKey.objects.exists()


def test_seed_demo_technical_user_holds_the_sender_check_right_and_no_password():
    _seed()
    user = User.objects.get(username="dhl.shipping.app")
    assert user.is_active
    assert not user.has_usable_password()
    membership = user.memberships.get()
    assert membership.kind == MembershipKind.TECHNICAL
    assert membership.company.is_active
    grant = Grant.objects.get(membership=membership, status=GrantStatus.ACTIVE)
    assert (grant.permission.application.code, grant.permission.code) == (
        "dhl-shipping",
        "sender-check",
    )
    account = grant.accounts.get()
    assert account.company == membership.company
    assert account.applications.filter(code="dhl-shipping").exists()


def test_seed_demo_nordic_account_is_protected_with_its_lists():
    _seed()
    today = timezone.localdate()
    export = ProtectedAccount.objects.get(account__number="950000033")
    assert export.protects_on(today)
    assert export.starts_on == today - timedelta(days=30)
    assert export.ends_on is None
    assert export.show_admin_contacts
    samples = ProtectedAccount.objects.get(account__number="950000034")
    assert not samples.is_active
    admins = export.admins.filter(status=Status.ACTIVE).select_related("user")
    assert {a.user.username for a in admins} == {"admin.nordic", "esecure.nordic"}
    elise = User.objects.get(username="esecure.nordic")
    assert elise.language == "fr"
    assert elise.memberships.get().company.name == "Nordic Parts NV"
    senders = export.senders.all()
    approved = senders.filter(status=SenderStatus.APPROVED)
    assert approved.filter(email__endswith="@nordicparts.example").count() >= 3
    assert approved.exclude(email__endswith="@nordicparts.example").exists()  # a partner
    assert senders.filter(status=SenderStatus.REJECTED).count() == 1
    assert senders.filter(status=SenderStatus.PENDING, origin=Origin.HISTORY).count() >= 3
    assert list(export.domains.values_list("domain", "status")) == [
        ("nordicparts.example", Status.ACTIVE)
    ]
    assert AccessRequest.objects.filter(
        protected_account=export, status=RequestStatus.PENDING
    ).exists()


def test_seed_demo_usage_history_spans_thirteen_months_of_ten_emails():
    _seed()
    today = timezone.localdate()
    usage = UsageRecord.objects.filter(account__number="950000033")
    assert usage.values("email").distinct().count() >= 10
    days = sorted(usage.values_list("used_on", flat=True))
    assert days[0] >= today - timedelta(days=395)
    assert (today - days[0]).days > 365
    assert days[-1] < today
    # Every e-mail of the history has its line in the authorized users (listed at setup).
    protected = ProtectedAccount.objects.get(account__number="950000033")
    listed = set(protected.senders.values_list("email", flat=True))
    assert set(usage.values_list("email", flat=True)) <= listed


@pytest.mark.parametrize(
    "email, decision",
    [
        ("expedition@nordicparts.example", "allowed"),  # approved
        ("orders@brugge-logistics.example", "allowed"),  # approved partner
        ("k.wouters@nordicparts.example", "allowed"),  # pending, but its domain is active
        ("colis.rapide@webmail.example", "denied"),  # rejected
    ],
)
def test_seed_demo_sender_check_answers_by_the_rules_on_the_demo_account(email, decision):
    _seed()
    result = sender_check(account_number="950000033", email=email)
    assert result.decision == decision
