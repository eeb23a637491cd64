import re

import pytest
from django.utils import timezone

from approvals.models import (
    AccessRequest,
    AuthorizedSender,
    DecisionLink,
    RequestStatus,
    SenderStatus,
)
from approvals.services.checks import sender_check
from notifications.models import OutboundEmail

pytestmark = pytest.mark.django_db


@pytest.fixture
def links(protected, mailoutbox, django_capture_on_commit_callbacks):
    """A pending request; returns {(admin username, action): path} from the e-mails sent."""
    with django_capture_on_commit_callbacks(execute=True):
        sender_check(account_number="950000033", email="jo@client.example", name="Jo")
    found = {}
    for message in mailoutbox:
        for action, url in re.findall(
            r"(Approuver|Rejeter) : (\S+/esecure/decision/\S+/)", message.body
        ):
            username = message.to[0].split("@")[0]
            found[(username, "approve" if action == "Approuver" else "reject")] = (
                "/" + url.split("/", 3)[3]
            )
    assert len(found) == 4
    mailoutbox.clear()
    return found


def test_scanners_opening_links_change_nothing_and_send_nothing(client, links):
    before = OutboundEmail.objects.count()
    for _ in range(250):
        for path in links.values():
            assert client.get(path).status_code == 200
            assert client.head(path).status_code == 200
    request = AccessRequest.objects.get()
    assert request.status == RequestStatus.PENDING
    assert AuthorizedSender.objects.get().status == SenderStatus.PENDING
    assert not DecisionLink.objects.filter(used_at__isnull=False).exists()
    assert OutboundEmail.objects.count() == before


def test_get_shows_the_request_and_a_confirm_button(client, links):
    page = client.get(links[("anne", "approve")]).content.decode()
    text = re.sub(r"<[^>]+>", "", page)  # the address may carry a break after its « @ »
    assert "jo@client.example" in text and "950000033" in page
    assert "Confirmer l" in page and "approbation" in page
    assert client.get(links[("anne", "approve")])["X-Robots-Tag"] == "noindex"


def test_post_decides_once_and_every_link_then_says_who(
    client, links, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        page = client.post(links[("anne", "approve")]).content.decode()
    assert "Décision enregistrée" in page
    request = AccessRequest.objects.get()
    assert request.status == RequestStatus.APPROVED and request.decided_by.username == "anne"
    assert AuthorizedSender.objects.get().status == SenderStatus.APPROVED
    assert [m.to for m in mailoutbox] == [["jo@client.example"]]
    assert "approuvée" in mailoutbox[0].subject

    with django_capture_on_commit_callbacks(execute=True):
        second = client.post(links[("bert", "reject")]).content.decode()
    assert "déjà été traitée" in second and "Approuvée par" in second
    assert AccessRequest.objects.get().status == RequestStatus.APPROVED
    assert len(mailoutbox) == 1
    assert "Approuvée par" in client.get(links[("anne", "reject")]).content.decode()


def test_the_decision_is_visible_on_the_next_check(client, links):
    client.post(links[("bert", "reject")])
    assert sender_check(account_number="950000033", email="jo@client.example").decision == "denied"


def test_expired_link_has_its_own_page_and_cannot_decide(client, links):
    DecisionLink.objects.update(expires_at=timezone.now())
    page = client.post(links[("anne", "approve")]).content.decode()
    assert "Ce lien a expiré" in page
    assert AccessRequest.objects.get().status == RequestStatus.PENDING


def test_unknown_link_has_its_own_page(client, links):
    response = client.get("/esecure/decision/not-a-real-key/")
    assert response.status_code == 404
    assert "pas valable" in response.content.decode()


def test_link_post_needs_csrf(links):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    assert strict.post(links[("anne", "approve")]).status_code == 403
    assert AccessRequest.objects.get().status == RequestStatus.PENDING
