"""The audit log reads as sentences: each event written by the services, rendered in French and
English, with account numbers and names instead of ids, and never a crash."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from accounts.audit_sentences import audit_entries
from accounts.models import (
    AccountApplication,
    Application,
    AuditEvent,
    AuditKind,
    Membership,
)
from accounts.permissions import Scope
from accounts.services import audit_record, user_create
from accounts.services.grants import rights_set
from tests.factories import BillingAddressFactory, CustomerAccountFactory, UserFactory

pytestmark = pytest.mark.django_db


def _entry(event, language="fr"):
    with translation.override(language):
        return audit_entries([AuditEvent.objects.select_related("actor").get(pk=event.pk)])[0]


def _last(kind):
    return AuditEvent.objects.filter(kind=kind).latest("id")


@pytest.fixture
def claire(company):
    """The administrator who acts, known by her name (a staff giver, beyond any ceiling)."""
    return UserFactory(
        username="claire.lambert", first_name="Claire", last_name="Lambert", is_staff=True
    )


@pytest.fixture
def emasspost(company):
    app = Application.objects.get(code="emasspost")
    a1 = CustomerAccountFactory(company=company, number="999009", name="Siège")
    a2 = CustomerAccountFactory(company=company, number="999010", name="Atelier")
    for account in (a1, a2):
        AccountApplication.objects.create(account=account, application=app)
    address = BillingAddressFactory(company=company, name="Siège social")
    return {
        "app": app,
        "a1": a1,
        "a2": a2,
        "x": address,
        "perms": {p.code: p for p in app.permissions.all()},
    }


@pytest.fixture
def elodie(company, admin):
    return user_create(
        company=company,
        actor=admin,
        username="elodie.vdb",
        password="Un-mot-de-passe-2026!",
        details={
            "civility": "mrs",
            "first_name": "Élodie",
            "last_name": "Van den Broeck",
            "email": "elodie@imprimerie.example",
            "language": "fr",
        },
        management={},
    )


def _page(client, **params) -> str:
    """The table body of the log page (the filter's list of labels left out)."""
    page = client.get(reverse("accounts:audit-list"), params).content.decode()
    return page.split("<tbody>", 1)[1] if "<tbody>" in page else ""


def _give(claire, elodie, emasspost, scope):
    """e-Masspost rights need a billing address: the head office's, unless another is given."""
    perms = emasspost["perms"]
    if not scope.billing_addresses:
        scope = Scope.of(accounts=scope.accounts, billing_addresses=[emasspost["x"].pk])
    rights_set(
        membership=elodie,
        application=emasspost["app"],
        actor=claire,
        notify=False,
        rights={perms["create"]: scope},
    )


# --- A sentence per family, from the services' own payloads, in French and English -------------


def test_a_right_given_reads_who_gave_what_to_whom_on_which_account(claire, elodie, emasspost):
    _give(claire, elodie, emasspost, Scope.of(accounts=[emasspost["a1"].pk]))
    event = _last(AuditKind.RIGHTS_CHANGED)
    assert _entry(event).sentence == (
        "Claire Lambert a donné à Élodie Van den Broeck « Création » d'e-Masspost "
        "sur le compte 999009 (adresse de facturation Siège social)"
    )
    english = _entry(event, "en")
    assert english.label == "Permissions changed"
    # The catalog's English name of the right, the person's name, the account number.
    assert "« Creation »" in english.sentence and "de e-Masspost" in english.sentence
    assert "Élodie Van den Broeck" in english.sentence and "999009" in english.sentence


def test_a_changed_scope_shows_account_numbers_and_addresses_not_ids(claire, elodie, emasspost):
    a1, a2, x = emasspost["a1"], emasspost["a2"], emasspost["x"]
    _give(claire, elodie, emasspost, Scope.of(accounts=[a1.pk]))
    _give(claire, elodie, emasspost, Scope.of(accounts=[a1.pk, a2.pk], billing_addresses=[x.pk]))
    entry = _entry(_last(AuditKind.RIGHTS_CHANGED))
    assert entry.sentence == (
        "Claire Lambert a modifié les droits e-Masspost d'Élodie Van den Broeck"
    )
    [change] = entry.changes
    assert (change.kind, change.label) == ("changed", "Création")
    assert change.before == "compte 999009 · adresse de facturation Siège social"
    assert change.after == "comptes 999009, 999010 · adresse de facturation Siège social"


def test_a_right_withdrawn_names_it(claire, elodie, emasspost):
    _give(claire, elodie, emasspost, Scope.of(accounts=[emasspost["a1"].pk]))
    rights_set(
        membership=elodie, application=emasspost["app"], actor=claire, notify=False, rights={}
    )
    entry = _entry(_last(AuditKind.RIGHTS_CHANGED))
    assert entry.sentence == (
        "Claire Lambert a retiré à Élodie Van den Broeck « Création » d'e-Masspost"
    )
    assert [(c.kind, c.before) for c in entry.changes] == [
        ("removed", "compte 999009 · adresse de facturation Siège social")
    ]


def test_a_user_created_reads_with_french_elision_and_stated_details(admin, elodie):
    entry = _entry(_last(AuditKind.USER_CREATED))
    assert entry.sentence.endswith("a créé le compte d'Élodie Van den Broeck")
    stated = {c.label: c.after for c in entry.changes}
    assert stated["Adresse e-mail"] == "elodie@imprimerie.example"
    assert stated["Civilité"] == "Mme" and stated["Langue"] == "Français"
    assert stated["Gérer les utilisateurs"] == "non"
    english = _entry(_last(AuditKind.USER_CREATED), "en")
    assert english.label == "User created"
    assert "elodie@imprimerie.example" in english.changes_text
    assert "Français" in english.changes_text  # a language is named in its own language


def test_a_user_changed_lists_before_and_after(admin, company, elodie):
    from accounts.services import user_update

    user_update(
        membership=elodie,
        actor=admin,
        management={},
        details={"phone": "+32 2 555 00 00", "email": "e.vdb@imprimerie.example"},
    )
    entry = _entry(_last(AuditKind.USER_CHANGED))
    assert entry.sentence.endswith("a modifié les informations d'Élodie Van den Broeck")
    texts = entry.changes_text.splitlines()
    assert (
        "Modifié : Adresse e-mail : elodie@imprimerie.example → e.vdb@imprimerie.example" in texts
    )


def test_a_provider_offer_names_the_address_and_each_right_with_its_accounts(company, admin):
    from delegation.services import provider_access_offer

    app = Application.objects.get(code="swisspost-online-services")
    account = CustomerAccountFactory(company=company, number="40001234")
    AccountApplication.objects.create(account=account, application=app)
    staff = UserFactory(is_staff=True)
    orders = app.permissions.get(code="contract-orders")
    rights_set(
        membership=Membership.objects.get(user=admin, company=company),
        application=app,
        rights={orders: Scope.of(accounts=[account.pk])},
        actor=staff,
        notify=False,
    )
    provider_access_offer(
        company=company,
        email="anna@logiserv.example",
        remark="",
        actor=admin,
        rights={orders: Scope.of(accounts=[account.pk])},
    )
    entry = _entry(_last(AuditKind.PROVIDER_OFFERED))
    assert "a proposé à anna@logiserv.example un accès prestataire avec 1 droit" in entry.sentence
    added = [c for c in entry.changes if c.kind == "added"]
    assert [(c.label, c.after) for c in added] == [
        (f"{app.label} · {orders.label}", "compte 40001234")
    ]
    with translation.override("en"):
        english = _entry(_last(AuditKind.PROVIDER_OFFERED), "en")
        expected = f"{app.label} · {orders.label}"
    assert english.label == "Provider access offered"
    assert [c.label for c in english.changes if c.kind == "added"] == [expected]


@pytest.fixture
def protected(company):
    from approvals.models import CustomerAdmin, ProtectedAccount

    account = CustomerAccountFactory(company=company, number="950000033")
    AccountApplication.objects.create(
        account=account, application=Application.objects.get(code="dhl-shipping")
    )
    protected = ProtectedAccount.objects.create(account=account, is_active=True)
    return protected, CustomerAdmin


def test_an_esecure_decision_names_the_sender_the_account_and_the_way(
    admin, protected, django_capture_on_commit_callbacks
):
    from approvals.models import AccessRequest
    from approvals.services.checks import sender_check
    from approvals.services.decisions import request_decide

    protected_account, customer_admin = protected
    customer_admin.objects.create(protected_account=protected_account, user=admin)
    with django_capture_on_commit_callbacks(execute=True):  # the worker's task notifies it
        sender_check(account_number="950000033", email="jo@client.example", name="Jo")
    with django_capture_on_commit_callbacks(execute=True):
        request_decide(request=AccessRequest.objects.get(), approve=True, actor=admin, via="portal")
    created = _entry(_last(AuditKind.ESECURE_REQUEST_CREATED))
    assert created.sentence == "Demande de jo@client.example reçue pour le compte 950000033"
    approved = _entry(_last(AuditKind.ESECURE_REQUEST_APPROVED))
    assert approved.sentence.endswith(
        "a approuvé la demande de jo@client.example pour le compte 950000033 (par le portail)"
    )
    assert "Modifié : Statut de l'expéditeur : en attente → approuvé" in approved.changes_text
    english = _entry(_last(AuditKind.ESECURE_REQUEST_APPROVED), "en")
    assert english.label == "eSecure request approved"
    assert "jo@client.example" in english.sentence and "950000033" in english.sentence


# --- Never a crash ------------------------------------------------------------------------


def test_an_unknown_kind_or_unexpected_payload_reads_as_label_and_details(admin, company):
    odd = [
        AuditEvent.objects.create(
            company=company, kind="user.teleported", after={"planet": "Mars", "accounts": [424242]}
        ),
        AuditEvent.objects.create(
            company=company,
            kind=AuditKind.RIGHTS_CHANGED,
            before="not a dict",
            after={"application": 5, "create": "x"},
        ),
        AuditEvent.objects.create(
            company=company,
            kind=AuditKind.COMPANY_SELECTED,
            target_type="accounts.membership",
            target_id="abc",
        ),
        AuditEvent.objects.create(
            company=company,
            kind=AuditKind.PROVIDER_OFFERED,
            after={"rights": {"nope": {"accounts": ["x"]}}},
        ),
    ]
    entries = audit_entries(AuditEvent.objects.filter(pk__in=[e.pk for e in odd]).order_by("pk"))
    assert entries[0].sentence == "user.teleported"
    assert "Planet : Mars" in entries[0].changes_text
    assert "#424242" in entries[0].changes_text
    assert entries[2].sentence == "Société choisie"
    assert all(entry.sentence for entry in entries)


# --- The page, the filters, the CSV, the dashboard -----------------------------------------


def test_the_page_shows_sentences_and_differences_not_python_data(
    client, admin, claire, elodie, emasspost
):
    a1, a2 = emasspost["a1"], emasspost["a2"]
    _give(claire, elodie, emasspost, Scope.of(accounts=[a1.pk]))
    _give(claire, elodie, emasspost, Scope.of(accounts=[a2.pk]))
    client.force_login(admin)
    rows = _page(client)
    assert "Claire Lambert a modifié les droits e-Masspost d&#x27;Élodie Van den Broeck" in rows
    assert "compte 999009" in rows and "compte 999010" in rows
    assert "&#x27;accounts&#x27;" not in rows and "{" not in rows


def test_the_log_filters_by_person_by_target_and_by_dates(client, admin, claire, elodie, emasspost):
    _give(claire, elodie, emasspost, Scope.of(accounts=[emasspost["a1"].pk]))
    audit_record(
        actor=None,
        company=elodie.company,
        kind=AuditKind.ESECURE_REQUEST_CREATED,
        actor_repr="jo@client.example",
        target=emasspost["a2"],
        after={"account": "999010", "email": "jo@client.example"},
    )
    client.force_login(admin)
    by_actor = _page(client, actor="claire lambert")
    assert "« Création »" in by_actor and "jo@client.example" not in by_actor
    by_target = _page(client, target="Van den Broeck")
    assert "a donné à Élodie" in by_target and "a créé le compte" in by_target
    assert "jo@client.example" not in by_target
    by_account = _page(client, target="999010")
    assert "Demande de jo@client.example reçue pour le compte 999010" in by_account
    assert "Élodie" not in by_account
    assert (
        "Aucun événement"
        in client.get(
            reverse("accounts:audit-list"), {"date_from": "2000-01-01", "date_to": "2000-01-31"}
        ).content.decode()
    )
    page = client.get(reverse("accounts:audit-list"), {"date_from": "2000-01-01"}).content.decode()
    assert 'type="date"' in page and 'value="2000-01-01"' in page
    assert "« Création »" in page


def test_csv_rows_carry_the_sentence_and_local_time_to_the_second(
    client, admin, claire, elodie, emasspost, settings
):
    _give(claire, elodie, emasspost, Scope.of(accounts=[emasspost["a1"].pk]))
    client.force_login(admin)
    body = client.get(reverse("accounts:audit-list"), {"format": "csv", "kind": "rights"})
    lines = b"".join(body.streaming_content).decode("utf-8-sig").splitlines()
    assert lines[0] == "Date;Auteur;Événement;Description;Changements;Adresse IP"
    cells = lines[1].split(";")
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}", cells[0])
    assert cells[1] == "Claire Lambert" and cells[2] == "Droits modifiés"
    assert cells[3] == (
        "Claire Lambert a donné à Élodie Van den Broeck « Création » d'e-Masspost "
        "sur le compte 999009 (adresse de facturation Siège social)"
    )
    assert cells[4] == "Ajouté : Création : compte 999009 · adresse de facturation Siège social"


def test_the_dashboard_uses_the_same_sentences(client, admin, claire, elodie, emasspost):
    _give(claire, elodie, emasspost, Scope.of(accounts=[emasspost["a1"].pk]))
    client.force_login(admin)
    page = client.get(reverse("portal:home")).content.decode()
    assert "Claire Lambert a donné à Élodie Van den Broeck « Création » d&#x27;e-Masspost" in page
    assert "rights.changed" not in page


# --- Bounded queries ------------------------------------------------------------------------


def _mixed_events(company, admin, n):
    """`n` rights changes on distinct people and accounts: what a busy page holds."""
    from tests.factories import MembershipFactory

    app = Application.objects.get(code="emasspost")
    codes = [p.code for p in app.permissions.all()][:2]
    for i in range(n):
        account = CustomerAccountFactory(company=company, number=f"7{i:05d}")
        member = MembershipFactory(company=company)
        audit_record(
            actor=admin,
            company=company,
            kind=AuditKind.RIGHTS_CHANGED,
            target=member,
            before={"application": app.code},
            after={"application": app.code, codes[i % 2]: {"accounts": [account.pk]}},
        )


def _queries_for(events) -> int:
    with CaptureQueriesContext(connection) as ctx:
        audit_entries(events)
    return len(ctx.captured_queries)


def test_names_are_fetched_once_per_page_not_once_per_row(admin, company):
    _mixed_events(company, admin, 40)
    events = list(AuditEvent.objects.select_related("actor").order_by("-id"))
    assert _queries_for(events[:3]) == _queries_for(events) <= 5


def test_the_page_of_50_events_has_a_bounded_number_of_queries(
    client, admin, company, django_assert_max_num_queries
):
    _mixed_events(company, admin, 60)
    client.force_login(admin)
    with django_assert_max_num_queries(16):
        page = client.get(reverse("accounts:audit-list")).content.decode()
    assert "700059" in page
