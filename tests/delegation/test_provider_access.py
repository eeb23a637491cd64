"""Provider access (Swiss Post, SPEC C4): an administrator offers rights to an e-mail address,
the provider accepts with a login of their own company, and either side ends it."""

import html
import re
from datetime import timedelta

import pytest
import time_machine
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import (
    AccountApplication,
    Application,
    AuditEvent,
    AuditKind,
    Membership,
    MembershipKind,
    MembershipStatus,
    User,
)
from accounts.permissions import Scope, held_rights
from accounts.selectors import membership_list_for_user, right_check
from accounts.services.grants import rights_set
from delegation import services
from delegation.middleware import SESSION_KEY
from delegation.models import ProviderAccess, ProviderAccessStatus
from delegation.tasks import provider_accesses_expire
from notifications.models import Message, OutboundEmail
from tests.factories import (
    AdminMembershipFactory,
    CustomerAccountFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

APP = "swisspost-online-services"
LINK_RE = re.compile(r"https?://\S+/provider-access/([\w-]+)/")


def _perm(code):
    return Application.objects.get(code=APP).permissions.get(code=code)


def _text(response) -> str:
    return html.unescape(response.content.decode())


@pytest.fixture
def swiss(company, admin):
    """The mandant (`company`): Swiss Post services on 40001234 and 40001235. Its admin holds
    « contract-orders » on both and « consult-invoices » on 40001234 only."""
    app = Application.objects.get(code=APP)
    a1 = CustomerAccountFactory(company=company, number="40001234")
    a2 = CustomerAccountFactory(company=company, number="40001235")
    for account in (a1, a2):
        AccountApplication.objects.create(account=account, application=app)
    staff = UserFactory(username="staff.giver", is_staff=True)
    rights_set(
        membership=Membership.objects.get(user=admin, company=company),
        application=app,
        rights={
            _perm("contract-orders"): Scope.of(accounts=[a1.pk, a2.pk]),
            _perm("consult-invoices"): Scope.of(accounts=[a1.pk]),
        },
        actor=staff,
        notify=False,
    )
    return {"company": company, "admin": admin, "a1": a1, "a2": a2, "app": app}


@pytest.fixture
def logiserv(other_company):
    """A person of another company (their own login there): the provider-to-be."""
    return AdminMembershipFactory(
        company=other_company,
        user__username="anna.keller",
        user__email="anna.keller@logiserv.example",
        user__language="de",
    ).user


def _offer_data(swiss, email, *, orders=("a1",), invoices=()):
    prefix = APP
    data = {"email": email, "remark": "Commandes pour le débiteur Versand"}
    perms = []
    accounts = set()
    if orders:
        perms.append(str(_perm("contract-orders").pk))
        accounts |= {swiss[a].pk for a in orders}
    if invoices:
        perms.append(str(_perm("consult-invoices").pk))
        accounts |= {swiss[a].pk for a in invoices}
    data[f"{prefix}-permissions"] = perms
    data[f"{prefix}-accounts"] = [str(pk) for pk in sorted(accounts)]
    return data


def _offer(client, swiss, email, capture, **rights):
    client.force_login(swiss["admin"])
    with capture(execute=True):
        return client.post(reverse("delegation:provider-add"), _offer_data(swiss, email, **rights))


def _key(mailoutbox) -> str:
    match = LINK_RE.search(mailoutbox[-1].body)
    assert match, mailoutbox[-1].body
    return match[1]


@pytest.fixture
def offered(client, swiss, logiserv, mailoutbox, django_capture_on_commit_callbacks):
    response = _offer(client, swiss, logiserv.email, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    client.logout()
    return {"access": ProviderAccess.objects.get(), "key": _key(mailoutbox)}


def _accept(client, person, key, capture):
    client.force_login(person)
    with capture(execute=True):
        return client.post(reverse("delegation:provider-link", args=[key]), {"action": "accept"})


# --- Access to the pages -----------------------------------------------------------------------

ADMIN_PAGES = [("get", "delegation:provider-list", []), ("get", "delegation:provider-add", [])]


@pytest.mark.parametrize(("method", "name", "args"), ADMIN_PAGES)
def test_admin_pages_anonymous_non_admin_and_admin(client, swiss, user, method, name, args):
    url = reverse(name, args=args)
    assert client.get(url).status_code == 302  # to sign in
    client.force_login(user)
    assert client.get(url).status_code == 403
    client.force_login(swiss["admin"])
    assert client.get(url).status_code == 200


def test_withdraw_anonymous_non_admin_other_company(
    client, offered, user, other_company_admin, swiss
):
    url = reverse("delegation:provider-withdraw", args=[offered["access"].pk])
    assert client.post(url).status_code == 302
    assert reverse("account_login") in client.post(url)["Location"]
    client.force_login(user)
    assert client.post(url).status_code == 403
    client.force_login(other_company_admin)
    for method in (client.post, client.get, client.head):
        assert method(url).status_code == 404
    client.force_login(swiss["admin"])
    assert client.get(url).status_code == client.head(url).status_code == 405
    offered["access"].refresh_from_db()
    assert offered["access"].status == ProviderAccessStatus.PENDING


def test_provider_own_pages_need_sign_in_and_hide_others_accesses(
    client, offered, other_company_admin
):
    mine = reverse("delegation:provider-list-mine")
    answer = reverse("delegation:provider-answer", args=[offered["access"].pk])
    give_up = reverse("delegation:provider-give-up", args=[offered["access"].pk])
    for url in (mine, answer, give_up):
        response = client.post(url) if url != mine else client.get(url)
        assert response.status_code == 302 and reverse("account_login") in response["Location"]
    client.force_login(other_company_admin)  # not the addressee
    assert "40001234" not in _text(client.get(mine))
    assert client.post(answer, {"action": "accept"}).status_code == 404
    for url in (answer, give_up):
        for method in (client.post, client.get, client.head):
            assert method(url).status_code == 404


def test_users_list_links_to_providers(client, swiss):
    client.force_login(swiss["admin"])
    page = _text(client.get(reverse("accounts:user-list")))
    assert reverse("delegation:provider-add") in page
    assert reverse("delegation:provider-list") in page


# --- Offer ---------------------------------------------------------------------------------------


def test_add_page_greys_what_the_admin_does_not_hold(client, swiss):
    client.force_login(swiss["admin"])
    page = _text(client.get(reverse("delegation:provider-add")))
    invoices = _perm("consult-invoices")
    assert f'id="{APP}-perm-{invoices.pk}"' in page
    assert "Vous ne détenez" not in page.split(f'id="{APP}-perm-{invoices.pk}"')[0][-300:]
    # Accounts are all held through « contract-orders »: none is greyed.
    assert re.search(rf'id="{APP}-accounts-{swiss["a2"].pk}"[^>]*disabled', page) is None


def test_offer_sends_one_email_with_the_link_and_saves_pending(
    client, swiss, logiserv, mailoutbox, django_capture_on_commit_callbacks
):
    response = _offer(
        client, swiss, "Anna.Keller@LogiServ.example", django_capture_on_commit_callbacks
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("delegation:provider-list")
    access = ProviderAccess.objects.get()
    assert access.email == "anna.keller@logiserv.example"
    assert access.status == ProviderAccessStatus.PENDING
    assert access.requested_rights == {
        str(_perm("contract-orders").pk): {"accounts": [swiss["a1"].pk]}
    }
    assert access.expires_at - access.created_at == timedelta(days=30)
    assert len(mailoutbox) == 1
    email = mailoutbox[0]
    assert email.to == ["anna.keller@logiserv.example"]
    assert swiss["company"].name in email.subject
    assert "40001234" in email.body
    key = _key(mailoutbox)
    assert key not in access.key_hash
    assert (
        AuditEvent.objects.filter(kind=AuditKind.PROVIDER_OFFERED, company=swiss["company"]).count()
        == 1
    )
    # The existing login also finds it in their portal inbox.
    assert Message.objects.filter(user_id=logiserv.pk, kind="provider.offered").count() == 1
    # Nothing counts yet.
    assert not Membership.objects.filter(user=logiserv, company=swiss["company"]).exists()


def _normalised(page: str, email: str) -> str:
    page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "CSRF", page)
    page = re.sub(r'"X-CSRFToken": "[^"]+"', "CSRF", page)
    page = re.sub(r"/providers/\d+/", "/providers/N/", page)
    # Row ids differ between the two offers on PostgreSQL (a rollback does not reuse them).
    page = re.sub(r"end-\d+-", "end-N-", page)
    # French elides « de » before an address starting with a vowel: the same sentence.
    page = re.sub(r"\bd(?:'|&#x27;)" + re.escape(email), "de " + email, page)
    return page.replace(email, "ADDRESS")


def _offer_outcome(client, swiss, email) -> tuple[str, int]:
    """The page the admin sees after offering, and the e-mails queued; then rolled back."""
    with transaction.atomic():
        before = OutboundEmail.objects.count()
        response = client.post(
            reverse("delegation:provider-add"), _offer_data(swiss, email), follow=True
        )
        queued = OutboundEmail.objects.count() - before
        page = _normalised(response.content.decode(), email)
        transaction.set_rollback(True)
    return page, queued


def test_offer_says_nothing_about_whether_a_login_exists(client, swiss, logiserv):
    client.force_login(swiss["admin"])
    with_login = _offer_outcome(client, swiss, logiserv.email)
    without_login = _offer_outcome(client, swiss, "nobody.here@unknown.example")
    assert with_login == without_login
    assert with_login[1] == 1
    assert "ADDRESS" in with_login[0]


def test_offer_refuses_an_address_of_the_companys_own_user(
    client, swiss, user, mailoutbox, django_capture_on_commit_callbacks
):
    response = _offer(client, swiss, user.email.upper(), django_capture_on_commit_callbacks)
    assert response.status_code == 200
    assert "utilisateur de votre société" in _text(response)
    assert not ProviderAccess.objects.exists()
    assert mailoutbox == []


def test_offer_beyond_the_ceiling_saves_nothing(
    client, swiss, logiserv, mailoutbox, django_capture_on_commit_callbacks
):
    # « consult-invoices » on 40001235: the admin holds it on 40001234 only.
    response = _offer(
        client,
        swiss,
        logiserv.email,
        django_capture_on_commit_callbacks,
        orders=(),
        invoices=("a2",),
    )
    assert response.status_code == 200
    page = _text(response)
    assert "Rien n'a été enregistré" in page
    assert "40001235" in page
    assert not ProviderAccess.objects.exists()
    assert not AuditEvent.objects.filter(kind=AuditKind.PROVIDER_OFFERED).exists()
    assert mailoutbox == []


def test_offer_without_any_right_is_refused(
    client, swiss, logiserv, django_capture_on_commit_callbacks
):
    response = _offer(client, swiss, logiserv.email, django_capture_on_commit_callbacks, orders=())
    assert "au moins un droit" in _text(response)
    assert not ProviderAccess.objects.exists()


def test_offers_are_rate_limited_per_admin(
    client, swiss, settings, django_capture_on_commit_callbacks
):
    settings.PROVIDER_OFFERS_PER_HOUR = 2
    for n in range(2):
        response = _offer(client, swiss, f"p{n}@example.org", django_capture_on_commit_callbacks)
        assert response.status_code == 302
    response = _offer(client, swiss, "p3@example.org", django_capture_on_commit_callbacks)
    assert response.status_code == 200
    assert "Réessayez dans une heure" in _text(response)
    assert ProviderAccess.objects.count() == 2


# --- The link and the answer ---------------------------------------------------------------------


def test_link_get_shows_the_offer_and_decides_nothing(client, offered, swiss):
    url = reverse("delegation:provider-link", args=[offered["key"]])
    page = _text(client.get(url))
    assert swiss["company"].name in page
    assert swiss["admin"].display_name in page
    assert "40001234" in page
    assert "Commandes de produits contractuels" in page
    assert "Se connecter pour répondre" in page
    assert client.head(url).status_code == 200
    offered["access"].refresh_from_db()
    assert offered["access"].status == ProviderAccessStatus.PENDING
    assert offered["access"].used_at is None


def test_unknown_link_is_404(client, db):
    response = client.get(reverse("delegation:provider-link", args=["nope"]))
    assert response.status_code == 404


def test_accept_from_the_link_gives_the_rights(
    client, offered, swiss, logiserv, mailoutbox, django_capture_on_commit_callbacks
):
    mailoutbox.clear()
    page = _text(client.get(reverse("delegation:provider-link", args=[offered["key"]])))
    client.force_login(logiserv)
    page = _text(client.get(reverse("delegation:provider-link", args=[offered["key"]])))
    assert "Accepter l'accès prestataire" in page
    response = _accept(client, logiserv, offered["key"], django_capture_on_commit_callbacks)
    assert response.status_code == 302
    assert response["Location"] == reverse("delegation:provider-list-mine")
    membership = Membership.objects.get(user=logiserv, company=swiss["company"])
    assert membership.kind == MembershipKind.PROVIDER
    assert membership.status == MembershipStatus.ACTIVE
    assert not membership.is_admin
    assert held_rights(membership=membership) == {
        _perm("contract-orders").pk: Scope.of(accounts=[swiss["a1"].pk])
    }
    assert right_check(
        user=logiserv, application=APP, permission="contract-orders", account="40001234"
    )
    assert not right_check(
        user=logiserv, application=APP, permission="contract-orders", account="40001235"
    )
    access = ProviderAccess.objects.get()
    assert access.status == ProviderAccessStatus.ACTIVE
    assert access.user == logiserv and access.membership == membership
    # The mandant appears under third-party companies.
    assert swiss["company"] in [
        m.company for m in membership_list_for_user(user=logiserv) if m.kind == "provider"
    ]
    # The admins are told by e-mail and in their inbox.
    assert [m.to for m in mailoutbox] == [[swiss["admin"].email]]
    assert "accepté" in mailoutbox[0].subject
    assert Message.objects.filter(user_id=swiss["admin"].pk, kind="provider.answered").exists()
    assert AuditEvent.objects.filter(kind=AuditKind.PROVIDER_ACCEPTED, actor=logiserv).count() == 1


def test_accepted_provider_switches_company_and_sees_the_rights(
    client, offered, swiss, logiserv, django_capture_on_commit_callbacks
):
    _accept(client, logiserv, offered["key"], django_capture_on_commit_callbacks)
    page = _text(client.get(reverse("delegation:company-select")))
    assert swiss["company"].name in page.split("Sociétés tierces")[1]
    response = client.post(
        reverse("delegation:company-switch"), {"company": swiss["company"].pk, "next": "/me/"}
    )
    assert response.status_code == 302
    assert client.session[SESSION_KEY] == swiss["company"].pk
    profile = _text(client.get(reverse("accounts:profile")))
    assert "Commandes de produits contractuels" in profile
    assert "40001234" in profile


def test_a_double_post_accepts_once(
    client, offered, swiss, logiserv, django_capture_on_commit_callbacks
):
    _accept(client, logiserv, offered["key"], django_capture_on_commit_callbacks)
    second = _accept(client, logiserv, offered["key"], django_capture_on_commit_callbacks)
    assert second.status_code == 410  # the link is used
    assert Membership.objects.filter(user=logiserv, company=swiss["company"]).count() == 1
    assert AuditEvent.objects.filter(kind=AuditKind.PROVIDER_ACCEPTED).count() == 1
    # And from the provider's own page, nothing more happens either.
    client.post(
        reverse("delegation:provider-answer", args=[offered["access"].pk]), {"action": "refuse"}
    )
    offered["access"].refresh_from_db()
    assert offered["access"].status == ProviderAccessStatus.ACTIVE


def test_accept_by_another_login_is_refused(
    client, offered, swiss, other_company_admin, django_capture_on_commit_callbacks
):
    client.force_login(other_company_admin)
    page = _text(client.get(reverse("delegation:provider-link", args=[offered["key"]])))
    assert "autre adresse e-mail" in page
    assert "Accepter l'accès prestataire" not in page
    _accept(client, other_company_admin, offered["key"], django_capture_on_commit_callbacks)
    offered["access"].refresh_from_db()
    assert offered["access"].status == ProviderAccessStatus.PENDING
    assert offered["access"].used_at is None
    assert not Membership.objects.filter(company=swiss["company"], kind="provider").exists()


def test_a_login_without_a_company_of_its_own_cannot_accept(
    client, offered, swiss, logiserv, django_capture_on_commit_callbacks
):
    Membership.objects.filter(user=logiserv).update(status=MembershipStatus.DEACTIVATED)
    _accept(client, logiserv, offered["key"], django_capture_on_commit_callbacks)
    offered["access"].refresh_from_db()
    assert offered["access"].status == ProviderAccessStatus.PENDING
    assert not Membership.objects.filter(company=swiss["company"], user=logiserv).exists()


def test_accept_rechecks_the_admins_ceiling(
    client, offered, swiss, logiserv, django_capture_on_commit_callbacks
):
    staff = User.objects.get(username="staff.giver")
    rights_set(
        membership=Membership.objects.get(user=swiss["admin"], company=swiss["company"]),
        application=swiss["app"],
        rights={_perm("consult-invoices"): Scope.of(accounts=[swiss["a1"].pk])},
        actor=staff,
        notify=False,
    )
    _accept(client, logiserv, offered["key"], django_capture_on_commit_callbacks)
    offered["access"].refresh_from_db()
    assert offered["access"].status == ProviderAccessStatus.PENDING
    assert offered["access"].used_at is None
    assert not Membership.objects.filter(company=swiss["company"], user=logiserv).exists()


def test_refuse_from_own_page_tells_the_mandants_admins(
    client, offered, swiss, logiserv, mailoutbox, django_capture_on_commit_callbacks
):
    mailoutbox.clear()
    client.force_login(logiserv)
    mine = _text(client.get(reverse("delegation:provider-list-mine")))
    assert swiss["company"].name in mine and "Valider" in mine
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("delegation:provider-answer", args=[offered["access"].pk]),
            {"action": "refuse"},
        )
    offered["access"].refresh_from_db()
    assert offered["access"].status == ProviderAccessStatus.REFUSED
    assert not Membership.objects.filter(company=swiss["company"], user=logiserv).exists()
    assert [m.to for m in mailoutbox] == [[swiss["admin"].email]]
    assert "refusé" in mailoutbox[0].subject
    assert Message.objects.filter(user_id=swiss["admin"].pk, kind="provider.answered").exists()
    # The e-mailed link now says it was answered.
    assert client.get(reverse("delegation:provider-link", args=[offered["key"]])).status_code == 410


# --- Ending --------------------------------------------------------------------------------------


@pytest.fixture
def accepted(client, offered, logiserv, django_capture_on_commit_callbacks):
    _accept(client, logiserv, offered["key"], django_capture_on_commit_callbacks)
    client.logout()
    return ProviderAccess.objects.get()


def test_withdraw_removes_the_rights_and_tells_the_provider(
    client, accepted, swiss, logiserv, mailoutbox, django_capture_on_commit_callbacks
):
    mailoutbox.clear()
    client.force_login(swiss["admin"])
    listing = _text(client.get(reverse("delegation:provider-list")))
    assert logiserv.email in listing and "Actif" in listing
    assert "Autre Société SA" in listing  # the provider's own company
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("delegation:provider-withdraw", args=[accepted.pk]))
    assert response.status_code == 302
    accepted.refresh_from_db()
    assert accepted.status == ProviderAccessStatus.WITHDRAWN
    membership = Membership.objects.get(user=logiserv, company=swiss["company"])
    assert membership.status == MembershipStatus.DEACTIVATED
    assert held_rights(membership=membership) == {}
    assert not right_check(
        user=logiserv, application=APP, permission="contract-orders", account="40001234"
    )
    assert [m.to for m in mailoutbox] == [[logiserv.email]]
    assert Message.objects.filter(user_id=logiserv.pk, kind="provider.withdrawn").exists()
    assert AuditEvent.objects.filter(kind=AuditKind.PROVIDER_WITHDRAWN).count() == 1


def test_withdraw_a_pending_offer_closes_its_link(
    client, offered, swiss, django_capture_on_commit_callbacks
):
    client.force_login(swiss["admin"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("delegation:provider-withdraw", args=[offered["access"].pk]))
    response = client.get(reverse("delegation:provider-link", args=[offered["key"]]))
    assert response.status_code == 410
    assert "retiré" in _text(response)


def test_give_up_removes_the_rights_and_tells_the_admins(
    client, accepted, swiss, logiserv, mailoutbox, django_capture_on_commit_callbacks
):
    mailoutbox.clear()
    client.force_login(logiserv)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("delegation:provider-give-up", args=[accepted.pk]))
    assert response.status_code == 302
    accepted.refresh_from_db()
    assert accepted.status == ProviderAccessStatus.GIVEN_UP
    membership = Membership.objects.get(user=logiserv, company=swiss["company"])
    assert held_rights(membership=membership) == {}
    assert swiss["company"] not in [m.company for m in membership_list_for_user(user=logiserv)]
    assert [m.to for m in mailoutbox] == [[swiss["admin"].email]]
    assert Message.objects.filter(user_id=swiss["admin"].pk, kind="provider.given_up").exists()


def test_a_new_offer_after_a_withdrawal_takes_the_membership_up_again(
    client, accepted, swiss, logiserv, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(swiss["admin"])
    client.post(reverse("delegation:provider-withdraw", args=[accepted.pk]))
    _offer(client, swiss, logiserv.email, django_capture_on_commit_callbacks, invoices=("a1",))
    _accept(client, logiserv, _key(mailoutbox), django_capture_on_commit_callbacks)
    membership = Membership.objects.get(user=logiserv, company=swiss["company"])
    assert membership.status == MembershipStatus.ACTIVE
    assert set(held_rights(membership=membership)) == {
        _perm("contract-orders").pk,
        _perm("consult-invoices").pk,
    }


def test_unanswered_offers_expire_after_30_days(
    client, offered, swiss, mailoutbox, django_capture_on_commit_callbacks
):
    mailoutbox.clear()
    with time_machine.travel(timezone.now() + timedelta(days=29, hours=23)):
        assert provider_accesses_expire.delay().get() == 0
    with time_machine.travel(timezone.now() + timedelta(days=30, minutes=1)):
        with django_capture_on_commit_callbacks(execute=True):
            assert provider_accesses_expire.delay().get() == 1
            assert services.provider_accesses_expire() == 0  # a second run does nothing
        response = client.get(reverse("delegation:provider-link", args=[offered["key"]]))
    offered["access"].refresh_from_db()
    assert offered["access"].status == ProviderAccessStatus.EXPIRED
    assert response.status_code == 410
    assert [m.to for m in mailoutbox] == [[swiss["admin"].email]]
    assert AuditEvent.objects.filter(kind=AuditKind.PROVIDER_EXPIRED).count() == 1


# --- What a provider reaches (point 2) -----------------------------------------------------------

USER_MANAGEMENT = [
    ("accounts:user-list", []),
    ("accounts:user-create", []),
    ("accounts:user-create-technical", []),
    ("accounts:advanced-list", []),
    ("accounts:advanced-create", []),
    ("delegation:provider-list", []),
    ("delegation:provider-add", []),
]
USER_OBJECTS = [
    "accounts:user-edit",
    "accounts:user-rights",
    "accounts:advanced-rights",
]


def test_a_provider_acting_for_the_mandant_never_reaches_user_management(
    client, accepted, swiss, logiserv, user
):
    # Even a management flag set by hand makes no provider an administrator.
    Membership.objects.filter(user=logiserv, company=swiss["company"]).update(
        can_manage_users=True, can_manage_admins=True
    )
    client.force_login(logiserv)
    client.post(reverse("delegation:company-switch"), {"company": swiss["company"].pk})
    assert client.session[SESSION_KEY] == swiss["company"].pk
    for name, args in USER_MANAGEMENT:
        assert client.get(reverse(name, args=args)).status_code == 403, name
    for name in USER_OBJECTS:
        assert client.get(reverse(name, args=[user.pk])).status_code in (403, 404), name
    for name in ("accounts:user-deactivate", "accounts:user-reactivate"):
        assert client.post(reverse(name, args=[user.pk])).status_code in (403, 404), name
    withdraw = reverse("delegation:provider-withdraw", args=[accepted.pk])
    assert client.post(withdraw).status_code == 403
    assert Membership.objects.get(user=user).status == MembershipStatus.ACTIVE
