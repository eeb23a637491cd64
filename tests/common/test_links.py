"""Single-use e-mailed links (STYLE rule 12): one mechanism, shared by advanced-user invitations
and eSecure decision links; one page for closed links, filled with each kind's words."""

import hashlib
import hmac
import re
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.models import (
    AccountApplication,
    Application,
    AuditEvent,
    Invitation,
    Membership,
    MembershipKind,
    MembershipStatus,
)
from accounts.services.advanced import advanced_invitation_accept, advanced_user_invite
from approvals.models import AccessRequest, CustomerAdmin, DecisionLink, ProtectedAccount
from approvals.services.checks import sender_check
from common import links
from common.links import LinkState, link_claim, link_digest, link_lookup, new_link_key
from notifications.models import Message, OutboundEmail
from tests.factories import AdminMembershipFactory, CustomerAccountFactory, MembershipFactory

pytestmark = pytest.mark.django_db

CLOSED_TEMPLATE = "links/closed.html"


def _invitation(*, company=None, expires_in=timedelta(hours=48), **fields):
    """An invitation row for a fresh invited advanced user; returns (invitation, key)."""
    membership = MembershipFactory(
        kind=MembershipKind.ADVANCED,
        status=MembershipStatus.INVITED,
        **({"company": company} if company else {}),
    )
    key, digest = new_link_key()
    invitation = Invitation.objects.create(
        membership=membership,
        key_hash=digest,
        expires_at=timezone.now() + expires_in,
        **fields,
    )
    return invitation, key


# --- Keys and digests -----------------------------------------------------------------------


def test_new_link_key_is_random_and_only_its_digest_is_stored():
    key, digest = new_link_key()
    other, _other_digest = new_link_key()
    assert key != other and len(key) >= 43  # 256 bits, URL-safe
    assert re.fullmatch(r"[\w-]+", key)
    assert digest == hashlib.sha256(key.encode()).hexdigest() == link_digest(key)
    invitation, key = _invitation()
    stored = Invitation.objects.filter(pk=invitation.pk).values().get()
    assert key not in str(stored)
    assert not Invitation.objects.filter(key_hash__contains=key[:16]).exists()


def test_lookup_finds_a_link_by_its_key_and_nothing_else():
    invitation, key = _invitation()
    found = link_lookup(Invitation.objects.all(), key)
    assert found.link == invitation and found.state == LinkState.OPEN and found.is_open
    for wrong in (key[:-1], key + "x", invitation.key_hash, "", "x" * 200):
        assert link_lookup(Invitation.objects.all(), wrong) == links.FoundLink(
            None, LinkState.UNKNOWN
        )


def test_lookup_of_an_overlong_key_costs_no_query(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert link_lookup(Invitation.objects.all(), "k" * 500).state == LinkState.UNKNOWN


def test_lookup_compares_digests_in_constant_time(monkeypatch):
    invitation, key = _invitation()
    calls = []
    compare = hmac.compare_digest

    def spy(a, b):
        calls.append((a, b))
        return compare(a, b)

    monkeypatch.setattr(links.hmac, "compare_digest", spy)
    assert link_lookup(Invitation.objects.all(), key).link == invitation
    assert calls == [(invitation.key_hash, link_digest(key))]


# --- States ---------------------------------------------------------------------------------


def test_states_open_expired_used_unknown():
    invitation, key = _invitation()
    everything = Invitation.objects.all()
    assert link_lookup(everything, key).state == LinkState.OPEN
    later = timezone.now() + timedelta(hours=48, seconds=1)
    assert link_lookup(everything, key, now=later).state == LinkState.EXPIRED
    Invitation.objects.filter(pk=invitation.pk).update(used_at=timezone.now())
    assert link_lookup(everything, key).state == LinkState.USED
    assert link_lookup(everything, key, now=later).state == LinkState.USED  # used stays used
    assert link_lookup(everything, "no-such-key").state == LinkState.UNKNOWN


def test_a_kind_may_close_a_link_for_its_own_reason_after_used():
    invitation, key = _invitation(withdrawn_at=timezone.now())
    withdrawn = lambda link: "withdrawn" if link.withdrawn_at else None  # noqa: E731
    everything = Invitation.objects.all()
    assert link_lookup(everything, key, closed=withdrawn).state == "withdrawn"
    Invitation.objects.filter(pk=invitation.pk).update(used_at=timezone.now())
    assert link_lookup(everything, key, closed=withdrawn).state == LinkState.USED


def test_open_queryset_leaves_out_used_and_expired_links():
    open_one, _ = _invitation()
    _invitation(expires_in=timedelta(seconds=-1))
    _invitation(used_at=timezone.now())
    assert list(DecisionLink.objects.open()) == []
    assert list(Invitation.objects.open()) == [open_one]


# --- Claim ----------------------------------------------------------------------------------


def test_a_claim_twice_acts_once():
    invitation, _key = _invitation()
    stale = Invitation.objects.get(pk=invitation.pk)  # what a second, concurrent POST holds
    assert link_claim(invitation) is True
    assert invitation.used_at is not None
    assert link_claim(stale) is False and stale.used_at is None
    assert link_claim(invitation) is False
    assert Invitation.objects.get(pk=invitation.pk).used_at == invitation.used_at


def test_an_expired_link_cannot_be_claimed():
    invitation, _key = _invitation(expires_in=timedelta(seconds=-1))
    assert link_claim(invitation) is False
    assert Invitation.objects.get(pk=invitation.pk).used_at is None


def test_accepting_an_invitation_twice_acts_once():
    invitation, _key = _invitation()
    details = {"last_name": "Martin", "first_name": "Claire"}
    advanced_invitation_accept(
        invitation=invitation, username="claire", password="Un-mot-de-passe-42", details=details
    )
    with pytest.raises(ValidationError, match="ne peut plus servir"):
        advanced_invitation_accept(
            invitation=invitation, username="claire2", password="Autre-mot-de-passe-42", details={}
        )
    assert AuditEvent.objects.filter(kind="advanced.accepted").count() == 1
    invitation.membership.user.refresh_from_db()
    assert invitation.membership.user.username == "claire"


# --- One page for closed links, each kind with its own words -------------------------------


def test_closed_invitation_pages_are_one_page_with_distinct_words(client, company):
    company.name = "Maison Verdier SARL"
    company.save()
    url = lambda key: reverse("accounts:invitation-accept", args=[key])  # noqa: E731
    _open, expired_key = _invitation(company=company, expires_in=timedelta(seconds=-1))
    _used, used_key = _invitation(company=company, used_at=timezone.now())
    _gone, withdrawn_key = _invitation(company=company, withdrawn_at=timezone.now())
    pages = {
        "expired": (expired_key, 410, "Invitation expirée"),
        "used": (used_key, 410, "Invitation déjà utilisée"),
        "withdrawn": (withdrawn_key, 410, "Invitation retirée"),
        "unknown": ("not-a-real-key", 404, "Lien inconnu"),
    }
    for state, (key, status, heading) in pages.items():
        response = client.get(url(key))
        page = response.content.decode()
        assert response.status_code == status, state
        assert CLOSED_TEMPLATE in [t.name for t in response.templates], state
        assert f'data-link-state="{state}"' in page
        assert f"<h1>{heading}</h1>" in page
        assert 'name="password1"' not in page
        assert response["X-Robots-Tag"] == "noindex"
    # Expired and unknown links say nothing of the invitation; a withdrawal names the company.
    assert "Maison Verdier" not in client.get(url(expired_key)).content.decode()
    assert "Maison Verdier" in client.get(url(withdrawn_key)).content.decode()
    assert "Se connecter" in client.get(url(used_key)).content.decode()


@pytest.fixture
def esecure(company):
    """Account 950000033 under eSecure with one customer admin, Anne."""
    account = CustomerAccountFactory(company=company, number="950000033")
    AccountApplication.objects.create(
        account=account, application=Application.objects.get(code="dhl-shipping")
    )
    protected = ProtectedAccount.objects.create(account=account, is_active=True)
    anne = AdminMembershipFactory(company=company, user__username="anne").user
    CustomerAdmin.objects.create(protected_account=protected, user=anne)
    return protected


def _decision_keys(mailoutbox) -> dict[str, str]:
    found = dict(
        re.findall(r"(Approuver|Rejeter) : \S+/esecure/decision/([\w-]+)/", mailoutbox[0].body)
    )
    return {"approve": found["Approuver"], "reject": found["Rejeter"]}


def test_closed_decision_link_pages_are_the_same_page_with_esecure_words(
    client, esecure, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        sender_check(account_number="950000033", email="jo@client.example", name="Jo")
    keys = _decision_keys(mailoutbox)
    url = lambda key: reverse("approvals:decision-link", args=[key])  # noqa: E731

    DecisionLink.objects.update(expires_at=timezone.now())
    expired = client.get(url(keys["approve"]))
    page = re.sub(r"<[^>]+>", "", expired.content.decode())  # addresses may carry a <wbr>
    assert expired.status_code == 410 and CLOSED_TEMPLATE in [t.name for t in expired.templates]
    assert "Ce lien a expiré" in page and "espace eSecure" in page
    assert "jo@client.example" not in page and "950000033" not in page  # nothing of the request

    unknown = client.get(url("not-a-real-key"))
    assert unknown.status_code == 404 and "pas valable" in unknown.content.decode()
    assert CLOSED_TEMPLATE in [t.name for t in unknown.templates]

    DecisionLink.objects.update(expires_at=timezone.now() + timedelta(days=1))
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(url(keys["approve"]))
    assert done.status_code == 200 and "Décision enregistrée" in done.content.decode()
    decided = client.get(url(keys["reject"]))
    page = re.sub(r"<[^>]+>", "", decided.content.decode())  # addresses may carry a <wbr>
    assert decided.status_code == 410 and CLOSED_TEMPLATE in [t.name for t in decided.templates]
    anne = CustomerAdmin.objects.get().user
    assert "Cette demande a déjà été traitée" in page
    assert f"Approuvée par {anne.display_name}" in page  # who decided
    assert "jo@client.example" in page and "950000033" in page  # on what


def test_a_double_post_of_a_decision_link_decides_once(
    client, esecure, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        sender_check(account_number="950000033", email="jo@client.example")
    url = reverse("approvals:decision-link", args=[_decision_keys(mailoutbox)["reject"]])
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(url)
        second = client.post(url)
    assert "Décision enregistrée" in first.content.decode()
    assert "déjà été traitée" in second.content.decode()
    assert AuditEvent.objects.filter(kind="esecure.request_rejected").count() == 1
    assert len(mailoutbox) == 1  # the requester hears once
    assert AccessRequest.objects.get().status == "rejected"


# --- The key travels in the link only -------------------------------------------------------


def _only_inside_links(key: str) -> None:
    """Every place a key could be written down holds it only inside its link."""
    link = re.compile(r"https?://[^\s\"'<>]*" + re.escape(key) + r"/")
    for email in OutboundEmail.objects.all():
        shown = (email.subject, email.body_text, email.body_html)
        for body in (*shown, email.secret_text, email.secret_html):
            assert body.count(key) == len(link.findall(body)), email.kind
    for message in Message.objects.all():
        assert key not in message.body and key not in message.subject
    for event in AuditEvent.objects.all():
        assert key not in str(event.before) and key not in str(event.after)


def test_invitation_key_is_only_in_its_link(company, admin, mailoutbox):
    assert Membership.objects.filter(user=admin, company=company).exists()
    advanced_user_invite(
        company=company,
        actor=admin,
        details={"email": "claire@example.com", "last_name": "Martin", "first_name": "Claire"},
        rights={},
    )
    # Not sent yet (on-commit callbacks not run): the e-mail as it will be sent.
    key = re.search(r"/invitation/([\w-]+)/", OutboundEmail.objects.get().secret_text)[1]
    assert link_lookup(Invitation.objects.all(), key).is_open
    _only_inside_links(key)


def test_decision_keys_are_only_in_their_links(
    esecure, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        sender_check(account_number="950000033", email="jo@client.example")
    for key in _decision_keys(mailoutbox).values():
        assert link_lookup(DecisionLink.objects.all(), key).is_open
        _only_inside_links(key)
