"""eSecure in the Django admin: support onboard an account with its first customer admin, browse
every list, and change things only through audited actions."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent, AuditKind, Membership
from approvals.models import (
    AccessRequest,
    AdminInvitation,
    AuthorizedDomain,
    AuthorizedSender,
    CustomerAdmin,
    DecisionLink,
    Origin,
    ProtectedAccount,
    RequestStatus,
    SenderStatus,
    Status,
    UsageRecord,
)
from common.links import link_digest
from tests.factories import CustomerAccountFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

KEY = "une-cle-de-lien-tres-secrete"
KEY_HASH = link_digest(KEY)
ENABLE_URL = "admin:approvals_protectedaccount_enable"


@pytest.fixture
def support_client(client, staff):
    client.force_login(staff)
    return client


@pytest.fixture
def esecure_rows(protected):
    """One row of every eSecure model on the protected account."""
    anne = CustomerAdmin.objects.get(user__username="anne").user
    sender = AuthorizedSender.objects.create(
        protected_account=protected,
        email="expediteur@lambert.example",
        name="Expéditeur Lambert",
        origin=Origin.HISTORY,
    )
    domain = AuthorizedDomain.objects.create(protected_account=protected, domain="partner.example")
    request = AccessRequest.objects.create(
        protected_account=protected,
        email="demandeur@inconnu.example",
        name="Demandeur",
        expires_at=timezone.now() + timedelta(days=30),
    )
    link = DecisionLink.objects.create(
        request=request,
        admin=anne,
        action="approve",
        key_hash=KEY_HASH,
        expires_at=timezone.now() + timedelta(days=14),
    )
    usage = UsageRecord.objects.create(
        account=protected.account, email="expediteur@lambert.example"
    )
    return {
        "protectedaccount": (protected, "950000033"),
        "customeradmin": (CustomerAdmin.objects.get(user=anne), "anne"),
        "authorizedsender": (sender, "expediteur@lambert"),
        "authorizeddomain": (domain, "partner.example"),
        "accessrequest": (request, "demandeur@inconnu"),
        "decisionlink": (link, "demandeur@inconnu"),
        "usagerecord": (usage, "expediteur@lambert"),
    }


def _post_enable(client, capture, **data):
    with capture(execute=True):
        return client.post(reverse(ENABLE_URL), data)


# --- Lists and pages -------------------------------------------------------------------------

MODELS = [
    "protectedaccount",
    "customeradmin",
    "authorizedsender",
    "authorizeddomain",
    "accessrequest",
    "decisionlink",
    "usagerecord",
]


@pytest.mark.parametrize("model", MODELS)
def test_admin_list_and_page_load_and_search_finds_the_row(support_client, esecure_rows, model):
    obj, term = esecure_rows[model]
    listing = support_client.get(reverse(f"admin:approvals_{model}_changelist"))
    assert listing.status_code == 200
    found = support_client.get(reverse(f"admin:approvals_{model}_changelist"), {"q": term})
    assert found.status_code == 200
    assert found.context["cl"].result_count == 1
    missing = support_client.get(
        reverse(f"admin:approvals_{model}_changelist"), {"q": "personne-de-ce-nom"}
    )
    assert missing.context["cl"].result_count == 0
    page = support_client.get(reverse(f"admin:approvals_{model}_change", args=[obj.pk]))
    assert page.status_code == 200


@pytest.mark.parametrize("model", MODELS)
def test_admin_nothing_esecure_can_be_deleted(support_client, esecure_rows, model):
    obj, _term = esecure_rows[model]
    response = support_client.get(reverse(f"admin:approvals_{model}_delete", args=[obj.pk]))
    assert response.status_code == 403


@pytest.mark.parametrize("model", ["protectedaccount", "authorizedsender", "usagerecord"])
def test_admin_lists_cost_the_same_queries_whatever_their_size(
    support_client, protected, company, model
):
    def grow(n):
        for i in range(n):
            account = CustomerAccountFactory(company=company)
            other = ProtectedAccount.objects.create(account=account)
            CustomerAdmin.objects.create(protected_account=other, user=UserFactory())
            AuthorizedSender.objects.create(
                protected_account=other, email=f"s{i}-{account.pk}@x.example", origin=Origin.MANUAL
            )
            UsageRecord.objects.create(account=account, email=f"s{i}@x.example")

    url = reverse(f"admin:approvals_{model}_changelist")
    grow(2)
    with CaptureQueriesContext(connection) as few:
        assert support_client.get(url).status_code == 200
    grow(25)
    with CaptureQueriesContext(connection) as many:
        assert support_client.get(url).status_code == 200
    assert len(many) == len(few)


def test_admin_decision_links_never_show_their_hashed_key(support_client, esecure_rows):
    link, _term = esecure_rows["decisionlink"]
    pages = [
        support_client.get(reverse("admin:approvals_decisionlink_changelist")),
        support_client.get(reverse("admin:approvals_decisionlink_change", args=[link.pk])),
        support_client.get(reverse("admin:approvals_accessrequest_change", args=[link.request_id])),
    ]
    for page in pages:
        body = page.content.decode()
        assert page.status_code == 200
        assert KEY_HASH not in body
        assert "empreinte" not in body.lower()
    searched = support_client.get(
        reverse("admin:approvals_decisionlink_changelist"), {"q": KEY_HASH}
    )
    assert searched.context["cl"].result_count == 0


def test_admin_requests_and_links_are_read_only(support_client, esecure_rows):
    request, _term = esecure_rows["accessrequest"]
    url = reverse("admin:approvals_accessrequest_change", args=[request.pk])
    support_client.post(url, {"status": RequestStatus.APPROVED, "email": "x@y.example"})
    request.refresh_from_db()
    assert request.status == RequestStatus.PENDING
    assert support_client.get(reverse("admin:approvals_accessrequest_add")).status_code == 403
    assert support_client.get(reverse("admin:approvals_decisionlink_add")).status_code == 403


# --- Onboarding -------------------------------------------------------------------------------


def test_admin_add_button_leads_to_the_enable_flow(support_client):
    response = support_client.get(reverse("admin:approvals_protectedaccount_add"))
    assert response.status_code == 302
    assert response["Location"] == reverse(ENABLE_URL)
    listing = support_client.get(reverse("admin:approvals_protectedaccount_changelist"))
    assert reverse(ENABLE_URL) in listing.content.decode()
    page = support_client.get(reverse(ENABLE_URL))
    assert page.status_code == 200
    assert "Activer eSecure" in page.content.decode()


def test_admin_enable_new_login_lists_history_and_sends_a_working_create_password_link(
    support_client, staff, company, mailoutbox, django_capture_on_commit_callbacks
):
    account = CustomerAccountFactory(company=company, number="950000099")
    today = timezone.localdate()
    for email, days_ago in [
        ("recent@lambert.example", 3),
        ("recent@lambert.example", 200),
        ("annee@partner.example", 390),
        ("ancien@partner.example", 420),  # beyond 13 months: not listed
    ]:
        UsageRecord.objects.create(
            account=account, email=email, used_on=today - timedelta(days=days_ago)
        )
    response = _post_enable(
        support_client,
        django_capture_on_commit_callbacks,
        account=account.pk,
        admin_email="Nouvelle.Admin@Lambert.example",
        first_name="Nora",
        last_name="Admin",
        language="fr",
    )
    protected = ProtectedAccount.objects.get(account=account)
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "admin:approvals_protectedaccount_change", args=[protected.pk]
    )
    assert not protected.is_active  # the customer admin activates it (guide, step 4)
    assert protected.history_listed_at is not None
    assert protected.assigned_by == staff
    listed = protected.senders.order_by("email")
    assert [(s.email, s.status, s.origin) for s in listed] == [
        ("annee@partner.example", SenderStatus.PENDING, Origin.HISTORY),
        ("recent@lambert.example", SenderStatus.PENDING, Origin.HISTORY),
    ]
    admin = CustomerAdmin.objects.get(protected_account=protected)
    assert admin.user.email == "nouvelle.admin@lambert.example"
    assert (admin.origin, admin.status) == (Origin.SUPPORT, Status.ACTIVE)
    assert Membership.objects.filter(user=admin.user, company=company).exists()
    assert not admin.user.has_usable_password()
    assert AuditEvent.objects.filter(kind="esecure.account_enabled", actor=staff).exists()
    # The login was made by the accounts service, with its own audit row.
    created = AuditEvent.objects.get(kind=AuditKind.USER_CREATED, company=company)
    assert created.actor == staff and created.after["email"] == "nouvelle.admin@lambert.example"
    message = support_client.get(response["Location"]).content.decode()
    assert "2 adresses" in message

    assert [m.to for m in mailoutbox] == [["nouvelle.admin@lambert.example"]]
    body = mailoutbox[0].body
    assert "950000099" in mailoutbox[0].subject
    link = re.search(r"https?://\S+/accounts/recovery/\S+/", body).group(0)
    path = "/" + link.split("://", 1)[1].split("/", 1)[1]
    newcomer = Client()
    form_page = newcomer.get(path, follow=True)
    assert form_page.status_code == 200
    done = newcomer.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "Nouvelle-phrase-2026", "new_password2": "Nouvelle-phrase-2026"},
        follow=True,
    )
    assert done.status_code == 200
    admin.user.refresh_from_db()
    assert admin.user.check_password("Nouvelle-phrase-2026")


def test_admin_enable_login_of_the_company_gets_a_welcome_email_without_names(
    support_client, company, mailoutbox, django_capture_on_commit_callbacks
):
    account = CustomerAccountFactory(company=company)
    person = MembershipFactory(company=company, user__email="deja.la@client.example").user
    response = _post_enable(
        support_client,
        django_capture_on_commit_callbacks,
        account=account.pk,
        admin_email="DEJA.LA@client.example",
        first_name="",
        last_name="",
        language="fr",
    )
    assert response.status_code == 302
    admin = CustomerAdmin.objects.get(protected_account__account=account)
    assert admin.user == person
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["deja.la@client.example"]
    assert "/accounts/recovery/" not in mailoutbox[0].body
    assert account.number in mailoutbox[0].body
    person.refresh_from_db()
    assert person.has_usable_password()


def test_admin_enable_login_of_another_company_is_invited_not_enrolled(
    support_client, company, other_company, mailoutbox, django_capture_on_commit_callbacks
):
    """Support onboarding never makes a login of another company a member without its yes."""
    account = CustomerAccountFactory(company=company)
    person = MembershipFactory(
        company=other_company, user__email="deja.la@other.example", user__language="nl"
    ).user
    response = _post_enable(
        support_client,
        django_capture_on_commit_callbacks,
        account=account.pk,
        admin_email="DEJA.LA@other.example",
        first_name="",
        last_name="",
        language="fr",
    )
    assert response.status_code == 302
    assert not CustomerAdmin.objects.filter(protected_account__account=account).exists()
    assert not Membership.objects.filter(user=person, company=company).exists()
    invitation = AdminInvitation.objects.get(protected_account__account=account)
    assert invitation.email == "deja.la@other.example" and invitation.origin == Origin.SUPPORT
    [mail] = mailoutbox
    assert mail.to == ["deja.la@other.example"]
    assert "/esecure/invitation/" in mail.body and "/accounts/recovery/" not in mail.body
    page = support_client.get(response["Location"]).content.decode()
    assert "invitation" in page


def test_admin_enable_refuses_a_new_login_without_names_and_an_already_protected_account(
    support_client, company, protected, mailoutbox, django_capture_on_commit_callbacks
):
    account = CustomerAccountFactory(company=company)
    response = _post_enable(
        support_client,
        django_capture_on_commit_callbacks,
        account=account.pk,
        admin_email="inconnu@lambert.example",
        first_name="",
        last_name="",
        language="fr",
    )
    assert response.status_code == 200
    assert "Obligatoire pour un nouvel identifiant" in response.content.decode()
    assert not ProtectedAccount.objects.filter(account=account).exists()

    again = _post_enable(
        support_client,
        django_capture_on_commit_callbacks,
        account=protected.account.pk,
        admin_email="inconnu@lambert.example",
        first_name="Ina",
        last_name="Connu",
        language="fr",
    )
    assert again.status_code == 200
    assert "déjà sous eSecure" in again.content.decode()
    assert protected.admins.count() == 2
    assert mailoutbox == []


def test_admin_account_autocomplete_finds_accounts_by_number(support_client, company):
    CustomerAccountFactory(company=company, number="950000077", name="Export")
    response = support_client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "approvals",
            "model_name": "protectedaccount",
            "field_name": "account",
            "term": "95000007",
        },
    )
    assert response.status_code == 200
    assert [r["text"] for r in response.json()["results"]] == ["950000077 - Export"]


def test_admin_add_customer_admin_to_a_protected_account(
    support_client, protected, mailoutbox, django_capture_on_commit_callbacks
):
    url = reverse("admin:approvals_protectedaccount_add_admin", args=[protected.pk])
    page = support_client.get(
        reverse("admin:approvals_protectedaccount_change", args=[protected.pk])
    )
    assert url in page.content.decode()
    assert support_client.get(url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = support_client.post(
            url,
            {
                "admin_email": "troisieme@lambert.example",
                "first_name": "Tina",
                "last_name": "Troisième",
                "language": "de",
            },
        )
    assert response.status_code == 302
    admin = protected.admins.get(user__email="troisieme@lambert.example")
    assert admin.origin == Origin.SUPPORT
    assert len(mailoutbox) == 1
    assert "/accounts/recovery/" in mailoutbox[0].body


def test_admin_add_customer_admin_refuses_an_active_admin_of_the_account(
    support_client, protected, mailoutbox
):
    anne = protected.admins.get(user__username="anne").user
    response = support_client.post(
        reverse("admin:approvals_protectedaccount_add_admin", args=[protected.pk]),
        {"admin_email": anne.email.upper(), "first_name": "", "last_name": "", "language": "fr"},
    )
    assert response.status_code == 200
    assert "déjà administrateur client actif" in response.content.decode()
    assert mailoutbox == []


def test_admin_support_group_member_can_enable_esecure(
    client, company, mailoutbox, django_capture_on_commit_callbacks
):
    """The « Support » group (a migration) holds the eSecure permissions support need."""
    agent = UserFactory(username="agent", is_staff=True)
    agent.groups.add(Group.objects.get(name="Support"))
    client.force_login(agent)
    account = CustomerAccountFactory(company=company)
    assert client.get(reverse("admin:approvals_protectedaccount_changelist")).status_code == 200
    assert client.get(reverse(ENABLE_URL)).status_code == 200
    response = _post_enable(
        client,
        django_capture_on_commit_callbacks,
        account=account.pk,
        admin_email="par.le.support@lambert.example",
        first_name="Paul",
        last_name="Support",
        language="fr",
    )
    assert response.status_code == 302
    assert ProtectedAccount.objects.filter(account=account).exists()
    assert len(mailoutbox) == 1


def test_admin_staff_without_esecure_permissions_cannot_enable(client, company):
    agent = UserFactory(username="stagiaire", is_staff=True)
    client.force_login(agent)
    account = CustomerAccountFactory(company=company)
    assert client.get(reverse(ENABLE_URL)).status_code == 403
    response = client.post(
        reverse(ENABLE_URL),
        {
            "account": account.pk,
            "admin_email": "x@lambert.example",
            "first_name": "X",
            "last_name": "Y",
            "language": "fr",
        },
    )
    assert response.status_code == 403
    assert not ProtectedAccount.objects.exists()


# --- Audited changes --------------------------------------------------------------------------


def _action(client, model, action, pks):
    return client.post(
        reverse(f"admin:approvals_{model}_changelist"),
        {"action": action, "_selected_action": [str(pk) for pk in pks]},
        follow=True,
    )


def test_admin_protection_deactivate_and_activate_are_audited(support_client, staff, protected):
    _action(support_client, "protectedaccount", "deactivate", [protected.pk])
    protected.refresh_from_db()
    assert not protected.is_active
    assert protected.assigned_by == staff
    _action(support_client, "protectedaccount", "activate", [protected.pk])
    protected.refresh_from_db()
    assert protected.is_active
    kinds = list(
        AuditEvent.objects.filter(target_id=str(protected.pk))
        .order_by("pk")
        .values_list("kind", flat=True)
    )
    assert kinds == ["esecure.account_deactivated", "esecure.account_activated"]


def test_admin_protection_form_saves_dates_through_the_audited_service(support_client, protected):
    url = reverse("admin:approvals_protectedaccount_change", args=[protected.pk])
    data = {
        "is_active": "on",
        "starts_on": "2026-01-01",
        "ends_on": "2026-12-31",
        "show_admin_contacts": "on",
        "admins-TOTAL_FORMS": "2",
        "admins-INITIAL_FORMS": "2",
        "domains-TOTAL_FORMS": "0",
        "domains-INITIAL_FORMS": "0",
    }
    for i, admin in enumerate(protected.admins.order_by("pk")):
        data[f"admins-{i}-id"] = str(admin.pk)
        data[f"admins-{i}-protected_account"] = str(protected.pk)
    response = support_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    protected.refresh_from_db()
    assert str(protected.ends_on) == "2026-12-31"
    assert protected.show_admin_contacts
    event = AuditEvent.objects.get(kind="esecure.account_updated")
    assert event.after["ends_on"] == "2026-12-31"
    assert event.before["show_admin_contacts"] is False

    data.update(starts_on="2026-12-31", ends_on="2026-01-01")
    refused = support_client.post(url, data)
    assert refused.status_code == 200
    protected.refresh_from_db()
    assert str(protected.starts_on) == "2026-01-01"

    data.update(starts_on="2026-01-01", ends_on="2026-12-31")
    del data["is_active"]
    assert support_client.post(url, data).status_code == 302
    protected.refresh_from_db()
    assert not protected.is_active
    assert AuditEvent.objects.filter(kind="esecure.account_deactivated").count() == 1
    assert AuditEvent.objects.filter(kind="esecure.account_updated").count() == 1


def test_admin_expire_action_expires_only_pending_requests_and_spends_their_links(
    support_client, esecure_rows, protected
):
    pending, _term = esecure_rows["accessrequest"]
    decided = AccessRequest.objects.create(
        protected_account=protected,
        email="decide@x.example",
        status=RequestStatus.APPROVED,
        expires_at=timezone.now() + timedelta(days=3),
    )
    _action(support_client, "accessrequest", "expire", [pending.pk, decided.pk])
    pending.refresh_from_db()
    decided.refresh_from_db()
    assert pending.status == RequestStatus.EXPIRED
    assert decided.status == RequestStatus.APPROVED
    link, _term = esecure_rows["decisionlink"]
    link.refresh_from_db()
    assert link.expires_at <= timezone.now()
    assert AuditEvent.objects.filter(kind="esecure.request_expired").count() == 1


def test_admin_sender_domain_and_admin_actions_change_status_and_audit(
    support_client, esecure_rows
):
    sender, _term = esecure_rows["authorizedsender"]
    domain, _term = esecure_rows["authorizeddomain"]
    admin, _term = esecure_rows["customeradmin"]
    _action(support_client, "authorizedsender", "reject", [sender.pk])
    _action(support_client, "authorizeddomain", "deactivate", [domain.pk])
    _action(support_client, "customeradmin", "deactivate", [admin.pk])
    sender.refresh_from_db()
    domain.refresh_from_db()
    admin.refresh_from_db()
    assert sender.status == SenderStatus.REJECTED
    assert sender.modified_at > sender.created_at
    assert domain.status == Status.INACTIVE
    assert admin.status == Status.INACTIVE
    kinds = set(AuditEvent.objects.values_list("kind", flat=True))
    assert {
        "esecure.sender_rejected",
        "esecure.domain_deactivated",
        "esecure.admin_deactivated",
    } <= kinds


def test_admin_an_account_never_loses_its_last_active_customer_admin(support_client, protected):
    admins = list(protected.admins.all())
    response = _action(support_client, "customeradmin", "deactivate", [a.pk for a in admins])
    assert "au moins un administrateur client actif" in response.content.decode()
    assert protected.admins.filter(status=Status.ACTIVE).count() == 2


def test_admin_approving_a_sender_with_an_open_request_decides_the_request(
    support_client, staff, esecure_rows, mailoutbox, django_capture_on_commit_callbacks
):
    request, _term = esecure_rows["accessrequest"]
    sender = AuthorizedSender.objects.create(
        protected_account=request.protected_account, email=request.email, origin=Origin.REQUEST
    )
    with django_capture_on_commit_callbacks(execute=True):
        _action(support_client, "authorizedsender", "approve", [sender.pk])
    request.refresh_from_db()
    sender.refresh_from_db()
    assert request.status == RequestStatus.APPROVED
    assert request.decided_by == staff
    assert sender.status == SenderStatus.APPROVED
    assert [m.to for m in mailoutbox] == [[request.email]]  # the requester hears of it
