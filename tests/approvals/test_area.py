"""The eSecure area: four tabs for active customer admins of the selected company."""

import csv
import io
import re
from datetime import date, timedelta

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent, User
from approvals.context_processors import esecure
from approvals.models import (
    AccessRequest,
    AuthorizedDomain,
    AuthorizedSender,
    CustomerAdmin,
    Origin,
    ProtectedAccount,
    RequestStatus,
    SenderStatus,
    Status,
    UsageRecord,
)
from approvals.services.checks import sender_check
from tests.factories import AdminMembershipFactory, CustomerAccountFactory, UserFactory

pytestmark = pytest.mark.django_db

LISTS = ["sender-list", "domain-list", "admin-list", "account-list"]
PAGES = [*LISTS, "sender-add", "sender-upload", "domain-add", "admin-add"]
ACTIONS = ["sender-decide", "domain-status", "admin-status", "account-status"]


@pytest.fixture
def anne(protected):
    return User.objects.get(username="anne")


@pytest.fixture
def signed_in(client, anne):
    client.force_login(anne)
    return client


@pytest.fixture
def other_protected(other_company):
    """Another company's protected account, with its own customer admin and rows."""
    account = CustomerAccountFactory(company=other_company, number="950000099")
    protected = ProtectedAccount.objects.create(account=account, is_active=True)
    olga = AdminMembershipFactory(company=other_company, user__username="olga").user
    CustomerAdmin.objects.create(protected_account=protected, user=olga)
    AuthorizedSender.objects.create(
        protected_account=protected, email="secret@other.example", origin=Origin.MANUAL
    )
    AuthorizedDomain.objects.create(protected_account=protected, domain="other.example")
    return protected


def _sender(protected, email, status=SenderStatus.PENDING, origin=Origin.HISTORY, **extra):
    return AuthorizedSender.objects.create(
        protected_account=protected, email=email, status=status, origin=origin, **extra
    )


def _csv(response) -> list[list[str]]:
    text = b"".join(response.streaming_content if response.streaming else [response.content])
    return list(csv.reader(io.StringIO(text.decode("utf-8-sig")), delimiter=";"))


# --- Access -----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", PAGES)
def test_area_page_anonymous_goes_to_sign_in(client, protected, name):
    response = client.get(reverse(f"approvals:{name}"))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("name", ACTIONS)
def test_area_action_anonymous_goes_to_sign_in_and_changes_nothing(client, protected, name):
    sender = _sender(protected, "jo@client.example")
    response = client.post(reverse(f"approvals:{name}"), {"ids": [sender.pk], "action": "approve"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    sender.refresh_from_db()
    assert sender.status == SenderStatus.PENDING


@pytest.mark.parametrize("persona", ["user", "admin"])
@pytest.mark.parametrize("name", PAGES + ["account-edit"])
def test_area_forbidden_to_member_and_company_admin_who_is_not_customer_admin(
    client, protected, persona, name, request
):
    """A plain member, and a company administrator who is not an eSecure customer admin: 403."""
    client.force_login(request.getfixturevalue(persona))
    args = [protected.pk] if name == "account-edit" else []
    assert client.get(reverse(f"approvals:{name}", args=args)).status_code == 403


@pytest.mark.parametrize("name", ACTIONS)
def test_area_actions_forbidden_to_company_admin_not_customer_admin(client, protected, admin, name):
    sender = _sender(protected, "jo@client.example")
    client.force_login(admin)
    response = client.post(reverse(f"approvals:{name}"), {"ids": [sender.pk], "action": "approve"})
    assert response.status_code == 403
    sender.refresh_from_db()
    assert sender.status == SenderStatus.PENDING


def test_area_forbidden_to_inactive_customer_admin(client, protected, anne):
    CustomerAdmin.objects.filter(user=anne).update(status=Status.INACTIVE)
    client.force_login(anne)
    assert client.get(reverse("approvals:sender-list")).status_code == 403


@pytest.mark.parametrize("name", [p for p in PAGES if p != "sender-upload"])
def test_area_pages_open_for_customer_admin(signed_in, name):
    response = signed_in.get(reverse(f"approvals:{name}"))
    assert response.status_code == 200
    assert "Utilisateurs autorisés" in response.content.decode()


def test_lists_show_only_the_admins_own_company(signed_in, protected, other_protected):
    _sender(protected, "mine@client.example")
    AuthorizedDomain.objects.create(protected_account=protected, domain="client.example")
    pages = {name: signed_in.get(reverse(f"approvals:{name}")).content.decode() for name in LISTS}
    assert "mine@client.example" in pages["sender-list"]
    assert "secret@other.example" not in pages["sender-list"]
    assert "client.example" in pages["domain-list"]
    assert "other.example" not in pages["domain-list"].replace("client.example", "")
    assert "olga" not in pages["admin-list"]
    assert "950000099" not in pages["account-list"] and "950000033" in pages["account-list"]
    # Even filtering on the other account's id shows nothing of it.
    filtered = signed_in.get(reverse("approvals:sender-list"), {"account": other_protected.pk})
    assert "secret@other.example" not in filtered.content.decode()


def test_customer_admin_sees_only_accounts_they_administer(client, protected, company):
    """A second protected account of the same company, administered by someone else, stays out."""
    second = ProtectedAccount.objects.create(
        account=CustomerAccountFactory(company=company, number="950000044")
    )
    carl = AdminMembershipFactory(company=company, user__username="carl").user
    CustomerAdmin.objects.create(protected_account=second, user=carl)
    _sender(second, "hidden@client.example")
    client.force_login(User.objects.get(username="anne"))
    page = client.get(reverse("approvals:sender-list")).content.decode()
    assert "hidden@client.example" not in page
    sender = second.senders.get()
    response = client.post(
        reverse("approvals:sender-decide"), {"ids": [sender.pk], "action": "approve"}
    )
    assert response.status_code == 404


@pytest.mark.parametrize(
    "name,model",
    [
        ("sender-decide", AuthorizedSender),
        ("domain-status", AuthorizedDomain),
        ("admin-status", CustomerAdmin),
        ("account-status", ProtectedAccount),
    ],
)
def test_actions_on_another_companys_objects_answer_404(
    signed_in, protected, other_protected, name, model
):
    other = {
        AuthorizedSender: lambda: other_protected.senders.get(),
        AuthorizedDomain: lambda: other_protected.domains.get(),
        CustomerAdmin: lambda: other_protected.admins.get(),
        ProtectedAccount: lambda: other_protected,
    }[model]()
    mine = _sender(protected, "mine@client.example")
    before = model.objects.filter(pk=other.pk).values().get()
    # Mixed with one of the admin's own ids: still 404, and nothing at all changes.
    ids = [other.pk] if model is not AuthorizedSender else [other.pk, mine.pk]
    for action in ("approve", "reject", "activate", "deactivate"):
        response = signed_in.post(reverse(f"approvals:{name}"), {"ids": ids, "action": action})
        assert response.status_code == 404
    assert model.objects.filter(pk=other.pk).values().get() == before
    mine.refresh_from_db()
    assert mine.status == SenderStatus.PENDING


def test_account_edit_of_another_company_answers_404(signed_in, other_protected):
    url = reverse("approvals:account-edit", args=[other_protected.pk])
    assert signed_in.get(url).status_code == 404
    assert signed_in.head(url).status_code == 404
    assert signed_in.post(url, {"show_admin_contacts": "on"}).status_code == 404
    other_protected.refresh_from_db()
    assert not other_protected.show_admin_contacts


def test_account_edit_answers_404_to_a_company_without_esecure(
    client, protected, other_company_admin
):
    """Looked up in the selected company first: not a 403 for lacking eSecure."""
    client.force_login(other_company_admin)
    url = reverse("approvals:account-edit", args=[protected.pk])
    for method in (client.get, client.head, client.post):
        assert method(url).status_code == 404
    protected.refresh_from_db()
    assert not protected.show_admin_contacts


def test_other_company_admin_acting_on_our_sender_gets_404(client, protected, other_protected):
    sender = _sender(protected, "jo@client.example")
    client.force_login(User.objects.get(username="olga"))
    response = client.post(
        reverse("approvals:sender-decide"), {"ids": [sender.pk], "action": "approve"}
    )
    assert response.status_code == 404
    sender.refresh_from_db()
    assert sender.status == SenderStatus.PENDING


def test_add_forms_refuse_another_companys_account(signed_in, other_protected):
    response = signed_in.post(
        reverse("approvals:sender-add"), {"account": other_protected.pk, "email": "x@y.example"}
    )
    assert response.status_code == 200
    assert "Sélectionnez un choix valide" in response.content.decode()
    assert not AuthorizedSender.objects.filter(email="x@y.example").exists()


# --- Authorized users -------------------------------------------------------------------------


@pytest.fixture
def pending_request(protected, mailoutbox, django_capture_on_commit_callbacks):
    """A sender check opened a request; returns the approve link paths by admin username."""
    with django_capture_on_commit_callbacks(execute=True):
        sender_check(account_number="950000033", email="jo@client.example", name="Jo")
    links = {}
    for message in mailoutbox:
        found = re.search(r"Approuver : \S+(/esecure/decision/\S+/)", message.body)
        if found:
            links[message.to[0].split("@")[0]] = found.group(1)
    mailoutbox.clear()
    return links


def test_bulk_approve_decides_the_request_emails_requester_and_links_show_who(
    signed_in, protected, pending_request, mailoutbox, django_capture_on_commit_callbacks, client
):
    history = _sender(protected, "old@client.example")
    request_sender = AuthorizedSender.objects.get(email="jo@client.example")
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in.post(
            reverse("approvals:sender-decide"),
            {"ids": [history.pk, request_sender.pk], "action": "approve", "back": "status=pending"},
        )
    assert response.status_code == 302
    assert response["Location"] == reverse("approvals:sender-list") + "?status=pending"
    request = AccessRequest.objects.get()
    assert request.status == RequestStatus.APPROVED and request.decided_by.username == "anne"
    history.refresh_from_db()
    request_sender.refresh_from_db()
    assert history.status == request_sender.status == SenderStatus.APPROVED
    assert history.assigned_by.username == "anne"
    # The requester is told; the e-mailed links now say who decided.
    assert [m.to for m in mailoutbox] == [["jo@client.example"]]
    assert "approuvée" in mailoutbox[0].subject
    page = signed_in.get(response["Location"]).content.decode()
    assert "2 utilisateurs approuvés" in page and "informé par e-mail" in page
    link_page = client.get(pending_request["bert"]).content.decode()
    assert f"Approuvée par {request.decided_by.display_name}" in link_page
    kinds = set(AuditEvent.objects.values_list("kind", flat=True))
    assert {"esecure.request_approved", "esecure.sender_approved"} <= kinds


def test_reject_one_row_sets_status_and_audits(signed_in, protected):
    sender = _sender(protected, "jo@client.example", status=SenderStatus.APPROVED)
    signed_in.post(reverse("approvals:sender-decide"), {"ids": [sender.pk], "action": "reject"})
    sender.refresh_from_db()
    assert sender.status == SenderStatus.REJECTED and sender.assigned_by.username == "anne"
    event = AuditEvent.objects.get(kind="esecure.sender_rejected")
    assert event.before == {"status": "approved"} and event.after["status"] == "rejected"
    assert sender_check(account_number="950000033", email="jo@client.example").decision == "denied"


def test_decide_without_selection_says_so(signed_in):
    url = reverse("approvals:sender-decide")
    response = signed_in.post(url, {"action": "approve"}, follow=True)
    assert "Sélectionnez au moins une ligne" in response.content.decode()


def test_decide_is_post_only(signed_in):
    assert signed_in.get(reverse("approvals:sender-decide")).status_code == 405


def test_sender_add_approves_with_origin_manual(signed_in, protected):
    response = signed_in.post(
        reverse("approvals:sender-add"),
        {"account": protected.pk, "email": " Nina@Client.Example ", "name": "Nina"},
    )
    assert response.status_code == 302
    sender = AuthorizedSender.objects.get()
    assert (sender.email, sender.status, sender.origin) == (
        "nina@client.example",
        SenderStatus.APPROVED,
        Origin.MANUAL,
    )
    assert sender.assigned_by.username == "anne"
    assert AuditEvent.objects.filter(kind="esecure.sender_added").exists()
    again = signed_in.post(
        reverse("approvals:sender-add"), {"account": protected.pk, "email": "nina@client.example"}
    )
    assert "déjà approuvé" in again.content.decode()


def test_sender_add_of_a_pending_requester_decides_the_request(
    signed_in, protected, pending_request, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        signed_in.post(
            reverse("approvals:sender-add"),
            {"account": protected.pk, "email": "jo@client.example"},
        )
    assert AccessRequest.objects.get().status == RequestStatus.APPROVED
    assert [m.to for m in mailoutbox] == [["jo@client.example"]]


def test_sender_list_filters_sort_and_pending_badge(signed_in, protected):
    _sender(protected, "alpha@client.example")
    _sender(protected, "beta@client.example", status=SenderStatus.APPROVED, origin=Origin.MANUAL)
    _sender(protected, "gamma@elsewhere.example", status=SenderStatus.REJECTED)
    url = reverse("approvals:sender-list")
    page = signed_in.get(url).content.decode()
    assert re.search(r'class="count">1<', page)  # one pending sender
    assert "3 enregistrements trouvés" in page
    page = signed_in.get(url, {"email": "CLIENT"}).content.decode()
    assert "alpha@" in page and "beta@" in page and "gamma@" not in page
    page = signed_in.get(url, {"status": "approved"}).content.decode()
    assert "beta@" in page and "alpha@" not in page
    page = signed_in.get(url, {"origin": "history"}).content.decode()
    assert "beta@" not in page and "alpha@" in page and "gamma@" in page
    page = signed_in.get(url, {"sort": "-email"}).content.decode()
    assert page.index("gamma@") < page.index("beta@") < page.index("alpha@")
    assert 'aria-sort="descending"' in page


def test_sender_csv_is_the_filtered_list_and_formula_safe(signed_in, protected, anne):
    _sender(protected, "=1+2@evil.example", status=SenderStatus.APPROVED, assigned_by=anne)
    _sender(protected, "other@client.example")
    response = signed_in.get(
        reverse("approvals:sender-list"), {"status": "approved", "format": "csv"}
    )
    assert response["Content-Type"].startswith("text/csv")
    rows = _csv(response)
    assert rows[0] == [
        "Identifiant e-mail",
        "Nom",
        "Numéro de compte",
        "Origine",
        "Statut",
        "Assigné par",
        "Date de modification",
    ]
    assert len(rows) == 2
    assert rows[1][0] == "'=1+2@evil.example"
    assert rows[1][4] == "Approuvé" and rows[1][5] == anne.display_name


# --- Authorized domains -----------------------------------------------------------------------


def test_domain_add_normalises(signed_in, protected):
    response = signed_in.post(
        reverse("approvals:domain-add"), {"account": protected.pk, "domain": "@Client.Example "}
    )
    assert response.status_code == 302
    domain = AuthorizedDomain.objects.get()
    assert domain.domain == "client.example" and domain.status == Status.ACTIVE
    assert domain.origin == Origin.MANUAL and domain.assigned_by.username == "anne"
    assert AuditEvent.objects.get(kind="esecure.domain_added").after["domain"] == "client.example"
    assert sender_check(account_number="950000033", email="x@client.example").decision == "allowed"


def test_domain_add_free_mail_needs_confirmation(signed_in, protected):
    url = reverse("approvals:domain-add")
    refused = signed_in.post(url, {"account": protected.pk, "domain": "Gmail.com"})
    page = refused.content.decode()
    assert refused.status_code == 200
    assert "messagerie publique" in page
    assert "Je confirme autoriser tout le domaine gmail.com" in page
    assert not AuthorizedDomain.objects.exists()
    accepted = signed_in.post(
        url, {"account": protected.pk, "domain": "gmail.com", "confirm_free_mail": "on"}
    )
    assert accepted.status_code == 302
    assert AuthorizedDomain.objects.get().domain == "gmail.com"


def test_domain_add_duplicate_and_invalid_are_clear(signed_in, protected):
    AuthorizedDomain.objects.create(protected_account=protected, domain="client.example")
    url = reverse("approvals:domain-add")
    page = signed_in.post(url, {"account": protected.pk, "domain": "CLIENT.example"})
    assert "déjà autorisé pour le compte 950000033" in page.content.decode()
    page = signed_in.post(url, {"account": protected.pk, "domain": "https://x.example/a"})
    assert "seulement le nom de domaine" in page.content.decode()
    assert AuthorizedDomain.objects.count() == 1


def test_domain_deactivate_and_activate(signed_in, protected):
    domain = AuthorizedDomain.objects.create(protected_account=protected, domain="client.example")
    url = reverse("approvals:domain-status")
    signed_in.post(url, {"ids": [domain.pk], "action": "deactivate"})
    domain.refresh_from_db()
    assert domain.status == Status.INACTIVE
    assert sender_check(account_number="950000033", email="x@client.example").decision == "pending"
    signed_in.post(url, {"ids": [domain.pk], "action": "activate"})
    domain.refresh_from_db()
    assert domain.status == Status.ACTIVE
    kinds = list(AuditEvent.objects.values_list("kind", flat=True))
    assert "esecure.domain_deactivated" in kinds and "esecure.domain_activated" in kinds


def test_domain_list_filters_and_csv(signed_in, protected):
    AuthorizedDomain.objects.create(protected_account=protected, domain="client.example")
    AuthorizedDomain.objects.create(
        protected_account=protected, domain="old.example", status=Status.INACTIVE
    )
    url = reverse("approvals:domain-list")
    page = signed_in.get(url, {"status": "inactive"}).content.decode()
    assert "old.example" in page and "client.example" not in page
    rows = _csv(signed_in.get(url, {"domain": "client", "format": "csv"}))
    assert [r[0] for r in rows[1:]] == ["client.example"]
    assert rows[1][3] == protected.account.company.name


# --- Customer admins --------------------------------------------------------------------------


def test_admin_add_new_login_gets_create_password_email(
    signed_in, protected, mailoutbox, django_capture_on_commit_callbacks
):
    """A new address: a login of no company yet and the create-your-password invitation; it
    becomes customer admin by accepting (tests/approvals/test_admin_invitations.py)."""
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in.post(
            reverse("approvals:admin-add"),
            {
                "account": protected.pk,
                "email": "Chloe@Client.Example",
                "first_name": "Chloé",
                "last_name": "Martin",
                "language": "nl",
            },
        )
    assert response.status_code == 302
    chloe = User.objects.get(email="chloe@client.example")
    assert chloe.language == "nl"
    assert [m.to for m in mailoutbox] == [["chloe@client.example"]]
    bert = User.objects.get(username="bert")
    again = signed_in.post(
        reverse("approvals:admin-add"),
        {
            "account": protected.pk,
            "email": bert.email,
            "first_name": "B",
            "last_name": "B",
            "language": "fr",
        },
    )
    assert "déjà administrateur du compte 950000033" in again.content.decode()


def test_cannot_deactivate_the_last_active_admin(signed_in, protected):
    admins = list(protected.admins.all())
    url = reverse("approvals:admin-status")
    response = signed_in.post(
        url, {"ids": [a.pk for a in admins], "action": "deactivate"}, follow=True
    )
    assert "doit garder au moins un administrateur client actif" in response.content.decode()
    assert protected.admins.filter(status=Status.ACTIVE).count() == 2
    bert = protected.admins.get(user__username="bert")
    signed_in.post(url, {"ids": [bert.pk], "action": "deactivate"})
    bert.refresh_from_db()
    assert bert.status == Status.INACTIVE
    anne = protected.admins.get(user__username="anne")
    response = signed_in.post(url, {"ids": [anne.pk], "action": "deactivate"}, follow=True)
    assert "doit garder au moins un administrateur client actif" in response.content.decode()
    anne.refresh_from_db()
    assert anne.status == Status.ACTIVE
    signed_in.post(url, {"ids": [bert.pk], "action": "activate"})
    bert.refresh_from_db()
    assert bert.status == Status.ACTIVE
    assert AuditEvent.objects.filter(kind="esecure.admin_deactivated").count() == 1


def test_admin_list_filters(signed_in, protected):
    url = reverse("approvals:admin-list")
    page = signed_in.get(url, {"email": "bert@"}).content.decode()
    assert "bert@example.com" in page and "anne@example.com" not in page
    rows = _csv(signed_in.get(url, {"format": "csv"}))
    assert rows[0][:4] == ["Numéro de compte", "Identifiant e-mail", "Prénom", "Nom"]
    assert len(rows) == 3


# --- Account numbers --------------------------------------------------------------------------


def test_account_activation_lists_history_once(signed_in, company):
    account = CustomerAccountFactory(company=company, number="950000055")
    protected = ProtectedAccount.objects.create(account=account)
    anne = User.objects.get(username="anne")
    CustomerAdmin.objects.create(protected_account=protected, user=anne)
    UsageRecord.objects.create(account=account, email="seen@client.example")
    UsageRecord.objects.create(
        account=account, email="ancient@client.example", used_on=date.today() - timedelta(days=500)
    )
    url = reverse("approvals:account-status")
    signed_in.post(url, {"ids": [protected.pk], "action": "activate"})
    protected.refresh_from_db()
    assert protected.is_active and protected.history_listed_at is not None
    assert protected.assigned_by == anne
    listed = protected.senders.get()
    assert (listed.email, listed.origin, listed.status) == (
        "seen@client.example",
        Origin.HISTORY,
        SenderStatus.PENDING,
    )
    assert sender_check(account_number="950000055", email="new@x.example").decision == "pending"
    # Off and on again: protection follows at once, history is not listed twice.
    signed_in.post(url, {"ids": [protected.pk], "action": "deactivate"})
    assert sender_check(account_number="950000055", email="new2@x.example").decision == "allowed"
    UsageRecord.objects.create(account=account, email="later@client.example")
    signed_in.post(url, {"ids": [protected.pk], "action": "activate"})
    assert not protected.senders.filter(email="later@client.example").exists()
    assert AuditEvent.objects.filter(kind="esecure.account_activated").count() == 2
    assert AuditEvent.objects.filter(kind="esecure.account_deactivated").count() == 1


def test_account_edit_dates_and_consent(signed_in, protected):
    url = reverse("approvals:account-edit", args=[protected.pk])
    bad = signed_in.post(url, {"starts_on": "2030-05-01", "ends_on": "2030-04-01"})
    assert "La date de fin doit être égale ou postérieure" in bad.content.decode()
    protected.refresh_from_db()
    assert protected.starts_on is None
    ok = signed_in.post(
        url, {"starts_on": "2030-05-01", "ends_on": "2030-06-01", "show_admin_contacts": "on"}
    )
    assert ok.status_code == 302
    protected.refresh_from_db()
    assert (protected.starts_on, protected.ends_on) == (date(2030, 5, 1), date(2030, 6, 1))
    assert protected.show_admin_contacts
    event = AuditEvent.objects.get(kind="esecure.account_updated")
    assert event.before["starts_on"] is None and event.after["starts_on"] == "2030-05-01"
    # Before its start date, protection is not in force yet.
    assert sender_check(account_number="950000033", email="z@x.example").decision == "allowed"


def test_account_list_csv(signed_in, protected):
    protected.starts_on = timezone.localdate()
    protected.save()
    rows = _csv(signed_in.get(reverse("approvals:account-list"), {"format": "csv"}))
    assert rows[0][0] == "Numéro de compte"
    assert rows[1][0] == "950000033" and rows[1][5] == "Actif" and rows[1][6] == "Non"


# --- Navigation -------------------------------------------------------------------------------


def test_context_processor_says_who_is_a_customer_admin(protected, anne, admin, company):
    factory = RequestFactory()
    for person, expected in ((anne, True), (admin, False)):
        request = factory.get("/")
        request.user, request.company = person, company
        request.membership = person.memberships.get(company=company)
        assert bool(esecure(request)["esecure_admin"]) is expected


def test_nav_shows_esecure_only_to_customer_admins(client, protected, anne, admin):
    client.force_login(anne)
    assert 'href="/esecure/"' in client.get(reverse("portal:home")).content.decode()
    client.force_login(admin)
    assert 'href="/esecure/"' not in client.get(reverse("portal:home")).content.decode()


# --- Query bounds -----------------------------------------------------------------------------


def _fill(protected, n: int, anne) -> None:
    now = timezone.now()
    AuthorizedSender.objects.bulk_create(
        AuthorizedSender(
            protected_account=protected,
            email=f"s{i}@client.example",
            origin=Origin.HISTORY,
            assigned_by=anne,
            modified_at=now,
        )
        for i in range(n)
    )
    AuthorizedDomain.objects.bulk_create(
        AuthorizedDomain(protected_account=protected, domain=f"d{i}.example", assigned_by=anne)
        for i in range(n)
    )
    users = UserFactory.create_batch(n // 10 or 1)
    CustomerAdmin.objects.bulk_create(
        CustomerAdmin(protected_account=protected, user=u, assigned_by=anne) for u in users
    )


@pytest.mark.parametrize("rows", [20, 2000])
@pytest.mark.parametrize("name", LISTS)
def test_lists_make_a_bounded_number_of_queries(
    signed_in, protected, anne, rows, name, django_assert_max_num_queries
):
    _fill(protected, rows, anne)
    # 13 = 9 of the frame (session, user, membership, header, inbox) + scope, count, pending
    # count, page; the CSV skips the frame's template queries.
    with django_assert_max_num_queries(13):
        response = signed_in.get(reverse(f"approvals:{name}"), {"sort": "-modified"})
    assert response.status_code == 200
    with django_assert_max_num_queries(9):
        assert signed_in.get(reverse(f"approvals:{name}"), {"format": "csv"}).status_code == 200


# --- Decisions in place (htmx) ----------------------------------------------------------------

HTMX = {"HTTP_HX_REQUEST": "true"}


def test_list_forms_post_in_place_and_still_work_without_javascript(signed_in, protected):
    sender = _sender(protected, "jo@client.example")
    page = signed_in.get(reverse("approvals:sender-list")).content.decode()
    decide = reverse("approvals:sender-decide")
    # Each row's form and the bulk form: a real POST form, enhanced with htmx.
    row = re.search(rf'<tr id="row-{sender.pk}".*?</tr>', page, re.S).group(0)
    assert f'method="post" action="{decide}" data-hx-post="{decide}"' in row
    assert re.search(rf'id="bulk-form"[^>]*action="{decide}" data-hx-post="{decide}"', page)
    assert 'id="live-status"' in page and 'role="status"' in page


def test_row_approve_in_place_answers_the_row_the_pending_count_and_the_message(
    signed_in, protected, anne
):
    sender = _sender(protected, "jo@client.example")
    _sender(protected, "still.waiting@client.example")
    response = signed_in.post(
        reverse("approvals:sender-decide"),
        {"ids": [sender.pk], "action": "approve", "back": "status=pending"},
        **HTMX,
    )
    assert response.status_code == 200
    answer = response.content.decode()
    assert "<html" not in answer and "still.waiting" not in answer  # the row alone
    row = re.search(rf'<tr id="row-{sender.pk}" data-hx-swap-oob="true">.*?</tr>', answer, re.S)
    assert "Approuvé" in row.group(0) and f"par {anne.display_name}" in row.group(0)
    assert 'value="approve"' not in row.group(0) and 'value="reject"' in row.group(0)
    assert 'name="back" value="status=pending"' in row.group(0)  # its form keeps the filters
    assert re.search(r'id="esecure-pending" data-hx-swap-oob="true">.*class="count">1<', answer)
    assert "1 utilisateur approuvé." in answer and 'id="live-status"' in answer
    sender.refresh_from_db()
    assert sender.status == SenderStatus.APPROVED and sender.assigned_by == anne
    # Said in place: not said again on the next page.
    page = signed_in.get(reverse("approvals:sender-list")).content.decode()
    assert "1 utilisateur approuvé" not in page


def test_bulk_reject_in_place_answers_every_ticked_row(signed_in, protected):
    senders = [_sender(protected, f"{name}@client.example") for name in ("ann", "bob")]
    response = signed_in.post(
        reverse("approvals:sender-decide"),
        {"ids": [s.pk for s in senders], "action": "reject"},
        **HTMX,
    )
    answer = response.content.decode()
    for sender in senders:
        sender.refresh_from_db()
        assert sender.status == SenderStatus.REJECTED
        assert f'<tr id="row-{sender.pk}" data-hx-swap-oob="true">' in answer
    assert "2 utilisateurs rejetés." in answer
    assert re.search(r'id="esecure-pending" data-hx-swap-oob="true"></span>', answer)


def test_decide_in_place_without_selection_says_so(signed_in):
    response = signed_in.post(reverse("approvals:sender-decide"), {"action": "approve"}, **HTMX)
    assert response.status_code == 200
    assert "Sélectionnez au moins une ligne." in response.content.decode()


def test_refusal_in_place_is_shown_in_the_row(signed_in, protected):
    """The service refuses to deactivate the last active admin: said under that row's buttons."""
    bert = protected.admins.get(user__username="bert")
    anne = protected.admins.get(user__username="anne")
    url = reverse("approvals:admin-status")
    signed_in.post(url, {"ids": [bert.pk], "action": "deactivate"}, **HTMX)
    response = signed_in.post(url, {"ids": [anne.pk], "action": "deactivate"}, **HTMX)
    answer = response.content.decode()
    row = re.search(rf'<tr id="row-{anne.pk}".*?</tr>', answer, re.S).group(0)
    assert 'class="field-error row-error"' in row
    assert "doit garder au moins un administrateur client actif" in row
    assert "alert-error" in answer  # and in the live region
    anne.refresh_from_db()
    assert anne.status == Status.ACTIVE


def test_decide_in_place_keeps_the_csrf_check(client, protected, anne):
    sender = _sender(protected, "jo@client.example")
    csrf_client = type(client)(enforce_csrf_checks=True)
    csrf_client.force_login(anne)
    url = reverse("approvals:sender-decide")
    data = {"ids": [sender.pk], "action": "approve"}
    assert csrf_client.post(url, data, **HTMX).status_code == 403
    sender.refresh_from_db()
    assert sender.status == SenderStatus.PENDING
    # The token htmx sends with every request, from <body data-hx-headers>.
    page = csrf_client.get(reverse("approvals:sender-list")).content.decode()
    token = re.search(r"<body data-hx-headers='\{\"X-CSRFToken\": \"([^\"]+)\"\}'>", page).group(1)
    response = csrf_client.post(url, data, HTTP_X_CSRFTOKEN=token, **HTMX)
    assert response.status_code == 200
    sender.refresh_from_db()
    assert sender.status == SenderStatus.APPROVED


def test_decide_in_place_keeps_the_access_rules(client, protected, other_protected, admin):
    sender = _sender(protected, "jo@client.example")
    url = reverse("approvals:sender-decide")
    data = {"ids": [sender.pk], "action": "approve"}
    client.force_login(User.objects.get(username="olga"))  # another company's customer admin
    assert client.post(url, data, **HTMX).status_code == 404
    client.force_login(admin)  # company admin, not customer admin
    assert client.post(url, data, **HTMX).status_code == 403
    sender.refresh_from_db()
    assert sender.status == SenderStatus.PENDING
