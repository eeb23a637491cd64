"""Advanced users (Colissimo, SPEC C3): invite, finish the invitation, associate by user key,
rights per customer account under the ceiling, unlink, invitations, export."""

import html
import re
from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import (
    AccountApplication,
    ApiKey,
    Application,
    AuditEvent,
    Grant,
    Invitation,
    Membership,
    MembershipKind,
    MembershipStatus,
    User,
)
from accounts.permissions import Scope
from accounts.services.grants import rights_set
from notifications.models import OutboundEmail
from tests.factories import CustomerAccountFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

COLISSIMO = [
    "coliship",
    "colissimo-web-services",
    "colissimo-tracking",
    "colissimo-invoices",
    "colissimo-tariffs",
]
LINK_RE = re.compile(r"https?://\S+/invitation/([\w-]+)/")


def _staff_give(membership, rights):
    """Rights given by support staff (no ceiling), grouped per application."""
    staff = User.objects.filter(is_staff=True).first() or UserFactory(is_staff=True)
    by_app: dict = {}
    for permission, scope in rights.items():
        by_app.setdefault(permission.application, {})[permission] = scope
    for application, app_rights in by_app.items():
        rights_set(
            membership=membership,
            application=application,
            rights=app_rights,
            actor=staff,
            notify=False,
        )


def _perm(app_code, code):
    return Application.objects.get(code=app_code).permissions.get(code=code)


@pytest.fixture
def world(company, admin, other_company):
    """Maison Verdier: Colissimo on 820011-820013 (and e-Masspost on 820011, never offered).
    The admin holds every Colissimo right everywhere, except « WS Affranchissement » on 820013."""
    accounts = {
        n: CustomerAccountFactory(company=company, number=n) for n in ("820011", "820012", "820013")
    }
    apps = {code: Application.objects.get(code=code) for code in COLISSIMO}
    for account in accounts.values():
        for app in apps.values():
            AccountApplication.objects.create(account=account, application=app)
    AccountApplication.objects.create(
        account=accounts["820011"], application=Application.objects.get(code="emasspost")
    )
    admin_membership = Membership.objects.get(user=admin, company=company)
    every = {a.pk for a in accounts.values()}
    rights = {}
    for app in apps.values():
        for permission in app.permissions.all():
            scope = every - {accounts["820013"].pk} if permission.code == "ws-franking" else every
            rights[permission] = Scope.of(accounts=scope)
    _staff_give(admin_membership, rights)
    other_account = CustomerAccountFactory(company=other_company, number="830001")
    AccountApplication.objects.create(account=other_account, application=apps["colissimo-tracking"])
    return {"accounts": accounts, "apps": apps, "company": company, "admin": admin}


def _box(page, permission, account):
    """The matrix checkbox of (permission, account) in a page."""
    return re.search(rf'<input[^>]*value="{permission.pk}:{account.pk}"[^>]*>', page)


def _text(response) -> str:
    return html.unescape(response.content.decode())


def _cell(permission, account):
    return f"{permission.pk}:{account.pk}"


DETAILS = {
    "last_name": "Martin",
    "first_name": "Claire",
    "function": "Responsable logistique",
    "phone": "+33 1 23 45 67 89",
    "email": "claire.martin@example.com",
    "email_confirm": "claire.martin@example.com",
    "address": "3 rue des Lilas",
    "postcode": "75011",
    "city": "Paris",
    "tag": "LOGI",
    "language": "fr",
}


def _invite(client, world, capture, mailoutbox, rights=None, **details):
    tracking = _perm("colissimo-tracking", "tracking-consolidated")
    a = world["accounts"]
    rights = rights if rights is not None else [_cell(tracking, a["820011"])]
    client.force_login(world["admin"])
    with capture(execute=True):
        response = client.post(
            reverse("accounts:advanced-create"), {**DETAILS, **details, "right": rights}
        )
    return response


def _key_from(mailoutbox):
    body = mailoutbox[-1].body
    match = LINK_RE.search(body)
    assert match, body
    return match[1]


def _advanced(company, **kwargs):
    """An active advanced user linked to `company`."""
    return MembershipFactory(
        company=company, kind=MembershipKind.ADVANCED, status=MembershipStatus.ACTIVE, **kwargs
    )


# --- Access -------------------------------------------------------------------------------

LIST_VIEWS = [
    "accounts:advanced-list",
    "accounts:advanced-create",
    "accounts:advanced-associate",
    "accounts:advanced-export",
]
OBJECT_VIEWS = [
    ("get", "accounts:advanced-rights"),
    ("post", "accounts:advanced-unlink"),
    ("post", "accounts:advanced-invitation-resend"),
    ("post", "accounts:advanced-invitation-withdraw"),
]


@pytest.mark.parametrize("name", LIST_VIEWS)
def test_company_views_anonymous_non_admin_and_admin(client, world, user, name):
    url = reverse(name)
    response = client.get(url)
    assert response.status_code == 302 and reverse("account_login") in response["Location"]
    client.force_login(user)
    assert client.get(url).status_code == 403
    client.force_login(world["admin"])
    assert client.get(url).status_code == 200


@pytest.mark.parametrize(("method", "name"), OBJECT_VIEWS)
def test_object_views_anonymous_other_company_non_admin(
    client, world, user, other_company_admin, method, name
):
    person = _advanced(world["company"]).user
    url = reverse(name, args=[person.pk])
    response = getattr(client, method)(url)
    assert response.status_code == 302 and reverse("account_login") in response["Location"]
    client.force_login(other_company_admin)
    for each in ("get", "head", "post"):  # found first: the same 404 whatever the method
        assert getattr(client, each)(url).status_code == 404, each
    client.force_login(user)
    assert getattr(client, method)(url).status_code == 403
    if method == "post":
        client.force_login(world["admin"])
        assert client.get(url).status_code == client.head(url).status_code == 405


def test_object_views_answer_404_for_a_standard_user_of_the_company(client, world, user):
    client.force_login(world["admin"])
    assert client.get(reverse("accounts:advanced-rights", args=[user.pk])).status_code == 404
    assert client.post(reverse("accounts:advanced-unlink", args=[user.pk])).status_code == 404
    assert Membership.objects.get(user=user).status == MembershipStatus.ACTIVE


def test_rights_page_shows_the_person_and_the_matrix(client, world):
    person = _advanced(world["company"], tag="NORD").user
    client.force_login(world["admin"])
    page = _text(client.get(reverse("accounts:advanced-rights", args=[person.pk])))
    assert person.user_key in page and "NORD" in page
    assert "Suivi consolidé (sans accès au service client)" in page
    assert "e-Masspost" not in page  # not an accounts-only application


def test_unlink_is_post_only(client, world):
    person = _advanced(world["company"]).user
    client.force_login(world["admin"])
    assert client.get(reverse("accounts:advanced-unlink", args=[person.pk])).status_code == 405


def test_list_never_shows_another_companys_advanced_users(client, world, other_company):
    mine = _advanced(world["company"], user__last_name="Dupuis").user
    theirs = _advanced(other_company, user__last_name="Secretandre").user
    client.force_login(world["admin"])
    page = _text(client.get(reverse("accounts:advanced-list")))
    assert mine.email in page and theirs.email not in page
    assert "Ajouter un utilisateur avancé" in page
    assert "Associer un utilisateur avancé existant" in page and "Exporter (CSV)" in page


def test_list_search_status_and_accounts(client, world):
    a = world["accounts"]
    active = _advanced(world["company"], user__last_name="Actif")
    _staff_give(
        active,
        {
            _perm("colissimo-invoices", "consult"): Scope.of(
                accounts=[a["820011"].pk, a["820012"].pk]
            )
        },
    )
    client.force_login(world["admin"])
    page = _text(client.get(reverse("accounts:advanced-list"), {"q": "actif"}))
    assert "820011, 820012" in page and "Actif" in page
    page = _text(client.get(reverse("accounts:advanced-list"), {"q": "nobody"}))
    assert "Aucun utilisateur avancé ne correspond" in page


# --- Invite and finish --------------------------------------------------------------------


def test_invitation_from_e_mail_to_active_account(
    client, world, mailoutbox, django_capture_on_commit_callbacks
):
    a = world["accounts"]
    tracking = _perm("colissimo-tracking", "tracking-consolidated")
    ws = _perm("colissimo-web-services", "ws-tracking")
    response = _invite(
        client,
        world,
        django_capture_on_commit_callbacks,
        mailoutbox,
        rights=[_cell(tracking, a["820011"]), _cell(tracking, a["820012"]), _cell(ws, a["820012"])],
    )
    assert response.status_code == 302, _text(response)
    person = User.objects.get(email="claire.martin@example.com")
    membership = Membership.objects.get(user=person, company=world["company"])
    assert membership.kind == MembershipKind.ADVANCED
    assert membership.status == MembershipStatus.INVITED
    assert not person.is_active and not person.has_usable_password()
    assert membership.tag == "LOGI"
    assert AuditEvent.objects.filter(kind="advanced.invited").count() == 1
    assert Grant.objects.active().filter(membership=membership).count() == 2
    # The invitation e-mail, in the invitee's language, with the link.
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["claire.martin@example.com"]
    assert "48" in mailoutbox[0].body
    key = _key_from(mailoutbox)
    invitation = Invitation.objects.get(membership=membership)
    assert key not in invitation.key_hash and len(invitation.key_hash) == 64

    # Opening the link changes nothing (mail scanners open links).
    url = reverse("accounts:invitation-accept", args=[key])
    counts = (AuditEvent.objects.count(), OutboundEmail.objects.count(), ApiKey.objects.count())
    client.logout()
    page = client.get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert world["company"].name in text and "Responsable logistique" in text
    assert client.head(url).status_code == 200
    invitation.refresh_from_db()
    membership.refresh_from_db()
    assert invitation.used_at is None and membership.status == MembershipStatus.INVITED
    assert counts == (
        AuditEvent.objects.count(),
        OutboundEmail.objects.count(),
        ApiKey.objects.count(),
    )

    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(
            url,
            {
                "username": "Claire.Martin",
                "password1": "Un-mot-de-passe-solide-42",
                "password2": "Un-mot-de-passe-solide-42",
                "last_name": "Martin",
                "first_name": "Claire",
                "function": "Directrice logistique",
                "phone": "+33 1 00 00 00 00",
                "address": "3 rue des Lilas",
                "postcode": "75011",
                "city": "Paris",
            },
        )
    assert done.status_code == 200
    text = done.content.decode()
    assert "Votre compte est prêt" in text
    api_key = re.search(r'value="(ses_[\w-]+)"', text)[1]
    membership.refresh_from_db()
    person.refresh_from_db()
    invitation.refresh_from_db()
    assert membership.status == MembershipStatus.ACTIVE and person.is_active
    assert person.username == "claire.martin" and person.function == "Directrice logistique"
    assert invitation.used_at is not None
    assert AuditEvent.objects.filter(kind="advanced.accepted", actor=person).exists()
    # A web-service key was issued, only its hash stored, and it works.
    from accounts.permissions import api_key_authenticate

    assert api_key_authenticate(key=api_key) == person
    assert not ApiKey.objects.filter(key_hash__contains=api_key).exists()
    # The "account ready" e-mail lists the rights.
    ready = mailoutbox[-1]
    assert ready.to == ["claire.martin@example.com"]
    assert "Suivi consolidé" in ready.body and "820011, 820012" in ready.body
    assert "WS Suivi" in ready.body
    # The person signs in with the username they chose.
    client.logout()
    assert client.login(username="claire.martin", password="Un-mot-de-passe-solide-42")
    # The link is used up.
    assert "déjà utilisée" in _text(client.get(url))


def test_invite_refuses_mismatched_e_mails(
    client, world, mailoutbox, django_capture_on_commit_callbacks
):
    response = _invite(
        client,
        world,
        django_capture_on_commit_callbacks,
        mailoutbox,
        email_confirm="claire.martin@exemple.com",
    )
    assert response.status_code == 200
    assert "Les deux adresses e-mail ne sont pas identiques" in _text(response)
    assert not User.objects.filter(email="claire.martin@example.com").exists()
    assert mailoutbox == []


def test_invite_refuses_an_existing_e_mail_pointing_to_association(
    client, world, mailoutbox, django_capture_on_commit_callbacks
):
    UserFactory(email="Claire.Martin@example.com")
    response = _invite(client, world, django_capture_on_commit_callbacks, mailoutbox)
    assert response.status_code == 200
    assert "Associer un utilisateur avancé existant" in _text(response)
    assert "Un compte existe déjà avec cette adresse e-mail" in _text(response)
    assert User.objects.filter(email__iexact="claire.martin@example.com").count() == 1
    assert mailoutbox == []


def test_invite_beyond_the_ceiling_creates_nobody(
    client, world, mailoutbox, django_capture_on_commit_callbacks
):
    a = world["accounts"]
    tracking = _perm("colissimo-tracking", "tracking-consolidated")
    franking = _perm("colissimo-web-services", "ws-franking")
    response = _invite(
        client,
        world,
        django_capture_on_commit_callbacks,
        mailoutbox,
        rights=[_cell(tracking, a["820011"]), _cell(franking, a["820013"])],
    )
    assert response.status_code == 200
    assert "Vous ne détenez pas « WS Affranchissement » sur le compte 820013" in (_text(response))
    assert not User.objects.filter(email="claire.martin@example.com").exists()
    assert not Invitation.objects.exists() and mailoutbox == []


def test_create_form_greys_out_rights_the_admin_does_not_hold(client, world):
    client.force_login(world["admin"])
    page = _text(client.get(reverse("accounts:advanced-create")))
    franking = _perm("colissimo-web-services", "ws-franking")
    box = re.search(
        rf'<input[^>]*value="{franking.pk}:{world["accounts"]["820013"].pk}"[^>]*>', page
    )
    assert box and "disabled" in box[0]
    assert "Vous ne détenez pas « WS Affranchissement » sur le compte 820013" in page
    tracking = _perm("colissimo-tracking", "tracking-user-key")
    box = re.search(
        rf'<input[^>]*value="{tracking.pk}:{world["accounts"]["820013"].pk}"[^>]*>', page
    )
    assert box and "disabled" not in box[0]


def test_invite_refuses_an_application_not_offered_to_advanced_users(
    client, world, mailoutbox, django_capture_on_commit_callbacks
):
    emasspost = Application.objects.get(code="emasspost").permissions.first()
    response = _invite(
        client,
        world,
        django_capture_on_commit_callbacks,
        mailoutbox,
        rights=[_cell(emasspost, world["accounts"]["820011"])],
    )
    assert response.status_code == 200
    assert "Rien n'a été enregistré" in _text(response)
    assert not User.objects.filter(email="claire.martin@example.com").exists()


@pytest.fixture
def invited(client, world, mailoutbox, django_capture_on_commit_callbacks):
    _invite(client, world, django_capture_on_commit_callbacks, mailoutbox)
    person = User.objects.get(email="claire.martin@example.com")
    return {"person": person, "key": _key_from(mailoutbox)}


ACCEPT = {
    "username": "claire",
    "password1": "Un-mot-de-passe-solide-42",
    "password2": "Un-mot-de-passe-solide-42",
    "last_name": "Martin",
    "first_name": "Claire",
    "function": "Logistique",
    "phone": "0102030405",
    "address": "3 rue des Lilas",
    "postcode": "75011",
    "city": "Paris",
}


def test_expired_link_says_so_and_offers_no_form(client, invited):
    url = reverse("accounts:invitation-accept", args=[invited["key"]])
    with time_machine.travel(timezone.now() + timedelta(hours=48, minutes=1)):
        response = client.get(url)
        page = _text(response)
        assert response.status_code == 410
        assert "Invitation expirée" in page
        assert "Demandez une nouvelle invitation" in page  # who to ask for a new one
        assert 'name="password1"' not in page and "Créer mon compte" not in page
        assert client.post(url, ACCEPT).status_code == 410
    invited["person"].refresh_from_db()
    assert not invited["person"].is_active


def test_link_still_valid_just_before_48_hours(client, invited):
    url = reverse("accounts:invitation-accept", args=[invited["key"]])
    with time_machine.travel(timezone.now() + timedelta(hours=47, minutes=59)):
        assert 'name="password1"' in _text(client.get(url))


def test_unknown_link(client, db):
    response = client.get(reverse("accounts:invitation-accept", args=["not-a-real-key"]))
    assert response.status_code == 404 and "Lien inconnu" in _text(response)


def test_accept_refuses_a_taken_username_and_a_weak_password(client, invited, admin):
    url = reverse("accounts:invitation-accept", args=[invited["key"]])
    page = _text(client.post(url, {**ACCEPT, "username": "ADMIN"}))
    assert "Ce nom d'utilisateur est déjà pris" in page
    page = client.post(url, {**ACCEPT, "password1": "short", "password2": "short"}).content
    assert "password1" in page.decode()
    page = _text(client.post(url, {**ACCEPT, "password2": "autre-chose-encore-42"}))
    assert "Les deux mots de passe ne sont pas identiques" in page
    invited["person"].refresh_from_db()
    assert not invited["person"].is_active


def test_withdrawn_link(client, world, invited):
    client.force_login(world["admin"])
    response = client.post(
        reverse("accounts:advanced-invitation-withdraw", args=[invited["person"].pk])
    )
    assert response.status_code == 302
    assert AuditEvent.objects.filter(kind="advanced.invitation_withdrawn").exists()
    client.logout()
    response = client.get(reverse("accounts:invitation-accept", args=[invited["key"]]))
    assert response.status_code == 410 and "Invitation retirée" in _text(response)
    client.force_login(world["admin"])
    page = _text(client.get(reverse("accounts:advanced-list")))
    assert "Invitation retirée" in page and "Renvoyer l'invitation" in page


def test_resend_invalidates_the_old_link(
    client, world, invited, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(world["admin"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:advanced-invitation-resend", args=[invited["person"].pk]))
    new_key = _key_from(mailoutbox)
    assert new_key != invited["key"] and len(mailoutbox) == 2
    assert AuditEvent.objects.filter(kind="advanced.invitation_resent").exists()
    client.logout()
    old = client.get(reverse("accounts:invitation-accept", args=[invited["key"]]))
    assert old.status_code == 410 and "Invitation retirée" in _text(old)
    new = client.get(reverse("accounts:invitation-accept", args=[new_key]))
    assert 'name="password1"' in _text(new)


def test_resend_after_expiry_gives_a_new_48_hours(
    client, world, invited, mailoutbox, django_capture_on_commit_callbacks
):
    later = timezone.now() + timedelta(hours=72)
    with time_machine.travel(later):
        client.force_login(world["admin"])
        page = _text(client.get(reverse("accounts:advanced-list")))
        assert "Invitation expirée" in page
        with django_capture_on_commit_callbacks(execute=True):
            client.post(reverse("accounts:advanced-invitation-resend", args=[invited["person"].pk]))
        new = Invitation.objects.filter(membership__user=invited["person"]).first()
        assert new.expires_at > later + timedelta(hours=47)


def test_list_shows_a_pending_invitation_with_its_actions(client, world, invited):
    client.force_login(world["admin"])
    page = _text(client.get(reverse("accounts:advanced-list")))
    assert "Invitation en attente" in page
    assert "Retirer l'invitation" in page and "Renvoyer l'invitation" in page


# --- Associate by user key ----------------------------------------------------------------


@pytest.fixture
def elsewhere(other_company):
    """An advanced user of another company only."""
    return _advanced(other_company, user__last_name="Roux", user__function="Acheteuse").user


def test_associate_finds_by_user_key_and_links(
    client, world, elsewhere, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(world["admin"])
    url = reverse("accounts:advanced-associate")
    page = _text(client.get(url, {"user_key": elsewhere.user_key.upper()}))
    assert "Acheteuse" in page and elsewhere.email in page
    assert "Droits par compte client" in page
    invoices = _perm("colissimo-invoices", "consult")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url,
            {
                "user_key": elsewhere.user_key,
                "right": [_cell(invoices, world["accounts"]["820012"])],
            },
        )
    assert response.status_code == 302
    membership = Membership.objects.get(user=elsewhere, company=world["company"])
    assert membership.kind == MembershipKind.ADVANCED and membership.is_active
    grant = Grant.objects.active().get(membership=membership)
    assert list(grant.accounts.values_list("number", flat=True)) == ["820012"]
    assert AuditEvent.objects.filter(kind="advanced.associated").exists()
    assert mailoutbox[-1].to == [elsewhere.email] and "820012" in mailoutbox[-1].body
    # Their other company is untouched.
    assert Membership.objects.get(user=elsewhere, company__name="Autre Société SA").is_active


def test_associate_not_found_and_never_lists_anyone(client, world, elsewhere, user):
    client.force_login(world["admin"])
    url = reverse("accounts:advanced-associate")
    page = _text(client.get(url, {"user_key": "0" * 32}))
    assert "Aucun utilisateur avancé ne correspond à cette clé" in page
    assert elsewhere.email not in page
    # A standard user is never found by key.
    page = _text(client.get(url, {"user_key": user.user_key}))
    assert "Aucun utilisateur avancé ne correspond à cette clé" in page
    # Only an exact key: no partial search.
    page = _text(client.get(url, {"user_key": elsewhere.user_key[:10]}))
    assert "32 caractères" in page and elsewhere.email not in page
    # The bare page lists nobody.
    assert elsewhere.email not in _text(client.get(url))


def test_associate_already_linked(client, world):
    person = _advanced(world["company"]).user
    client.force_login(world["admin"])
    url = reverse("accounts:advanced-associate")
    page = _text(client.get(url, {"user_key": person.user_key}))
    assert "déjà liée à votre société" in page
    assert reverse("accounts:advanced-rights", args=[person.pk]) in page
    response = client.post(url, {"user_key": person.user_key})
    assert response.status_code == 200
    assert Membership.objects.filter(user=person).count() == 1


def test_associate_beyond_the_ceiling_links_nobody(client, world, elsewhere):
    client.force_login(world["admin"])
    franking = _perm("colissimo-web-services", "ws-franking")
    response = client.post(
        reverse("accounts:advanced-associate"),
        {"user_key": elsewhere.user_key, "right": [_cell(franking, world["accounts"]["820013"])]},
    )
    assert "sur le compte 820013" in _text(response)
    assert not Membership.objects.filter(user=elsewhere, company=world["company"]).exists()


# --- Rights -------------------------------------------------------------------------------


def test_rights_edit_adds_and_removes_per_account(
    client, world, mailoutbox, django_capture_on_commit_callbacks
):
    a = world["accounts"]
    membership = _advanced(world["company"])
    tracking = _perm("colissimo-tracking", "tracking-user-tag")
    _staff_give(membership, {tracking: Scope.of(accounts=[a["820011"].pk])})
    client.force_login(world["admin"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("accounts:advanced-rights", args=[membership.user.pk]),
            {"right": [_cell(tracking, a["820012"]), _cell(tracking, a["820013"])]},
        )
    assert response.status_code == 302
    grant = Grant.objects.active().get(membership=membership)
    assert sorted(grant.accounts.values_list("number", flat=True)) == ["820012", "820013"]
    assert len(mailoutbox) == 1 and "820012, 820013" in mailoutbox[0].body
    # Unticking everything removes the right.
    client.post(reverse("accounts:advanced-rights", args=[membership.user.pk]), {})
    assert not Grant.objects.active().filter(membership=membership).exists()


def test_rights_edit_beyond_the_ceiling_is_refused_and_nothing_saved(client, world):
    a = world["accounts"]
    membership = _advanced(world["company"])
    tracking = _perm("colissimo-tracking", "tracking-user-tag")
    franking = _perm("colissimo-web-services", "ws-franking")
    _staff_give(membership, {tracking: Scope.of(accounts=[a["820011"].pk])})
    client.force_login(world["admin"])
    response = client.post(
        reverse("accounts:advanced-rights", args=[membership.user.pk]),
        {
            "right": [
                _cell(tracking, a["820012"]),  # allowed
                _cell(franking, a["820013"]),  # crafted: the admin does not hold it there
            ]
        },
    )
    assert response.status_code == 200
    page = _text(response)
    assert "Vous ne détenez pas « WS Affranchissement » sur le compte 820013" in page
    assert "Rien n'a été enregistré" in page
    grants = Grant.objects.active().filter(membership=membership)
    assert [g.permission for g in grants] == [tracking]
    assert list(grants[0].accounts.values_list("number", flat=True)) == ["820011"]


def test_rights_held_beyond_the_ceiling_survive_a_save(client, world):
    a = world["accounts"]
    membership = _advanced(world["company"])
    franking = _perm("colissimo-web-services", "ws-franking")
    tracking = _perm("colissimo-tracking", "tracking-user-tag")
    _staff_give(membership, {franking: Scope.of(accounts=[a["820011"].pk, a["820013"].pk])})
    client.force_login(world["admin"])
    url = reverse("accounts:advanced-rights", args=[membership.user.pk])
    page = _text(client.get(url))
    box = _box(page, franking, a["820013"])
    assert "checked" in box[0] and "disabled" in box[0]
    # The browser posts neither disabled box: 820011 is unticked, 820013 is greyed.
    response = client.post(url, {"right": [_cell(tracking, a["820012"])]})
    assert response.status_code == 302
    kept = Grant.objects.active().get(membership=membership, permission=franking)
    assert list(kept.accounts.values_list("number", flat=True)) == ["820013"]
    assert Grant.objects.active().filter(membership=membership, permission=tracking).exists()


def test_rights_of_an_invited_person_can_be_changed_before_they_accept(
    client, world, invited, mailoutbox
):
    a = world["accounts"]
    invoices = _perm("colissimo-invoices", "consult")
    client.force_login(world["admin"])
    sent = len(mailoutbox)
    response = client.post(
        reverse("accounts:advanced-rights", args=[invited["person"].pk]),
        {"right": [_cell(invoices, a["820011"])]},
    )
    assert response.status_code == 302
    membership = Membership.objects.get(user=invited["person"])
    assert [g.permission for g in Grant.objects.active().filter(membership=membership)] == [
        invoices
    ]
    assert len(mailoutbox) == sent  # nobody to tell yet


def test_rights_reject_an_unreadable_post(client, world):
    membership = _advanced(world["company"])
    client.force_login(world["admin"])
    response = client.post(
        reverse("accounts:advanced-rights", args=[membership.user.pk]), {"right": ["1;drop"]}
    )
    assert response.status_code == 200 and "illisible" in _text(response)


# --- Unlink -------------------------------------------------------------------------------


def test_unlink_keeps_the_other_companys_link(client, world, other_company):
    a = world["accounts"]
    membership = _advanced(world["company"])
    person = membership.user
    theirs = MembershipFactory(
        user=person, company=other_company, kind=MembershipKind.ADVANCED, status="active"
    )
    tracking = _perm("colissimo-tracking", "tracking-consolidated")
    _staff_give(membership, {tracking: Scope.of(accounts=[a["820011"].pk])})
    other_account = CustomerAccountFactory(company=other_company)
    AccountApplication.objects.create(account=other_account, application=tracking.application)
    _staff_give(theirs, {tracking: Scope.of(accounts=[other_account.pk])})
    client.force_login(world["admin"])
    response = client.post(reverse("accounts:advanced-unlink", args=[person.pk]))
    assert response.status_code == 302
    membership.refresh_from_db()
    theirs.refresh_from_db()
    assert membership.status == MembershipStatus.DEACTIVATED and membership.deactivated_at
    assert not Grant.objects.active().filter(membership=membership).exists()
    assert theirs.is_active and Grant.objects.active().filter(membership=theirs).exists()
    person.refresh_from_db()
    assert person.is_active
    assert AuditEvent.objects.filter(kind="advanced.unlinked", company=world["company"]).exists()
    # No longer listed, and the rights page is gone for this company.
    assert person.email not in _text(client.get(reverse("accounts:advanced-list")))
    assert client.get(reverse("accounts:advanced-rights", args=[person.pk])).status_code == 404
    # They can be associated again by key.
    page = _text(client.get(reverse("accounts:advanced-associate"), {"user_key": person.user_key}))
    assert "Droits par compte client" in page


def test_unlinking_an_invited_person_kills_the_link(client, world, invited):
    client.force_login(world["admin"])
    client.post(reverse("accounts:advanced-unlink", args=[invited["person"].pk]))
    client.logout()
    response = client.get(reverse("accounts:invitation-accept", args=[invited["key"]]))
    assert response.status_code == 410


# --- Export -------------------------------------------------------------------------------


def test_export_has_details_and_rights_never_credentials(client, world):
    a = world["accounts"]
    membership = _advanced(world["company"], tag="=cmd|' /C calc'!A0")
    person = membership.user
    tracking = _perm("colissimo-tracking", "tracking-consolidated")
    _staff_give(membership, {tracking: Scope.of(accounts=[a["820011"].pk, a["820012"].pk])})
    from accounts.services.apikeys import api_key_issue

    _key, plaintext = api_key_issue(user=person, actor=person)
    client.force_login(world["admin"])
    response = client.get(reverse("accounts:advanced-export"))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    body = response.content.decode("utf-8-sig")
    header, *lines = body.splitlines()
    assert "Clé utilisateur" in header
    assert "Outil de suivi colis · Suivi consolidé (sans accès au service client)" in header
    assert person.user_key in body and person.email in body
    assert "oui (820011, 820012)" in body and ";non;" in body
    assert "'=cmd" in body and ";=cmd" not in body
    person.refresh_from_db()
    assert person.password not in body and plaintext not in body
    assert plaintext[:12] not in body
    assert "md5$" not in body and "pbkdf2" not in body and "argon2" not in body
    assert "Mot de passe" not in header and "Nom d'utilisateur" not in header
    assert len(lines) == 1


# --- Bounded queries ----------------------------------------------------------------------


def _many_advanced(company, count, account, start=0):
    users = User.objects.bulk_create(
        [
            User(
                username=f"adv{company.pk}-{i}",
                email=f"adv{company.pk}-{i}@example.com",
                last_name=f"Nom{i:05d}",
                first_name="P",
                password="!",
            )
            for i in range(start, start + count)
        ]
    )
    memberships = Membership.objects.bulk_create(
        [
            Membership(
                user=u,
                company=company,
                kind=MembershipKind.ADVANCED,
                status=MembershipStatus.INVITED if i % 3 == 0 else MembershipStatus.ACTIVE,
            )
            for i, u in enumerate(users)
        ]
    )
    expires = timezone.now() + timedelta(hours=48)
    Invitation.objects.bulk_create(
        [
            Invitation(membership=m, key_hash=f"{m.pk:064d}", expires_at=expires)
            for m in memberships
            if m.status == MembershipStatus.INVITED
        ]
    )
    permission = _perm("colissimo-tracking", "tracking-consolidated")
    grants = Grant.objects.bulk_create(
        [Grant(membership=m, grantor_company=company, permission=permission) for m in memberships]
    )
    Grant.accounts.through.objects.bulk_create(
        [Grant.accounts.through(grant_id=g.pk, customeraccount_id=account.pk) for g in grants]
    )


def _queries(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, params or {}).status_code == 200
    return len(captured)


def test_list_and_export_queries_are_the_same_at_20_and_2000(client, world):
    account = world["accounts"]["820011"]
    client.force_login(world["admin"])
    urls = [
        (reverse("accounts:advanced-list"), None),
        (reverse("accounts:advanced-list"), {"q": "nom0", "page": "2"}),
        (reverse("accounts:advanced-export"), None),
    ]
    _many_advanced(world["company"], 20, account, start=0)
    at_20 = [_queries(client, url, params) for url, params in urls]
    _many_advanced(world["company"], 1980, account, start=20)
    at_2000 = [_queries(client, url, params) for url, params in urls]
    assert at_20 == at_2000, (at_20, at_2000)
    assert max(at_2000) <= 15
    export = client.get(reverse("accounts:advanced-export"))
    assert len(export.content.decode("utf-8-sig").splitlines()) == 2001


@pytest.mark.parametrize("count", [20, 2000])
def test_list_queries_are_bounded(client, world, django_assert_max_num_queries, count):
    _many_advanced(world["company"], count, world["accounts"]["820011"])
    client.force_login(world["admin"])
    with django_assert_max_num_queries(15):
        response = client.get(reverse("accounts:advanced-list"))
    assert response.status_code == 200
    assert "820011" in response.content.decode()
    with django_assert_max_num_queries(15):
        assert client.get(reverse("accounts:advanced-list"), {"q": "nom0"}).status_code == 200


def test_rights_page_queries_do_not_grow_with_accounts_or_rights(client, world):
    membership = _advanced(world["company"])
    tracking = _perm("colissimo-tracking", "tracking-consolidated")
    url = reverse("accounts:advanced-rights", args=[membership.user.pk])
    client.force_login(world["admin"])
    small = _queries(client, url)
    apps = list(world["apps"].values())
    more = [CustomerAccountFactory(company=world["company"]) for _ in range(30)]
    AccountApplication.objects.bulk_create(
        [AccountApplication(account=a, application=app) for a in more for app in apps]
    )
    _staff_give(membership, {tracking: Scope.of(accounts=[a.pk for a in more])})
    large = _queries(client, url)
    assert small == large, (small, large)
