"""The router pages: the customer's « Routeurs » (directory, rights given, withdraw) and the
router's « Droits reçus » (accept, refuse, hand on, give up). Every view: anonymous, other
company, missing right, allowed; crafted POSTs change nothing."""

import pytest
from django.urls import reverse

from accounts.models import AccountApplication, Application, Grant, GrantStatus
from accounts.permissions import Scope
from accounts.selectors import right_check
from accounts.services import rights_set
from delegation.services import router_rights_accept, router_rights_set
from tests.factories import (
    PASSWORD,
    AdminMembershipFactory,
    CompanyFactory,
    CustomerAccountFactory,
    MembershipFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

APP, PERM = "parcels-national", "user"


@pytest.fixture
def w(company):
    app = Application.objects.get(code=APP)
    perm = app.permissions.get(code=PERM)
    accounts = [CustomerAccountFactory(company=company, number=f"66000{i}") for i in range(2)]
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
    router = CompanyFactory(name="Routeur Express", is_router=True, city="Namur")
    return {
        "app": app,
        "perm": perm,
        "accounts": accounts,
        "boss": boss,
        "router": router,
        "router_admin": AdminMembershipFactory(company=router, user__username="r.admin"),
        "router_user": MembershipFactory(company=router, user__username="r.user"),
        "member": MembershipFactory(company=company, user__username="plain"),
    }


def _signed_in(client, membership):
    client.login(username=membership.user.username, password=PASSWORD)
    return client


def _offered_and_accepted(w):
    router_rights_set(
        company=w["boss"].company,
        router=w["router"],
        application=w["app"],
        rights={w["perm"]: Scope.of(accounts=[w["accounts"][0].pk])},
        actor=w["boss"].user,
    )
    router_rights_accept(
        router=w["router"], customer=w["boss"].company, actor=w["router_admin"].user
    )
    return Grant.objects.get(holder_company=w["router"])


def _customer_urls(w):
    router = w["router"].pk
    return [
        ("get", reverse("delegation:router-list")),
        ("get", reverse("delegation:router-rights", args=[router])),
        ("get", reverse("delegation:router-rights-edit", args=[router, APP])),
        ("post", reverse("delegation:router-withdraw", args=[router])),
    ]


def test_customer_pages_anonymous_member_and_admin(client, w):
    for method, url in _customer_urls(w):
        response = getattr(client, method)(url)
        assert response.status_code == 302 and "/login/" in response["Location"], url
    _signed_in(client, w["member"])
    for method, url in _customer_urls(w):
        assert getattr(client, method)(url).status_code == 403, url
    client.logout()
    _signed_in(client, w["boss"])
    for method, url in _customer_urls(w)[:3]:
        assert getattr(client, method)(url).status_code == 200, url


def test_a_company_that_is_not_a_directory_router_is_404(client, w, other_company):
    _signed_in(client, w["boss"])
    for name, args in [
        ("delegation:router-rights", [other_company.pk]),
        ("delegation:router-rights-edit", [other_company.pk, APP]),
    ]:
        assert client.get(reverse(name, args=args)).status_code == 404
    withdraw = reverse("delegation:router-withdraw", args=[other_company.pk])
    for method in (client.post, client.get, client.head):
        assert method(withdraw).status_code == 404
    withdraw = reverse("delegation:router-withdraw", args=[w["router"].pk])
    assert client.get(withdraw).status_code == client.head(withdraw).status_code == 405


def test_admin_gives_rights_in_the_editor_and_the_router_sees_them_pending(client, w):
    _signed_in(client, w["boss"])
    a0 = w["accounts"][0]
    response = client.post(
        reverse("delegation:router-rights-edit", args=[w["router"].pk, APP]),
        {"accounts": [a0.pk], "permissions": [w["perm"].pk], "ends_on": ""},
    )
    assert response.status_code == 302
    grant = Grant.objects.get(holder_company=w["router"])
    assert grant.status == GrantStatus.PENDING
    assert list(grant.accounts.values_list("number", flat=True)) == [a0.number]
    page = client.get(reverse("delegation:router-list")).content.decode()
    assert "Routeur Express" in page and "en attente" in page.lower()


def test_an_account_the_admin_does_not_hold_is_refused_and_nothing_saved(client, w):
    stranger = CustomerAccountFactory(company=w["boss"].company, number="669999")
    AccountApplication.objects.create(account=stranger, application=w["app"])
    _signed_in(client, w["boss"])
    response = client.post(
        reverse("delegation:router-rights-edit", args=[w["router"].pk, APP]),
        {"accounts": [stranger.pk], "permissions": [w["perm"].pk]},
    )
    assert response.status_code == 200
    assert "669999" in response.content.decode()
    assert not Grant.objects.filter(holder_company=w["router"]).exists()


def test_router_pages_anonymous_member_other_company_and_admin(client, w, company):
    received = reverse("delegation:received-list")
    decide = reverse("delegation:received-decide", args=[company.pk])
    assert client.get(received).status_code == 302
    _signed_in(client, w["router_user"])
    assert client.get(received).status_code == 403
    client.logout()
    _signed_in(client, w["boss"])  # an admin of a company that is not a router
    assert client.get(received).status_code == 404
    client.logout()
    _signed_in(client, w["router_admin"])
    assert client.get(received).status_code == 200
    # No grant from that customer yet: deciding on it is 404.
    assert client.post(decide, {"action": "accept"}).status_code == 404


def test_router_admin_accepts_and_hands_on_and_the_user_holds_the_right(client, w, company):
    router_rights_set(
        company=company,
        router=w["router"],
        application=w["app"],
        rights={w["perm"]: Scope.of(accounts=[w["accounts"][0].pk])},
        actor=w["boss"].user,
    )
    _signed_in(client, w["router_admin"])
    page = client.get(reverse("delegation:received-list")).content.decode()
    assert company.name in page and "Accepter" in page
    client.post(reverse("delegation:received-decide", args=[company.pk]), {"action": "accept"})
    grant = Grant.objects.get(holder_company=w["router"])
    assert grant.status == GrantStatus.ACTIVE
    a0, a1 = w["accounts"]
    # Crafted: more than received (a1 was not given): refused, nothing saved.
    client.post(
        reverse("delegation:received-hand-on", args=[grant.pk]),
        {"person": w["router_user"].pk, "accounts": [a0.pk, a1.pk]},
    )
    assert not Grant.objects.filter(membership=w["router_user"]).exists()
    client.post(
        reverse("delegation:received-hand-on", args=[grant.pk]),
        {"person": w["router_user"].pk, "accounts": [a0.pk]},
    )
    check = right_check(
        user=w["router_user"].user, application=APP, permission=PERM, account=a0.number
    )
    assert check.allowed
    page = client.get(reverse("delegation:received-list")).content.decode()
    assert "r.user" in page


def test_another_routers_grant_cannot_be_handed_on_or_decided(client, w, company):
    grant = _offered_and_accepted(w)
    other_router = CompanyFactory(name="Autre Routeur", is_router=True)
    other_admin = AdminMembershipFactory(company=other_router, user__username="o.admin")
    _signed_in(client, other_admin)
    hand_on = reverse("delegation:received-hand-on", args=[grant.pk])
    assert client.post(hand_on, {"person": w["router_user"].pk, "accounts": []}).status_code == 404
    decide = reverse("delegation:received-decide", args=[company.pk])
    assert client.post(decide, {"action": "give_up"}).status_code == 404
    for url in (hand_on, decide):  # found first: the same 404 whatever the method
        assert client.get(url).status_code == client.head(url).status_code == 404
    client.logout()
    _signed_in(client, w["router_admin"])  # their own: these routes only take a POST
    for url in (hand_on, decide):
        assert client.get(url).status_code == client.head(url).status_code == 405
    assert Grant.objects.get(pk=grant.pk).status == GrantStatus.ACTIVE


def test_withdraw_from_the_list_removes_what_was_handed_on(client, w, company):
    from delegation.services import rights_hand_on

    grant = _offered_and_accepted(w)
    a0 = w["accounts"][0]
    rights_hand_on(
        membership=w["router_user"],
        parent=grant,
        scope=Scope.of(accounts=[a0.pk]),
        actor=w["router_admin"].user,
    )
    _signed_in(client, w["boss"])
    response = client.post(reverse("delegation:router-withdraw", args=[w["router"].pk]))
    assert response.status_code == 302
    check = right_check(
        user=w["router_user"].user, application=APP, permission=PERM, account=a0.number
    )
    assert not check.allowed
    assert Grant.objects.get(membership=w["router_user"]).status == GrantStatus.REVOKED


@pytest.mark.parametrize("count", [40, 400])
def test_directory_queries_do_not_grow_with_the_routers(
    client, w, count, django_assert_max_num_queries
):
    CompanyFactory.create_batch(count, is_router=True)
    _signed_in(client, w["boss"])
    with django_assert_max_num_queries(22):
        response = client.get(reverse("delegation:router-list"), {"page": 2})
    assert response.status_code == 200


def test_the_routers_user_rights_page_explains_a_right_handed_on(client, w, company):
    from delegation.services import rights_hand_on

    grant = _offered_and_accepted(w)
    rights_hand_on(
        membership=w["router_user"],
        parent=grant,
        scope=Scope.of(accounts=[w["accounts"][0].pk]),
        actor=w["router_admin"].user,
    )
    _signed_in(client, w["router_admin"])
    page = client.get(reverse("accounts:user-rights", args=[w["router_user"].user_id]))
    text = page.content.decode()
    assert "Droits transmis, reçus de clients" in text
    assert company.name in text and w["accounts"][0].number in text
    assert "Transmis par r.admin" in text


@pytest.mark.parametrize("customers", [1, 6])
def test_received_page_queries_do_not_grow_with_customers_and_accounts(
    client, w, customers, django_assert_max_num_queries
):
    """Each received right lists its accounts by number and name, to hand on: the names are
    read once for the whole page, not once per account."""
    for n in range(customers):
        admin = AdminMembershipFactory(user__username=f"boss{n}")
        accounts = [
            CustomerAccountFactory(company=admin.company, number=f"77{n}00{i}") for i in range(3)
        ]
        for account in accounts:
            AccountApplication.objects.create(account=account, application=w["app"])
        scope = Scope.of(accounts=[a.pk for a in accounts])
        rights_set(
            membership=admin,
            application=w["app"],
            rights={w["perm"]: scope},
            actor=UserFactory(is_staff=True),
            notify=False,
        )
        router_rights_set(
            company=admin.company,
            router=w["router"],
            application=w["app"],
            rights={w["perm"]: scope},
            actor=admin.user,
        )
        router_rights_accept(
            router=w["router"], customer=admin.company, actor=w["router_admin"].user
        )
    _signed_in(client, w["router_admin"])
    with django_assert_max_num_queries(20):
        response = client.get(reverse("delegation:received-list"))
    page = response.content.decode()
    assert f"77{customers - 1}002" in page and "Transmettre" in page
