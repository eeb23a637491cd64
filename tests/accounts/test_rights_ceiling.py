import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.models import (
    AccountApplication,
    Application,
    AuditEvent,
    Grant,
    Membership,
    ServiceType,
)
from accounts.permissions import Ceiling, Scope, held_rights, management_errors
from accounts.services.grants import rights_copy_preview, rights_set
from tests.factories import (
    AdminMembershipFactory,
    BillingAddressFactory,
    CustomerAccountFactory,
    MembershipFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(company):
    """A company with e-Masspost on two accounts, two billing addresses, an admin and a user."""
    app = Application.objects.get(code="emasspost")
    a1 = CustomerAccountFactory(company=company, number="999009")
    a2 = CustomerAccountFactory(company=company, number="999010")
    for account in (a1, a2):
        AccountApplication.objects.create(account=account, application=app)
    x, y = (
        BillingAddressFactory(company=company, name="Siège"),
        BillingAddressFactory(company=company, name="Dépôt"),
    )
    admin = AdminMembershipFactory(company=company, user__username="boss")
    member = MembershipFactory(company=company, user__username="jane")
    perms = {p.code: p for p in app.permissions.all()}
    return {
        "app": app,
        "a1": a1,
        "a2": a2,
        "x": x,
        "y": y,
        "admin": admin,
        "member": member,
        "perms": perms,
        "company": company,
    }


def _give(membership, app, rights, actor=None):
    actor = actor or UserFactory(is_staff=True)
    return rights_set(membership=membership, application=app, rights=rights, actor=actor)


def _ceiling(w):
    return Ceiling.for_actor(actor=w["admin"].user, membership=w["admin"], company=w["company"])


def test_admin_grants_what_they_hold(world, mailoutbox, django_capture_on_commit_callbacks):
    w = world
    perm = w["perms"]["validate-price"]
    _give(
        w["admin"], w["app"], {perm: Scope.of(accounts=[w["a1"].pk], billing_addresses=[w["x"].pk])}
    )
    with django_capture_on_commit_callbacks(execute=True):
        change = rights_set(
            membership=w["member"],
            application=w["app"],
            actor=w["admin"].user,
            rights={perm: Scope.of(accounts=[w["a1"].pk], billing_addresses=[w["x"].pk])},
        )
    assert change.added == ["validate-price"]
    assert held_rights(membership=w["member"]) == {
        perm.pk: Scope.of(accounts=[w["a1"].pk], billing_addresses=[w["x"].pk])
    }
    assert (
        AuditEvent.objects.filter(kind="rights.changed", target_id=str(w["member"].pk)).count() == 1
    )
    assert mailoutbox[-1].to == [w["member"].user.email]
    assert "Validation" in mailoutbox[-1].body


def test_admin_cannot_grant_on_an_account_they_do_not_hold_and_nothing_is_saved(world):
    w = world
    perm = w["perms"]["validate-price"]
    _give(
        w["admin"], w["app"], {perm: Scope.of(accounts=[w["a1"].pk], billing_addresses=[w["x"].pk])}
    )
    with pytest.raises(ValidationError) as error:
        rights_set(
            membership=w["member"],
            application=w["app"],
            actor=w["admin"].user,
            rights={
                perm: Scope.of(accounts=[w["a1"].pk, w["a2"].pk], billing_addresses=[w["x"].pk])
            },
        )
    assert "Vous ne détenez pas « Validation + prix » sur le compte 999010." in error.value.messages
    assert not Grant.objects.filter(membership=w["member"]).exists()


def test_admin_cannot_grant_a_permission_they_do_not_hold(world):
    w = world
    _give(
        w["admin"],
        w["app"],
        {w["perms"]["create"]: Scope.of(accounts=[w["a1"].pk], billing_addresses=[w["x"].pk])},
    )
    with pytest.raises(ValidationError) as error:
        rights_set(
            membership=w["member"],
            application=w["app"],
            actor=w["admin"].user,
            rights={
                w["perms"]["contracts-prices"]: Scope.of(
                    accounts=[w["a1"].pk], billing_addresses=[w["x"].pk]
                )
            },
        )
    assert "Contrats + prix" in error.value.messages[0]


def test_application_must_be_enabled_on_the_account(world, other_company):
    w = world
    a3 = CustomerAccountFactory(company=w["company"], number="999300")  # no e-Masspost here
    with pytest.raises(ValidationError) as error:
        _give(
            w["member"],
            w["app"],
            {w["perms"]["create"]: Scope.of(accounts=[a3.pk], billing_addresses=[w["x"].pk])},
        )
    assert "n'est pas activée sur le compte 999300" in error.value.messages[0]


def test_foreign_billing_address_is_refused(world, other_company):
    w = world
    foreign = BillingAddressFactory(company=other_company)
    with pytest.raises(ValidationError):
        _give(
            w["member"],
            w["app"],
            {w["perms"]["create"]: Scope.of(accounts=[w["a1"].pk], billing_addresses=[foreign.pk])},
        )


def test_removing_a_right_the_admin_does_not_hold_is_allowed(world):
    w = world
    _give(
        w["member"],
        w["app"],
        {w["perms"]["yearly-plan"]: Scope.of(accounts=[w["a2"].pk], billing_addresses=[w["y"].pk])},
    )
    change = rights_set(
        membership=w["member"],
        application=w["app"],
        rights={},
        actor=w["admin"].user,
    )
    assert change.removed == ["yearly-plan"]
    assert held_rights(membership=w["member"]) == {}


def test_deactivated_admin_has_no_ceiling_left(world):
    w = world
    perm = w["perms"]["create"]
    _give(
        w["admin"], w["app"], {perm: Scope.of(accounts=[w["a1"].pk], billing_addresses=[w["x"].pk])}
    )
    Membership.objects.filter(pk=w["admin"].pk).update(status="deactivated")
    w["admin"].refresh_from_db()
    assert not _ceiling(w).can_grant(perm, Scope.of(accounts=[w["a1"].pk]))


def test_the_service_builds_the_ceiling_of_its_actor_in_the_target_company(world, other_company):
    """An administrator of another company holding the same right there grants nothing here:
    the service looks at the actor's own holdings in the member's company, not at a caller's."""
    w = world
    perm = w["perms"]["create"]
    elsewhere = AdminMembershipFactory(company=other_company, user__username="intruder")
    foreign = CustomerAccountFactory(company=other_company)
    AccountApplication.objects.create(account=foreign, application=w["app"])
    address = BillingAddressFactory(company=other_company)
    _give(
        elsewhere, w["app"], {perm: Scope.of(accounts=[foreign.pk], billing_addresses=[address.pk])}
    )
    with pytest.raises(ValidationError):
        rights_set(
            membership=w["member"],
            application=w["app"],
            rights={perm: Scope.of(accounts=[w["a1"].pk], billing_addresses=[w["x"].pk])},
            actor=elsewhere.user,
        )
    assert held_rights(membership=w["member"]) == {}


@pytest.fixture
def parcels_int(company):
    app = Application.objects.get(code="parcels-international")
    account = CustomerAccountFactory(company=company)
    AccountApplication.objects.create(account=account, application=app)
    perms = {p.code: p for p in app.permissions.all()}
    types = {t.number: t for t in ServiceType.objects.filter(application=app)}
    return app, account, perms, types


def test_profile_matrix_accepts_a_full_profile(company, parcels_int):
    app, account, perms, types = parcels_int
    member = MembershipFactory(company=company)
    scope = Scope.of(accounts=[account.pk], service_types=[types[10].pk, types[31].pk])
    _give(member, app, {perms["eshipper-light"]: scope, perms["prices"]: scope})
    assert len(held_rights(membership=member)) == 2


@pytest.mark.parametrize(
    ("codes", "numbers"),
    [
        (["prices"], [10]),  # a mandatory right is missing
        (["eshipper-light", "general"], [10]),  # two profiles mixed
        (["eshipper-light"], [21]),  # EasyReturn not allowed in the read-only profile
        (["eshipper-pro2", "general"], [10]),  # Direct Mail not allowed with eShipper Pro 2
        (["customs"], [10]),  # in no profile at all
    ],
)
def test_profile_matrix_refuses_what_fits_no_profile(company, parcels_int, codes, numbers):
    app, account, perms, types = parcels_int
    member = MembershipFactory(company=company)
    scope = Scope.of(accounts=[account.pk], service_types=[types[n].pk for n in numbers])
    with pytest.raises(ValidationError) as error:
        _give(member, app, {perms[c]: scope for c in codes})
    assert "aucun profil" in error.value.messages[-1]
    assert held_rights(membership=member) == {}


def test_copy_preview_keeps_only_what_the_admin_holds(world):
    w = world
    validate, create = w["perms"]["validate-price"], w["perms"]["create"]
    _give(
        w["admin"],
        w["app"],
        {create: Scope.of(accounts=[w["a1"].pk], billing_addresses=[w["x"].pk])},
    )
    source = {
        create.pk: Scope.of(accounts=[w["a1"].pk, w["a2"].pk], billing_addresses=[w["x"].pk]),
        validate.pk: Scope.of(accounts=[w["a1"].pk], billing_addresses=[w["x"].pk]),
    }
    preview = rights_copy_preview(
        source=source, membership=w["member"], application=w["app"], ceiling=_ceiling(w)
    )
    assert [(p.code, s) for p, s in preview.added] == [
        ("create", Scope.of(accounts=[w["a1"].pk], billing_addresses=[w["x"].pk]))
    ]
    assert any("999010" in reason for reason in preview.dropped)
    assert any("Validation + prix" in reason for reason in preview.dropped)
    assert preview.errors == []


@pytest.mark.parametrize(
    ("actor_rights", "target_is_admin", "wanted", "allowed"),
    [
        ({"can_manage_users": True}, False, {"can_manage_users": False}, True),
        ({"can_manage_users": True}, False, {"can_manage_users": True}, False),
        ({"can_manage_users": True}, True, {}, False),
        (
            {"can_manage_users": True, "can_manage_admins": True},
            False,
            {"can_manage_admins": True},
            True,
        ),
        ({"can_manage_users": True}, False, {"has_ftp_access": True}, False),
        ({}, False, {}, False),
    ],
)
def test_management_rights_ceiling(company, actor_rights, target_is_admin, wanted, allowed):
    actor = MembershipFactory(company=company, **actor_rights)
    target = MembershipFactory(company=company, can_manage_users=target_is_admin)
    ceiling = Ceiling.for_actor(actor=actor.user, membership=actor, company=company)
    assert (management_errors(ceiling=ceiling, target=target, wanted=wanted) == []) is allowed


# --- Property: nothing is ever granted beyond the ceiling -----------------------------------

PERM_CODES = ["create", "validate-price", "global-view"]


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    actor_holds=st.dictionaries(
        st.sampled_from(PERM_CODES), st.sets(st.sampled_from([0, 1, 2]), min_size=1)
    ),
    target_holds=st.dictionaries(
        st.sampled_from(PERM_CODES), st.sets(st.sampled_from([0, 1, 2]), min_size=1)
    ),
    requested=st.dictionaries(
        st.sampled_from(PERM_CODES), st.sets(st.sampled_from([0, 1, 2]), min_size=1)
    ),
)
def test_nothing_is_ever_granted_beyond_the_ceiling(company, actor_holds, target_holds, requested):
    app = Application.objects.get(code="emasspost")
    accounts = list(company.accounts.order_by("number"))
    if not accounts:
        accounts = [CustomerAccountFactory(company=company, number=f"88800{i}") for i in range(3)]
        for account in accounts:
            AccountApplication.objects.create(account=account, application=app)
    address = company.billing_addresses.first() or BillingAddressFactory(company=company)
    perms = {p.code: p for p in app.permissions.filter(code__in=PERM_CODES)}
    Grant.objects.filter(membership__company=company).delete()
    actor = AdminMembershipFactory(company=company)
    target = MembershipFactory(company=company)

    def scope(indexes):
        return Scope.of(accounts=[accounts[i].pk for i in indexes], billing_addresses=[address.pk])

    _give(actor, app, {perms[c]: scope(i) for c, i in actor_holds.items()})
    _give(target, app, {perms[c]: scope(i) for c, i in target_holds.items()})
    before = held_rights(membership=target)
    ceiling = Ceiling.for_actor(actor=actor.user, membership=actor, company=company)
    try:
        rights_set(
            membership=target,
            application=app,
            actor=actor.user,
            rights={perms[c]: scope(i) for c, i in requested.items()},
        )
        succeeded = True
    except ValidationError:
        succeeded = False
    after = held_rights(membership=target)
    for perm_id, held in after.items():
        gained = held - before.get(perm_id, Scope())
        assert gained <= ceiling.scope_of(perms_by_id(perms)[perm_id]) or gained.is_empty()
    within = all(
        set(i) <= actor_holds.get(c, set()) | target_holds.get(c, set())
        for c, i in requested.items()
    )
    assert succeeded is within  # refused exactly when something is beyond the ceiling
    if not succeeded:
        assert after == before


def perms_by_id(perms):
    return {p.pk: p for p in perms.values()}
