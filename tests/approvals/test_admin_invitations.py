"""Customer admins are invited, never enrolled: whoever owns an address, the inviting admin sees
the same answer; an existing login becomes a member (and customer admin) only when it accepts,
signed in, from the e-mailed single-use link or from its own page."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent, Membership, User
from approvals.models import AdminInvitation, AdminInvitationStatus, CustomerAdmin, Status
from notifications.models import Message, OutboundEmail
from tests.factories import AdminMembershipFactory, CustomerAccountFactory, MembershipFactory

pytestmark = pytest.mark.django_db

SENT = "Une invitation a été envoyée à cette adresse."


@pytest.fixture
def anne(protected):
    return User.objects.get(username="anne")


@pytest.fixture
def signed_in(client, anne):
    client.force_login(anne)
    return client


@pytest.fixture
def outsider(other_company):
    """A login of another company, with a real name the inviter must never learn."""
    return AdminMembershipFactory(
        company=other_company,
        user__username="otto",
        user__email="otto@autre.example",
        user__first_name="Ottokar",
        user__last_name="Geheimnis",
        user__language="de",
    ).user


def _text(response) -> str:
    return response.content.decode()


def _invite(client, protected, email, capture, **extra):
    data = {
        "account": protected.pk,
        "email": email,
        "first_name": "Typed",
        "last_name": "Name",
        "language": "fr",
        **extra,
    }
    with capture(execute=True):
        return client.post(reverse("approvals:admin-add"), data, follow=True)


def _key_from(mail) -> str:
    match = re.search(r"/esecure/invitation/([A-Za-z0-9_-]+)/", mail.body)
    assert match, mail.body
    return match.group(1)


@pytest.fixture
def invited(signed_in, protected, outsider, mailoutbox, django_capture_on_commit_callbacks):
    """Anne invited Otto (another company); returns the invitation and its link key."""
    _invite(signed_in, protected, "otto@autre.example", django_capture_on_commit_callbacks)
    mail = next(m for m in mailoutbox if m.to == ["otto@autre.example"])
    signed_in.logout()
    return {"invitation": AdminInvitation.objects.get(), "key": _key_from(mail), "mail": mail}


def _link(key):
    return reverse("approvals:admin-invitation-link", args=[key])


# --- The finding: no name, no membership, same answer -------------------------------------------


def test_inviting_another_companys_login_reveals_nothing_and_enrols_nobody(
    signed_in, protected, outsider, mailoutbox, django_capture_on_commit_callbacks
):
    response = _invite(
        signed_in, protected, "Otto@Autre.Example", django_capture_on_commit_callbacks
    )
    page = _text(response)
    assert SENT in page
    assert "Ottokar" not in page and "Geheimnis" not in page
    assert not Membership.objects.filter(user=outsider, company=protected.account.company).exists()
    assert not CustomerAdmin.objects.filter(user=outsider).exists()
    # The list shows the address with what was typed, pending; never the person's name.
    listing = _text(signed_in.get(reverse("approvals:admin-list")))
    assert "otto@autre.example" in listing and "En attente" in listing
    assert "Ottokar" not in listing and "Geheimnis" not in listing
    # Nor does the audit log of the inviting company.
    events = AuditEvent.objects.filter(company=protected.account.company)
    assert "Ottokar" not in str(list(events.values("before", "after", "target_repr")))
    # He is not listed in his company choice.
    assert protected.account.company not in [m.company for m in outsider.memberships.all()]
    # He gets one e-mail, in his language, and a portal message.
    [mail] = [m for m in mailoutbox if m.to == ["otto@autre.example"]]
    assert User.objects.get(username="anne").display_name in mail.body
    assert protected.account.company.name in mail.body and "950000033" in mail.body
    assert OutboundEmail.objects.get(recipient="otto@autre.example").language == "de"
    assert Message.objects.filter(user_id=outsider.pk, kind="esecure.admin_invited").exists()


def test_the_answer_is_the_same_for_known_unknown_and_member_addresses(
    signed_in, protected, outsider, company, django_capture_on_commit_callbacks
):
    colleague = MembershipFactory(company=company, user__email="col@client.example").user
    pages = {}
    for email in ("otto@autre.example", "nobody@nowhere.example", colleague.email):
        response = _invite(signed_in, protected, email, django_capture_on_commit_callbacks)
        assert response.redirect_chain[-1][0] == reverse("approvals:admin-list")
        pages[email] = _text(response)
        assert SENT in pages[email]
    # No new membership, no customer admin for any of them before they accept.
    assert CustomerAdmin.objects.filter(protected_account=protected).count() == 2
    assert not CustomerAdmin.objects.filter(user=colleague).exists()
    assert AdminInvitation.objects.filter(status=AdminInvitationStatus.PENDING).count() == 3


def test_a_new_address_gets_the_create_password_invitation(
    signed_in, protected, mailoutbox, django_capture_on_commit_callbacks
):
    _invite(
        signed_in,
        protected,
        "Chloe@Client.Example",
        django_capture_on_commit_callbacks,
        first_name="Chloé",
        last_name="Martin",
        language="nl",
    )
    [mail] = mailoutbox
    assert mail.to == ["chloe@client.example"]
    assert "/accounts/recovery/" in mail.body or "reset" in mail.body  # create-password link
    assert "/esecure/invitation/" in mail.body
    chloe = User.objects.get(email="chloe@client.example")
    assert chloe.language == "nl" and chloe.first_name == "Chloé"
    assert not chloe.has_usable_password()
    # Nothing in the inviting company before she accepts: not a member, not an admin.
    assert not chloe.memberships.exists()
    assert not CustomerAdmin.objects.filter(user=chloe).exists()
    # Her login is not in the inviting company's log either.
    assert not AuditEvent.objects.filter(
        company=protected.account.company, kind="user.created"
    ).exists()


def test_an_active_admin_or_a_pending_invitation_is_refused_without_sending(
    signed_in, protected, invited, mailoutbox, client, anne, django_capture_on_commit_callbacks
):
    client.force_login(anne)
    mailoutbox.clear()
    page = _text(
        _invite(client, protected, "otto@autre.example", django_capture_on_commit_callbacks)
    )
    assert "attend déjà" in page
    bert = User.objects.get(username="bert")
    page = _text(_invite(client, protected, bert.email, django_capture_on_commit_callbacks))
    assert "déjà administrateur du compte 950000033" in page
    assert mailoutbox == []


# --- The link: GET shows, POST acts ------------------------------------------------------------


def test_link_get_shows_who_invites_and_changes_nothing(client, invited, protected, outsider):
    url = _link(invited["key"])
    page = _text(client.get(url))
    assert "950000033" in page and protected.account.company.name in page
    assert User.objects.get(username="anne").display_name in page
    assert "Se connecter pour répondre" in page
    assert client.head(url).status_code == 200
    client.force_login(outsider)
    page = _text(client.get(url))
    assert "Accepter" in page and "Refuser" in page
    invitation = AdminInvitation.objects.get()
    assert invitation.status == AdminInvitationStatus.PENDING and invitation.used_at is None
    assert not CustomerAdmin.objects.filter(user=outsider).exists()


def test_accept_makes_member_and_admin_once(
    client, invited, protected, outsider, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(outsider)
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(_link(invited["key"]), {"action": "accept"})
    assert first.status_code == 302
    second = client.post(_link(invited["key"]), {"action": "accept"})
    assert second.status_code == 410
    company = protected.account.company
    assert Membership.objects.filter(user=outsider, company=company).count() == 1
    admin = CustomerAdmin.objects.get(user=outsider, protected_account=protected)
    assert admin.status == Status.ACTIVE and admin.assigned_by.username == "anne"
    invitation = AdminInvitation.objects.get()
    assert invitation.status == AdminInvitationStatus.ACCEPTED
    assert AuditEvent.objects.filter(kind="esecure.admin_invitation_accepted").count() == 1
    # Now he picks the company and opens the eSecure area.
    client.post(reverse("delegation:company-switch"), {"company": company.pk})
    assert client.get(reverse("approvals:admin-list")).status_code == 200


def test_refuse_creates_nothing_and_the_inviter_sees_it(
    client, invited, protected, outsider, anne, django_capture_on_commit_callbacks
):
    client.force_login(outsider)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_link(invited["key"]), {"action": "refuse"})
    assert response.status_code == 302
    assert not Membership.objects.filter(user=outsider, company=protected.account.company).exists()
    assert not CustomerAdmin.objects.filter(user=outsider).exists()
    assert AdminInvitation.objects.get().status == AdminInvitationStatus.REFUSED
    assert AuditEvent.objects.filter(kind="esecure.admin_invitation_refused").count() == 1
    client.force_login(anne)
    listing = _text(client.get(reverse("approvals:admin-list")))
    assert "Refusée" in listing
    assert client.post(_link(invited["key"]), {"action": "accept"}).status_code in (404, 410)


def test_another_signed_in_login_gets_404_and_nothing_happens(
    client, invited, protected, other_company_admin
):
    client.force_login(other_company_admin)
    assert client.get(_link(invited["key"])).status_code == 404
    assert client.post(_link(invited["key"]), {"action": "accept"}).status_code == 404
    invitation = AdminInvitation.objects.get()
    assert invitation.status == AdminInvitationStatus.PENDING and invitation.used_at is None
    assert not CustomerAdmin.objects.filter(user=other_company_admin).exists()


def test_anonymous_post_goes_to_sign_in_and_returns(client, invited):
    response = client.post(_link(invited["key"]), {"action": "accept"})
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    assert (
        "esecure%2Finvitation" in response["Location"]
        or "esecure/invitation" in (response["Location"])
    )
    assert AdminInvitation.objects.get().status == AdminInvitationStatus.PENDING


def test_unknown_expired_and_used_links(client, invited, outsider):
    assert client.get(_link("nope")).status_code == 404
    AdminInvitation.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    response = client.get(_link(invited["key"]))
    assert response.status_code == 410 and "expiré" in _text(response)
    client.force_login(outsider)
    assert client.post(_link(invited["key"]), {"action": "accept"}).status_code == 410
    assert not CustomerAdmin.objects.filter(user=outsider).exists()


def test_new_login_accepts_after_creating_its_password(
    signed_in, protected, mailoutbox, client, django_capture_on_commit_callbacks
):
    _invite(signed_in, protected, "chloe@client.example", django_capture_on_commit_callbacks)
    key = _key_from(mailoutbox[0])
    chloe = User.objects.get(email="chloe@client.example")
    client.force_login(chloe)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(_link(key), {"action": "accept"})
    assert CustomerAdmin.objects.get(user=chloe).status == Status.ACTIVE
    assert Membership.objects.get(user=chloe).company == protected.account.company


# --- The inviter: states, resend, withdraw -----------------------------------------------------


def test_list_shows_states_and_resend_gives_a_new_link(
    client, invited, anne, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(anne)
    invitation = invited["invitation"]
    AdminInvitation.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    assert "Expirée" in _text(client.get(reverse("approvals:admin-list")))
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("approvals:admin-invitation-resend", args=[invitation.pk]))
    assert response.status_code == 302
    [mail] = mailoutbox
    new_key = _key_from(mail)
    assert new_key != invited["key"]
    assert client.get(_link(invited["key"])).status_code == 404  # the old key is gone
    listing = _text(client.get(reverse("approvals:admin-list")))
    assert "En attente" in listing
    assert AuditEvent.objects.filter(kind="esecure.admin_invitation_resent").count() == 1


def test_withdraw_closes_the_link(client, invited, anne, outsider):
    client.force_login(anne)
    pk = invited["invitation"].pk
    assert client.post(reverse("approvals:admin-invitation-withdraw", args=[pk])).status_code == 302
    assert AdminInvitation.objects.get().status == AdminInvitationStatus.WITHDRAWN
    assert "Retirée" in _text(client.get(reverse("approvals:admin-list")))
    client.force_login(outsider)
    response = client.post(_link(invited["key"]), {"action": "accept"})
    assert response.status_code == 410
    assert not CustomerAdmin.objects.filter(user=outsider).exists()
    assert AuditEvent.objects.filter(kind="esecure.admin_invitation_withdrawn").count() == 1


@pytest.mark.parametrize("name", ["admin-invitation-resend", "admin-invitation-withdraw"])
@pytest.mark.parametrize("method", ["get", "head", "post"])
def test_inviter_routes_anonymous_other_company_missing_right_allowed(
    client, invited, admin, other_company, name, method, request
):
    url = reverse(f"approvals:{name}", args=[invited["invitation"].pk])
    response = getattr(client, method)(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    # Another company's customer admin: 404 for every method.
    account = CustomerAccountFactory(company=other_company, number="950000099")
    from approvals.models import ProtectedAccount

    other = ProtectedAccount.objects.create(account=account, is_active=True)
    olga = AdminMembershipFactory(company=other_company, user__username="olga").user
    CustomerAdmin.objects.create(protected_account=other, user=olga)
    client.force_login(olga)
    assert getattr(client, method)(url).status_code == 404
    # A company admin who is not a customer admin: 403.
    client.force_login(admin)
    assert getattr(client, method)(url).status_code == 403
    # The customer admin: POST acts, GET/HEAD not allowed.
    client.force_login(User.objects.get(username="anne"))
    expected = 302 if method == "post" else 405
    assert getattr(client, method)(url).status_code == expected
    assert AdminInvitation.objects.get().status == AdminInvitationStatus.PENDING or (
        method == "post" and name == "admin-invitation-withdraw"
    )


# --- The invited person's own page -------------------------------------------------------------


def test_own_page_lists_and_answers_only_ones_own_invitations(
    client, invited, outsider, other_company_admin, django_capture_on_commit_callbacks
):
    url = reverse("approvals:admin-invitation-mine")
    assert client.get(url).status_code == 302  # anonymous: sign in
    answer = reverse("approvals:admin-invitation-answer", args=[invited["invitation"].pk])
    client.force_login(other_company_admin)
    assert "950000033" not in _text(client.get(url))
    assert client.post(answer, {"action": "accept"}).status_code == 404
    client.force_login(outsider)
    assert "950000033" in _text(client.get(url))
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(answer, {"action": "accept"}).status_code == 302
    assert CustomerAdmin.objects.filter(user=outsider).count() == 1
    assert client.post(answer, {"action": "accept"}).status_code in (302, 404)
    assert CustomerAdmin.objects.filter(user=outsider).count() == 1


def test_a_technical_login_never_gets_a_password_link(
    signed_in, protected, other_company, mailoutbox, django_capture_on_commit_callbacks
):
    """A login without a password that belongs to a company (an API-only technical user) gets
    the plain invitation, never a link to create a password."""
    robot = MembershipFactory(
        company=other_company, kind="technical", user__email="robot@autre.example"
    ).user
    robot.set_unusable_password()
    robot.save()
    _invite(signed_in, protected, "robot@autre.example", django_capture_on_commit_callbacks)
    [mail] = mailoutbox
    assert "/esecure/invitation/" in mail.body
    assert "/accounts/recovery/" not in mail.body
