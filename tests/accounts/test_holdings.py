"""One definition of an active holding, asked through every implementation.

The table `CASES` describes one world at a time (a person holding "DHL shipping · sender check"
on account 950000033, then one thing changed); `IMPLEMENTATIONS` lists every place that answers
"does this person hold it?" — ORM and SQL alike. Each implementation must give the case's answer.
Some implementations ask a narrower question (the eSecure area does not look at grants, an
API key may only be held by advanced users...): each says which facets of the world it reads, and
runs on the cases of those facets.

A new place that decides holdings must be added to `IMPLEMENTATIONS`: `test_no_reader_outside_
the_table` fails when grant or membership conditions are written anywhere else.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from accounts.models import (
    AccountApplication,
    Application,
    Grant,
    GrantStatus,
    Membership,
    MembershipKind,
    MembershipStatus,
    Permission,
)
from accounts.permissions import Ceiling, api_key_authenticate, held_rights, may_hold_api_key
from accounts.selectors.rights import UnknownItem, right_check, rights_for_user
from accounts.services import api_key_issue
from approvals.models import CustomerAdmin, ProtectedAccount
from approvals.selectors import esecure_accounts_for, is_esecure_admin
from tests.factories import CompanyFactory, CustomerAccountFactory, MembershipFactory

pytestmark = pytest.mark.django_db

APPLICATION, PERMISSION = "dhl-shipping", "sender-check"
NUMBER = "950000033"

# --- The world ----------------------------------------------------------------------------


@dataclass
class World:
    membership: Membership
    account: object
    other_account: object
    grant: Grant
    permission: Permission
    protected: ProtectedAccount
    key: str
    asked: object = None  # the account the question is about (default: `account`)

    @property
    def user(self):
        return self.membership.user


@pytest.fixture
def world() -> World:
    company = CompanyFactory(name="Nordic Parts")
    membership = MembershipFactory(
        company=company,
        kind=MembershipKind.ADVANCED,  # may hold an API key
        can_manage_users=True,  # an administrator
        user__username="holder",
    )
    shipping = Application.objects.get(code=APPLICATION)
    account = CustomerAccountFactory(company=company, number=NUMBER)
    other_account = CustomerAccountFactory(company=company, number="950000034")
    for acc in (account, other_account):
        AccountApplication.objects.create(account=acc, application=shipping)
    permission = Permission.objects.get(application=shipping, code=PERMISSION)
    grant = Grant.objects.create(
        membership=membership, grantor_company=company, permission=permission
    )
    grant.accounts.set([account])
    protected = ProtectedAccount.objects.create(account=account, is_active=True)
    CustomerAdmin.objects.create(protected_account=protected, user=membership.user)
    _, key = api_key_issue(user=membership.user, actor=membership.user)
    return World(membership, account, other_account, grant, permission, protected, key, account)


def _reload(w: World) -> World:
    """What the implementations see: fresh rows, nothing cached on the objects."""
    w.membership = Membership.objects.select_related("user", "company").get(pk=w.membership.pk)
    return w


# --- The cases: one change each, the facet it touches, the answer -----------------------------


def _past():
    return timezone.now() - timedelta(minutes=1)


def _future():
    return timezone.now() + timedelta(days=30)


def _handed_on(w: World, *, parent_holder=None, parent_accounts=None, **parent_fields) -> None:
    """The holder works for a router: the customer (the world's company) granted the router
    company a right on its account, and the router handed it on to the holder."""
    customer = w.membership.company
    router = CompanyFactory(name="Routeur Express")
    Membership.objects.filter(pk=w.membership.pk).update(company=router)
    parent = Grant.objects.create(
        holder_company=parent_holder or router,
        grantor_company=customer,
        permission=w.permission,
        **parent_fields,
    )
    parent.accounts.set(parent_accounts if parent_accounts is not None else [w.account])
    Grant.objects.filter(pk=w.grant.pk).update(parent=parent, grantor_company=router)


def _grant_on_foreign_account(w: World) -> None:
    """A grant naming another company's account (enabled there): it counts nowhere."""
    foreign = CustomerAccountFactory(number="990000001")
    AccountApplication.objects.create(account=foreign, application=w.permission.application)
    w.grant.accounts.set([foreign])
    w.asked = foreign


def _update(model, pk, **fields):
    model.objects.filter(pk=pk).update(**fields)


CASES: list[tuple[str, str, Callable[[World], None], bool]] = [
    ("as granted", "person", lambda w: None, True),
    (
        "user deactivated",
        "person",
        lambda w: _update(type(w.user), w.user.pk, is_active=False),
        False,
    ),
    (
        "membership deactivated",
        "person",
        lambda w: _update(Membership, w.membership.pk, status=MembershipStatus.DEACTIVATED),
        False,
    ),
    (
        "membership not yet accepted",
        "person",
        lambda w: _update(Membership, w.membership.pk, status=MembershipStatus.PENDING),
        False,
    ),
    (
        "held as a provider of the company",
        "provider",
        lambda w: _update(Membership, w.membership.pk, kind=MembershipKind.PROVIDER),
        True,
    ),
    (
        "provider access refused",
        "person",
        lambda w: _update(
            Membership,
            w.membership.pk,
            kind=MembershipKind.PROVIDER,
            status=MembershipStatus.REFUSED,
        ),
        False,
    ),
    (
        "company inactive",
        "person",
        lambda w: _update(type(w.membership.company), w.membership.company_id, is_active=False),
        False,
    ),
    (
        "customer account inactive",
        "account",
        lambda w: _update(type(w.account), w.account.pk, is_active=False),
        False,
    ),
    (
        "application not enabled on the account",
        "enabled",
        lambda w: AccountApplication.objects.filter(account=w.account).delete(),
        False,
    ),
    (
        "grant revoked",
        "grant",
        lambda w: _update(Grant, w.grant.pk, status=GrantStatus.REVOKED),
        False,
    ),
    (
        "grant not yet accepted",
        "grant",
        lambda w: _update(Grant, w.grant.pk, status=GrantStatus.PENDING),
        False,
    ),
    (
        "grant past its end date",
        "grant",
        lambda w: _update(Grant, w.grant.pk, ends_at=_past()),
        False,
    ),
    ("grant ending later", "grant", lambda w: _update(Grant, w.grant.pk, ends_at=_future()), True),
    ("handed on by a router", "routed", lambda w: _handed_on(w), True),
    (
        "handed on, the router has not accepted",
        "routed",
        lambda w: _handed_on(w, status=GrantStatus.PENDING),
        False,
    ),
    (
        "handed on, the customer withdrew the router's grant",
        "routed",
        lambda w: _handed_on(w, status=GrantStatus.REVOKED),
        False,
    ),
    (
        "handed on, the router's grant past its end date",
        "routed",
        lambda w: _handed_on(w, ends_at=_past()),
        False,
    ),
    (
        "handed on, the account outside what the router received",
        "routed",
        lambda w: _handed_on(w, parent_accounts=[w.other_account]),
        False,
    ),
    (
        "handed on from a grant that went to another company",
        "routed",
        lambda w: _handed_on(w, parent_holder=CompanyFactory(name="Autre routeur")),
        False,
    ),
    (
        "handed on, the router's user deactivated",
        "routed",
        lambda w: (
            _handed_on(w),
            _update(Membership, w.membership.pk, status=MembershipStatus.DEACTIVATED),
        ),
        False,
    ),
    (
        "permission withdrawn from the catalog",
        "catalog",
        lambda w: _update(Permission, w.permission.pk, is_active=False),
        False,
    ),
    (
        "application withdrawn from the catalog",
        "catalog",
        lambda w: _update(Application, w.permission.application_id, is_active=False),
        False,
    ),
    (
        "scope item outside the grant",
        "scope",
        lambda w: w.grant.accounts.set([w.other_account]),
        False,
    ),
    (
        "account of another company in the grant",
        "company",
        lambda w: _grant_on_foreign_account(w),
        False,
    ),
]

# --- The implementations: every place that answers "does this person hold it?" ----------------


def _ceiling(w: World) -> bool:
    held = held_rights(membership=w.membership)
    return w.permission.pk in held and w.asked.pk in held[w.permission.pk].accounts


def _rights_page(w: World) -> bool:
    for company in rights_for_user(user=w.user):
        for account in company.accounts:
            if account.account.pk != w.asked.pk:
                continue
            for app in account.applications:
                if any(p.permission.pk == w.permission.pk for p in app.permissions):
                    return True
    return False


def _right_check_sql(w: World) -> bool:
    try:
        answer = right_check(
            user=w.user, application=APPLICATION, permission=PERMISSION, account=w.asked.number
        )
    except UnknownItem:  # another company's account: unknown to this person, so not held
        return False
    return answer.allowed


def _api_key_with_right(w: World) -> bool:
    holder = api_key_authenticate(key=w.key, permission=(APPLICATION, PERMISSION))
    return holder is not None and bool(holder.api_permission_ok)


def _esecure_area(w: World) -> bool:
    return esecure_accounts_for(w.membership).filter(pk=w.protected.pk).exists()


def _esecure_nav(w: World) -> bool:
    return is_esecure_admin(membership=w.membership)


def _api_key_holder(w: World) -> bool:
    return may_hold_api_key(user=w.user)


def _management_right(w: World) -> bool:
    ceiling = Ceiling.for_actor(actor=w.user, membership=w.membership, company=w.membership.company)
    return ceiling.management["can_manage_users"]


def _company_choice(w: World) -> bool:
    return Membership.objects.active().filter(pk=w.membership.pk).exists()


ALL = {
    "person",
    "account",
    "enabled",
    "grant",
    "catalog",
    "scope",
    "company",
    "routed",
    "provider",
}
IMPLEMENTATIONS: dict[str, tuple[Callable[[World], bool], set[str]]] = {
    "rights ceiling (ORM)": (_ceiling, ALL),
    "rights page and GET /api/v1/rights (ORM)": (_rights_page, ALL),
    "yes/no check GET /api/v1/rights/check (SQL)": (_right_check_sql, ALL),
    # "Holds it somewhere": the scope cases move the right to another account, still held.
    "API-key authentication with a right (SQL)": (_api_key_with_right, ALL - {"scope"}),
    "eSecure area (customer admins)": (_esecure_area, {"person", "account"}),
    "eSecure navigation": (_esecure_nav, {"person", "account"}),
    "may hold an API key": (_api_key_holder, {"person"}),
    "user-management rights in the ceiling": (_management_right, {"person"}),
    "company choice (Membership.objects.active)": (_company_choice, {"person"}),
}


PAIRS = [
    pytest.param(name, case, change, expected, id=f"{name} | {case}")
    for name, (_answer, read) in IMPLEMENTATIONS.items()
    for case, facet, change, expected in CASES
    if facet in read
]


@pytest.mark.parametrize(("implementation", "case", "change", "expected"), PAIRS)
def test_every_implementation_gives_the_same_answer(world, implementation, case, change, expected):
    answer, _read = IMPLEMENTATIONS[implementation]
    change(world)
    assert answer(_reload(world)) is expected, f"{implementation}: {case}"


def test_every_facet_has_cases_and_readers():
    facets = {facet for _name, facet, _change, _expected in CASES}
    assert facets == ALL
    for facet in ALL:
        assert any(facet in read for _answer, read in IMPLEMENTATIONS.values())


# --- No reader outside the table --------------------------------------------------------------

ROOT = Path(__file__).resolve().parents[2]
APPS = ("common", "portal", "accounts", "delegation", "approvals", "imports", "notifications")
# Conditions that decide whether a grant or a membership counts, as code writes them.
DECIDING = re.compile(
    r"membership__status|membership__user__is_active|membership__company__is_active"
    r"|FROM \{grant\}|accounts_grant\b|GrantStatus\.ACTIVE"
)
# Where they may appear: the access module and the SQL check (both in the table above), the
# models that define the statuses, the code that writes grants (services, demo data), and the
# router pages' lists of received grants (offers, not what a person holds).
ALLOWED = {
    "accounts/permissions/holdings.py",
    "accounts/selectors/rights.py",
    "accounts/models/grants.py",
    "accounts/services/grants.py",
    "delegation/services/routers.py",
    "delegation/selectors.py",  # lists what a router received (pending or active), not holdings
    "portal/management/commands/seed_demo.py",
}


def test_no_reader_outside_the_table():
    found = set()
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            relative = path.relative_to(ROOT).as_posix()
            if "/migrations/" in relative:
                continue
            if DECIDING.search(path.read_text(encoding="utf-8")):
                found.add(relative)
    assert found <= ALLOWED, (
        f"{sorted(found - ALLOWED)} decide(s) whether a right is held: go through "
        "accounts.permissions.holdings, or add the new implementation to IMPLEMENTATIONS"
    )
