"""Router grants: a customer grants a router company rights on its accounts, the router accepts
and hands them on, never beyond what it received; narrowing, withdrawing, giving up and end
dates cascade to everything handed on. Checked through the one rights engine (ceiling, rights
page, SQL check)."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from accounts.models import (
    AccountApplication,
    Application,
    AuditEvent,
    AuditKind,
    Grant,
    GrantStatus,
    Membership,
    Product,
)
from accounts.permissions import Scope, held_rights
from accounts.selectors import right_check, rights_for_user
from accounts.selectors.rights import UnknownItem
from accounts.services import api_key_issue, rights_set
from delegation.services import (
    rights_hand_on,
    router_rights_accept,
    router_rights_end_due,
    router_rights_give_up,
    router_rights_refuse,
    router_rights_remind,
    router_rights_set,
    router_rights_withdraw,
)
from tests.factories import (
    AdminMembershipFactory,
    BillingAddressFactory,
    CompanyFactory,
    CustomerAccountFactory,
    MembershipFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

APP, PERM = "parcels-national", "user"


@pytest.fixture
def w(company):
    """A customer with three accounts whose admin holds the right on all three, and a router
    company from the directory with an administrator and a user."""
    app = Application.objects.get(code=APP)
    perm = app.permissions.get(code=PERM)
    accounts = [CustomerAccountFactory(company=company, number=f"55000{i}") for i in range(3)]
    for account in accounts:
        AccountApplication.objects.create(account=account, application=app)
    boss = AdminMembershipFactory(company=company, user__username="boss")
    rights_set(
        membership=boss,
        application=app,
        rights={perm: Scope.of(accounts=[a.pk for a in accounts])},
        actor=UserFactory(is_staff=True),
        notify=False,
    )
    router = CompanyFactory(name="Routeur Express", is_router=True)
    router_admin = AdminMembershipFactory(company=router, user__username="r.admin")
    router_user = MembershipFactory(company=router, user__username="r.user")
    return {
        "app": app,
        "perm": perm,
        "accounts": accounts,
        "customer": company,
        "boss": boss,
        "router": router,
        "router_admin": router_admin,
        "router_user": router_user,
    }


def _offer(w, accounts, **kwargs):
    return router_rights_set(
        company=w["customer"],
        router=w["router"],
        application=w["app"],
        rights={w["perm"]: Scope.of(accounts=[a.pk for a in accounts])} if accounts else {},
        actor=w["boss"].user,
        **kwargs,
    )


def _received(w):
    return Grant.objects.get(
        holder_company=w["router"], grantor_company=w["customer"], status__in=["pending", "active"]
    )


def _accept(w):
    return router_rights_accept(
        router=w["router"], customer=w["customer"], actor=w["router_admin"].user
    )


def _hand_on(w, accounts):
    return rights_hand_on(
        membership=w["router_user"],
        parent=_received(w),
        scope=Scope.of(accounts=[a.pk for a in accounts]),
        actor=w["router_admin"].user,
    )


def _checked(w, account) -> bool:
    """The SQL check's answer for the router's user (an unknown account is not held)."""
    try:
        return right_check(
            user=w["router_user"].user, application=APP, permission=PERM, account=account.number
        ).allowed
    except UnknownItem:
        return False


def _held(w) -> set[int]:
    """Accounts on which the router's user holds the right, per the ceiling (ORM)."""
    membership = Membership.objects.select_related("user", "company").get(pk=w["router_user"].pk)
    scope = held_rights(membership=membership).get(w["perm"].pk)
    return set(scope.accounts) if scope else set()


def _listed(w) -> set[int]:
    """Accounts listed on the router user's own page and in GET /api/v1/rights."""
    return {
        line.account.pk
        for company in rights_for_user(user=w["router_user"].user)
        for line in company.accounts
    }


def _agree(w) -> set[int]:
    """What the three readers of the engine say, after checking they say the same."""
    held, listed = _held(w), _listed(w)
    checked = {a.pk for a in w["accounts"] if _checked(w, a)}
    assert held == listed == checked, (held, listed, checked)
    return held


# --- The flow ------------------------------------------------------------------------------


def test_offer_waits_for_the_router_then_is_handed_on(w):
    a0, a1, a2 = w["accounts"]
    _offer(w, [a0, a1])
    assert _received(w).status == GrantStatus.PENDING
    with pytest.raises(ValidationError):  # nothing to hand on before acceptance
        _hand_on(w, [a0])
    assert _accept(w) == 1
    _hand_on(w, [a0])
    assert _agree(w) == {a0.pk}
    # The user sees it under their own company (the router), on the customer's account.
    [router_rights] = rights_for_user(user=w["router_user"].user)
    assert router_rights.company == w["router"]
    assert [a.account.number for a in router_rights.accounts] == [a0.number]
    assert AuditEvent.objects.filter(kind=AuditKind.RIGHTS_HANDED_ON).count() == 1


def test_rights_api_lists_what_was_handed_on_under_the_router_then_nothing(client, w):
    """GET /api/v1/rights for the router's user says what their own page says: the router as the
    company, the customer's account, the right; after the customer withdraws, no account."""
    a0, a1, _ = w["accounts"]
    _offer(w, [a0, a1])
    _accept(w)
    _hand_on(w, [a0])
    user = w["router_user"].user
    _key, plaintext = api_key_issue(user=user, actor=user)
    auth = {"HTTP_AUTHORIZATION": f"Api-Key {plaintext}"}

    body = client.get("/api/v1/rights", **auth).json()
    assert body["user"]["username"] == "r.user"
    [company] = body["companies"]
    assert (company["name"], company["kind"]) == (w["router"].name, "employee")
    assert [a["number"] for a in company["accounts"]] == [a0.number]
    [app] = company["accounts"][0]["applications"]
    assert (app["code"], [p["code"] for p in app["permissions"]]) == (APP, [PERM])
    [page_rights] = rights_for_user(user=user)
    assert [a.account.number for a in page_rights.accounts] == [a0.number]
    check = {"application": APP, "permission": PERM, "account": a0.number}
    assert client.get("/api/v1/rights/check", check, **auth).json()["allowed"] is True

    router_rights_withdraw(company=w["customer"], router=w["router"], actor=w["boss"].user)
    body = client.get("/api/v1/rights", **auth).json()
    assert [c["accounts"] for c in body["companies"]] == [[]]
    answer = client.get("/api/v1/rights/check", check, **auth).json()
    assert (answer["allowed"], answer["code"]) == (False, "not_granted")


def test_handing_on_by_account_keeps_the_customers_billing_address_and_product_limits(w):
    """The page hands on by account only: an e-Masspost right handed on keeps the billing
    addresses and products the customer limited it to (no right of the customer's own may have
    none), and the router's user sees those limits on their page."""
    app = Application.objects.get(code="emasspost")
    create = app.permissions.get(code="create")
    account = w["accounts"][0]
    AccountApplication.objects.create(account=account, application=app)
    siege, other = BillingAddressFactory.create_batch(2, company=w["customer"])
    lettre = Product.objects.get(application=app, code="lettre")
    given = Scope.of(accounts=[account.pk], billing_addresses=[siege.pk], products=[lettre.pk])
    rights_set(
        membership=w["boss"],
        application=app,
        rights={create: given | Scope.of(billing_addresses=[other.pk])},
        actor=UserFactory(is_staff=True),
        notify=False,
    )
    router_rights_set(
        company=w["customer"],
        router=w["router"],
        application=app,
        rights={create: given},
        actor=w["boss"].user,
    )
    _accept(w)
    parent = Grant.objects.get(holder_company=w["router"], permission=create)

    child = rights_hand_on(
        membership=w["router_user"],
        parent=parent,
        scope=Scope.of(accounts=[account.pk]),
        actor=w["router_admin"].user,
    )

    assert child is not None
    assert list(child.billing_addresses.all()) == [siege]
    assert list(child.products.all()) == [lettre]
    [entry] = rights_for_user(user=w["router_user"].user)
    [line] = entry.accounts[0].applications[0].permissions
    assert ([b.name for b in line.billing_addresses], [p.code for p in line.products]) == (
        [siege.name],
        ["lettre"],
    )


def test_refused_offer_gives_nothing(w):
    _offer(w, w["accounts"][:1])
    assert router_rights_refuse(
        router=w["router"], customer=w["customer"], actor=w["router_admin"].user
    )
    assert not Grant.objects.filter(holder_company=w["router"], status="pending").exists()
    assert AuditEvent.objects.filter(kind=AuditKind.ROUTER_RIGHTS_REFUSED).exists()


def test_only_the_routers_admin_accepts(w, other_company_admin):
    _offer(w, w["accounts"][:1])
    for intruder in (w["router_user"].user, other_company_admin, w["boss"].user):
        with pytest.raises(ValidationError):
            router_rights_accept(router=w["router"], customer=w["customer"], actor=intruder)
    assert _received(w).status == GrantStatus.PENDING


def test_handing_on_more_than_received_is_refused_and_saves_nothing(w):
    a0, a1, _a2 = w["accounts"]
    _offer(w, [a0])
    _accept(w)
    with pytest.raises(ValidationError, match="reçu"):
        _hand_on(w, [a0, a1])
    assert not Grant.objects.filter(membership=w["router_user"]).exists()
    assert _agree(w) == set()


def test_a_customer_admin_cannot_offer_what_they_do_not_hold(w):
    other = CustomerAccountFactory(company=w["customer"])
    AccountApplication.objects.create(account=other, application=w["app"])
    with pytest.raises(ValidationError, match=other.number):
        _offer(w, [other])
    assert not Grant.objects.filter(holder_company=w["router"]).exists()


def test_only_directory_routers_receive(w, other_company):
    with pytest.raises(ValidationError):
        router_rights_set(
            company=w["customer"],
            router=other_company,
            application=w["app"],
            rights={w["perm"]: Scope.of(accounts=[w["accounts"][0].pk])},
            actor=w["boss"].user,
        )


def test_narrowing_cascades_to_what_was_handed_on(w, django_capture_on_commit_callbacks):
    a0, a1, a2 = w["accounts"]
    _offer(w, [a0, a1, a2])
    _accept(w)
    _hand_on(w, [a0, a1])
    assert _agree(w) == {a0.pk, a1.pk}
    cascade = _offer(w, [a1, a2])
    assert [g.membership_id for g in cascade.narrowed] == [w["router_user"].pk]
    assert _agree(w) == {a1.pk}
    _offer(w, [a2])  # nothing handed on is left: revoked
    assert _agree(w) == set()
    assert Grant.objects.get(membership=w["router_user"]).status == GrantStatus.REVOKED
    assert AuditEvent.objects.filter(kind=AuditKind.RIGHTS_CASCADED).count() == 2


@pytest.mark.parametrize("closing", ["withdraw", "give_up", "end"])
def test_withdrawing_giving_up_or_ending_removes_everything_handed_on(w, closing):
    a0, a1, _a2 = w["accounts"]
    _offer(w, [a0, a1], ends_at=timezone.now() + timedelta(days=30))
    _accept(w)
    _hand_on(w, [a0, a1])
    assert _agree(w) == {a0.pk, a1.pk}
    if closing == "withdraw":
        router_rights_withdraw(company=w["customer"], router=w["router"], actor=w["boss"].user)
        kind = AuditKind.ROUTER_RIGHTS_WITHDRAWN
    elif closing == "give_up":
        router_rights_give_up(
            router=w["router"], customer=w["customer"], actor=w["router_admin"].user
        )
        kind = AuditKind.ROUTER_RIGHTS_GIVEN_UP
    else:
        later = timezone.now() + timedelta(days=31)
        assert router_rights_end_due(now=later) == 1
        kind = AuditKind.ROUTER_RIGHTS_ENDED
    assert _agree(w) == set()
    assert not Grant.objects.filter(status__in=["pending", "active"], parent__isnull=False)
    assert AuditEvent.objects.filter(kind=kind).exists()


def test_an_end_date_stops_the_right_at_once_even_before_the_periodic_task(w):
    a0 = w["accounts"][0]
    _offer(w, [a0], ends_at=timezone.now() + timedelta(days=1))
    _accept(w)
    _hand_on(w, [a0])
    assert _agree(w) == {a0.pk}
    Grant.objects.filter(holder_company=w["router"]).update(
        ends_at=timezone.now() - timedelta(minutes=1)
    )
    assert _agree(w) == set()


# --- Property: whatever the sequence, nothing outside the chain, and every reader agrees ------

STEPS = st.lists(
    st.one_of(
        st.tuples(st.just("offer"), st.sets(st.integers(0, 2), min_size=1)),
        st.tuples(st.just("accept"), st.none()),
        st.tuples(st.just("hand_on"), st.sets(st.integers(0, 2))),
        st.tuples(st.just("withdraw"), st.none()),
        st.tuples(st.just("give_up"), st.none()),
        st.tuples(st.just("end"), st.none()),
    ),
    min_size=1,
    max_size=7,
)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=STEPS)
@example(steps=[("offer", {0, 1}), ("accept", None), ("hand_on", {0, 1}), ("offer", {1, 2})])
@example(steps=[("offer", {0}), ("accept", None), ("hand_on", {0}), ("withdraw", None)])
def test_any_sequence_keeps_rights_inside_the_chain(w, steps):
    Grant.objects.filter(parent__isnull=False).delete()
    Grant.objects.filter(holder_company=w["router"]).delete()
    accounts = w["accounts"]
    for step, arg in steps:
        try:
            if step == "offer":
                _offer(w, [accounts[i] for i in sorted(arg)])
            elif step == "accept":
                _accept(w)
            elif step == "hand_on":
                _hand_on(w, [accounts[i] for i in sorted(arg)])
            elif step == "withdraw":
                router_rights_withdraw(
                    company=w["customer"], router=w["router"], actor=w["boss"].user
                )
            elif step == "give_up":
                router_rights_give_up(
                    router=w["router"], customer=w["customer"], actor=w["router_admin"].user
                )
            else:
                Grant.objects.filter(holder_company=w["router"]).update(
                    ends_at=timezone.now() - timedelta(seconds=1)
                )
                router_rights_end_due()
        except (ValidationError, Grant.DoesNotExist):
            pass  # refused (or nothing to hand on): the invariant below still holds
        received = Grant.objects.filter(
            holder_company=w["router"], status=GrantStatus.ACTIVE
        ).first()
        ceiling = set(received.accounts.values_list("pk", flat=True)) if received else set()
        assert _agree(w) <= ceiling
        # What is stored follows too (the cascade), not only what the engine counts.
        for child in Grant.objects.filter(parent__isnull=False, status__in=["pending", "active"]):
            parent = child.parent
            assert parent.status == GrantStatus.ACTIVE
            assert set(child.accounts.values_list("pk", flat=True)) <= set(
                parent.accounts.values_list("pk", flat=True)
            )


# --- Who is told ---------------------------------------------------------------------------


def _to(mailoutbox) -> list[tuple[str, str]]:
    return sorted((m.to[0], m.subject) for m in mailoutbox)


def test_each_side_is_told_and_people_who_lose_a_right_too(
    w, mailoutbox, django_capture_on_commit_callbacks
):
    a0, a1, _a2 = w["accounts"]
    with django_capture_on_commit_callbacks(execute=True):
        _offer(w, [a0, a1])
    assert [m.to for m in mailoutbox] == [[w["router_admin"].user.email]]
    assert w["customer"].name in mailoutbox[0].subject
    assert "/received/" in mailoutbox[0].body and a0.number in mailoutbox[0].body
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        _accept(w)
    assert [m.to for m in mailoutbox] == [[w["boss"].user.email]]
    assert "accepté" in mailoutbox[0].subject
    _hand_on(w, [a0])
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        router_rights_withdraw(company=w["customer"], router=w["router"], actor=w["boss"].user)
    recipients = sorted(m.to[0] for m in mailoutbox)
    assert recipients == sorted([w["router_admin"].user.email, w["router_user"].user.email])
    lost = next(m for m in mailoutbox if m.to == [w["router_user"].user.email])
    assert "Parcels National" in lost.body


def test_both_sides_are_reminded_once_before_the_end(
    w, mailoutbox, django_capture_on_commit_callbacks
):
    _offer(w, w["accounts"][:1], ends_at=timezone.now() + timedelta(days=10))
    _accept(w)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert router_rights_remind() == 1
        assert router_rights_remind() == 0  # a re-run tells nobody twice
    assert sorted(m.to[0] for m in mailoutbox) == sorted(
        [w["boss"].user.email, w["router_admin"].user.email]
    )
