"""Secrets shown once (STYLE rule 12): an e-mailed link's key reaches its recipient and nobody
else. Support staff read every e-mail in the outbox (`/outbox/` and Django admin), so there the
links that carry a key show a marker; the e-mail sent still carries the working link."""

import re
from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from django.utils import translation

from accounts.models import AccountApplication, Application, Membership
from accounts.permissions import Scope
from accounts.services.advanced import advanced_user_invite
from accounts.services.grants import rights_set
from accounts.services.passwords import password_recovery_request
from approvals.models import CustomerAdmin, ProtectedAccount
from approvals.services.checks import sender_check
from approvals.services.onboarding import customer_admin_add
from common.links import new_link_key
from notifications import emails
from notifications.models import OutboundEmail
from notifications.services import SECRET_LINK_MARKER
from tests.factories import (
    AdminMembershipFactory,
    CustomerAccountFactory,
    MembershipFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

MASK = "[lien masqué]"
URL_RE = re.compile(r"https?://[^\s\"'<>]+")


def _support_pages(client, email: OutboundEmail) -> dict[str, str]:
    """Every page where support staff can read an outbox e-mail."""
    urls = [
        reverse("notifications:outbox"),
        reverse("notifications:outbox-detail", args=[email.pk]),
        reverse("notifications:outbox-html", args=[email.pk]),
        reverse("admin:notifications_outboundemail_changelist"),
        reverse("admin:notifications_outboundemail_change", args=[email.pk]),
        reverse("admin:notifications_outboundemail_history", args=[email.pk]),
    ]
    pages = {}
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        pages[url] = response.content.decode()
    return pages


def _assert_hidden_from_support(client, staff, key: str) -> None:
    client.force_login(staff)
    for email in OutboundEmail.objects.all():
        pages = _support_pages(client, email)
        for url, page in pages.items():
            assert key not in page, url
        if email.kind in KINDS_WITH_KEYS:  # support still sees that there was a link
            with translation.override(email.language):  # the marker is in the e-mail's language
                mask = str(SECRET_LINK_MARKER)
            assert mask in pages[reverse("notifications:outbox-detail", args=[email.pk])]
    # Searching by the key finds nothing (the pages only echo the words searched).
    outbox_search = client.get(reverse("notifications:outbox"), {"q": key}).content.decode()
    assert "Aucun e-mail." in outbox_search
    admin_list = reverse("admin:notifications_outboundemail_changelist")
    admin_search = client.get(admin_list, {"q": key}).content.decode()
    assert "0 résultat" in admin_search
    client.logout()


KINDS_WITH_KEYS = {
    "password_reset",
    "email_change_confirm",
    "esecure_admin_invitation",
    "advanced_invitation",
    "user_create_password",
    "esecure_create_password",
    "esecure_approval_request",
    "provider_access_offered",
}


def _sent_links(mailoutbox, kind_words: str) -> list[str]:
    """The links with `kind_words` of the e-mails sent, in their text and HTML parts alike."""
    links = []
    for message in mailoutbox:
        html_links = URL_RE.findall(message.alternatives[0][0])
        found = [link for link in URL_RE.findall(message.body) if kind_words in link]
        assert all(link in html_links for link in found), message.body
        links += found
    assert links, [message.body for message in mailoutbox]
    return links


def _path(url: str) -> str:
    return urlsplit(url).path


def _check(client, staff, mailoutbox, capture, send, *, kind_words: str) -> list[str]:
    """Queues an e-mail with `send`; its key stays hidden from support while it waits, once sent,
    and the e-mail received carries a link that opens (GET shows, decides nothing)."""
    mailoutbox.clear()
    with capture(execute=False) as callbacks:
        send()
    with capture(execute=True):  # a task run by a callback (new senders) queues e-mails too
        for callback in callbacks:
            callback()
    links_sent = _sent_links(mailoutbox, kind_words)
    for link in links_sent:
        key = _path(link).rstrip("/").rsplit("/", 1)[-1]
        _assert_hidden_from_support(client, staff, key)
        assert key not in str(list(OutboundEmail.objects.values()))  # nothing kept once sent
        opened = client.get(_path(link), follow=True)
        assert opened.status_code == 200, link
    return links_sent


def test_queued_email_keeps_its_key_away_from_support_until_sent(
    client, staff, user, mailoutbox, django_capture_on_commit_callbacks
):
    key, _digest = new_link_key()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        emails.send_password_reset(
            user=user,
            username=user.username,
            display_name=user.display_name,
            reset_url=f"https://sesame.example/accounts/recovery/MQ/{key}/",
            valid_hours=24,
        )
    _assert_hidden_from_support(client, staff, key)  # queued: not yet sent
    for callback in callbacks:
        callback()
    assert key in mailoutbox[0].body and key in mailoutbox[0].alternatives[0][0]
    _assert_hidden_from_support(client, staff, key)
    assert key not in str(list(OutboundEmail.objects.values()))


def test_outbox_text_scrolls_with_the_keyboard(client, staff, user):
    email = emails.send_password_changed(user=user, display_name=user.display_name)
    client.force_login(staff)
    page = client.get(reverse("notifications:outbox-detail", args=[email.pk])).content.decode()
    assert '<pre tabindex="0" aria-labelledby="text-title" lang=' in page


def test_decision_links_are_masked_for_support_and_work_for_the_admin(
    client, staff, company, mailoutbox, django_capture_on_commit_callbacks
):
    account = CustomerAccountFactory(company=company, number="950000033")
    AccountApplication.objects.create(
        account=account, application=Application.objects.get(code="dhl-shipping")
    )
    protected = ProtectedAccount.objects.create(account=account, is_active=True)
    anne = AdminMembershipFactory(company=company, user__username="anne").user
    CustomerAdmin.objects.create(protected_account=protected, user=anne)

    links = _check(
        client,
        staff,
        mailoutbox,
        django_capture_on_commit_callbacks,
        lambda: sender_check(account_number="950000033", email="jo@client.example"),
        kind_words="/esecure/decision/",
    )
    assert len(links) == 2  # approve and reject


def test_invitation_link_is_masked_for_support_and_works_for_the_guest(
    client, staff, company, admin, mailoutbox, django_capture_on_commit_callbacks
):
    _check(
        client,
        staff,
        mailoutbox,
        django_capture_on_commit_callbacks,
        lambda: advanced_user_invite(
            company=company,
            actor=admin,
            details={"email": "claire@example.com", "last_name": "Martin", "first_name": "C"},
            rights={},
        ),
        kind_words="/invitation/",
    )


def test_reset_link_is_masked_for_support_and_works_for_the_person(
    client, staff, company, mailoutbox, django_capture_on_commit_callbacks
):
    person = MembershipFactory(company=company, can_recover_password=True).user
    _check(
        client,
        staff,
        mailoutbox,
        django_capture_on_commit_callbacks,
        lambda: password_recovery_request(login=person.username, ip_address=None),
        kind_words="/accounts/recovery/",
    )


def test_password_creation_link_is_masked_for_support_and_works_for_the_new_admin(
    client, staff, company, mailoutbox, django_capture_on_commit_callbacks
):
    account = CustomerAccountFactory(company=company, number="950000044")
    protected = ProtectedAccount.objects.create(account=account, is_active=True)
    _check(
        client,
        staff,
        mailoutbox,
        django_capture_on_commit_callbacks,
        lambda: customer_admin_add(
            protected=protected,
            email="nouvelle.admin@client.example",
            first_name="Nouvelle",
            last_name="Admin",
            actor=staff,
        ),
        kind_words="/accounts/recovery/",
    )


def test_provider_access_link_is_masked_for_support_and_works_for_the_provider(
    client, staff, company, admin, mailoutbox, django_capture_on_commit_callbacks
):
    app = Application.objects.get(code="swisspost-online-services")
    account = CustomerAccountFactory(company=company, number="40001234")
    AccountApplication.objects.create(account=account, application=app)
    rights_set(
        membership=Membership.objects.get(user=admin, company=company),
        application=app,
        rights={app.permissions.get(code="contract-orders"): Scope.of(accounts=[account.pk])},
        actor=staff,
        notify=False,
    )
    data = {
        "email": "anna.keller@logiserv.example",
        "remark": "",
        f"{app.code}-permissions": [str(app.permissions.get(code="contract-orders").pk)],
        f"{app.code}-accounts": [str(account.pk)],
    }

    def offer():
        client.force_login(admin)
        assert client.post(reverse("delegation:provider-add"), data).status_code == 302
        client.logout()

    _check(
        client,
        staff,
        mailoutbox,
        django_capture_on_commit_callbacks,
        offer,
        kind_words="/provider-access/",
    )


def _secret_url(key: str) -> str:
    return f"https://sesame.example/links/{key}/"


# Every e-mail function that carries a key, with the names of its arguments that hold one.
def _send_each(user, key):
    url = _secret_url(key)
    invitation = {
        "recipient": "invite@example.com",
        "language": "fr",
        "display_name": "Claire",
        "company_name": "Imprimerie Test SA",
        "invited_by": "Admin",
        "accept_url": url,
        "valid_hours": 48,
    }
    return {
        "password_reset": lambda: emails.send_password_reset(
            user=user, username="u", display_name="U", reset_url=url, valid_hours=24
        ),
        "advanced_invitation": lambda: emails.send_advanced_invitation(**invitation),
        "advanced_invitations": lambda: emails.send_advanced_invitations(invitations=[invitation]),
        "user_create_password_many": lambda: emails.send_user_create_password_many(
            links=[
                {
                    "user": user,
                    "display_name": "U",
                    "company_name": "Imprimerie Test SA",
                    "created_by": "Admin",
                    "create_url": url,
                    "valid_hours": 24,
                }
            ]
        ),
        "esecure_create_password": lambda: emails.send_esecure_create_password(
            user=user,
            display_name="U",
            account_number="950000033",
            company_name="Imprimerie Test SA",
            create_url=url,
            valid_hours=24,
        ),
        "esecure_create_password_invited": lambda: emails.send_esecure_create_password(
            user=user,
            display_name="U",
            account_number="950000033",
            company_name="Imprimerie Test SA",
            create_url=url + "create/",
            valid_hours=24,
            invitation_url=url + "invitation/",
            invited_by="Admin",
            valid_days=14,
        ),
        "esecure_admin_invitation": lambda: emails.send_esecure_admin_invitation(
            user=user,
            invited_by="Admin",
            account_number="950000033",
            company_name="Imprimerie Test SA",
            link_url=url,
            valid_days=14,
        ),
        "email_change_confirm": lambda: emails.send_email_change_confirm(
            user=user,
            new_email="new.address@example.com",
            display_name="U",
            confirm_url=url,
            valid_hours=24,
        ),
        "esecure_approval_request": lambda: emails.send_esecure_approval_request(
            user=user,
            account_number="950000033",
            company_name="Imprimerie Test SA",
            requester_email="jo@client.example",
            requester_name="Jo",
            approve_url=url + "approve/",
            reject_url=url + "reject/",
            portal_url="https://sesame.example/esecure/",
            valid_days=30,
        ),
        "provider_access_offered": lambda: emails.send_provider_access_offered(
            recipient="anna@logiserv.example",
            language="de",
            company_name="Imprimerie Test SA",
            offered_by="Admin",
            remark="",
            lines=[],
            link_url=url,
            valid_days=30,
        ),
    }


@pytest.mark.parametrize("name", list(_send_each(None, "k")))
def test_every_email_with_a_key_hides_it_from_support_and_delivers_it(
    client, staff, mailoutbox, django_capture_on_commit_callbacks, name
):
    person = UserFactory(email="person@example.com")
    key, _digest = new_link_key()
    with django_capture_on_commit_callbacks(execute=True):
        _send_each(person, key)[name]()
    sent = mailoutbox[0]
    assert key in sent.body and key in sent.alternatives[0][0]
    _assert_hidden_from_support(client, staff, key)
    assert key not in str(list(OutboundEmail.objects.values()))


def test_a_secret_missing_from_the_context_is_refused_rather_than_shown(user):
    from notifications.services import email_queue

    with pytest.raises(ValueError, match="reset_ur1"):
        email_queue(
            kind="password_reset",
            recipient=user.email,
            language="fr",
            context={"display_name": "U", "username": "u", "reset_url": "x", "valid_hours": 1},
            secrets=("reset_ur1",),
        )
    assert not OutboundEmail.objects.exists()
