"""Uploading a CSV of up to 1000 e-mails to approve on one protected account."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import AuditEvent, User
from approvals.models import (
    AccessRequest,
    AuthorizedSender,
    Origin,
    ProtectedAccount,
    RequestStatus,
    SenderStatus,
)
from approvals.services.checks import sender_check
from tests.factories import CustomerAccountFactory

pytestmark = pytest.mark.django_db

URL = "approvals:sender-upload"


@pytest.fixture
def signed_in(client, protected):
    client.force_login(User.objects.get(username="anne"))
    return client


def _upload(client, protected, content: bytes, name="senders.csv"):
    return client.post(
        reverse(URL),
        {"account": protected.pk, "file": SimpleUploadedFile(name, content, "text/csv")},
    )


def _results(client) -> list[list[str]]:
    response = client.get(reverse("approvals:sender-upload-result"))
    assert response.status_code == 200
    text = response.content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text), delimiter=";"))


def test_upload_page_access(client, protected, user, admin):
    assert "/accounts/login/" in client.get(reverse(URL))["Location"]
    for person in (user, admin):
        client.force_login(person)
        assert client.get(reverse(URL)).status_code == 403
        response = client.post(
            reverse(URL),
            {"account": protected.pk, "file": SimpleUploadedFile("a.csv", b"a@b.example\n")},
        )
        assert response.status_code == 403
    assert not AuthorizedSender.objects.exists()


def test_upload_to_another_companys_account_is_refused(signed_in, other_company):
    other = ProtectedAccount.objects.create(
        account=CustomerAccountFactory(company=other_company, number="950000099")
    )
    response = _upload(signed_in, other, b"a@b.example\n")
    assert response.status_code == 200
    assert "Sélectionnez un choix valide" in response.content.decode()
    assert not AuthorizedSender.objects.exists()


def test_upload_of_1001_rows_is_refused_and_changes_nothing(signed_in, protected):
    content = "e-mail\n" + "".join(f"p{i}@client.example\n" for i in range(1001))
    response = _upload(signed_in, protected, content.encode())
    page = response.content.decode()
    assert response.status_code == 200
    assert "1001 lignes" in page and "1000 au plus" in page and "Rien n" in page
    assert not AuthorizedSender.objects.exists()
    assert not AuditEvent.objects.filter(kind="esecure.senders_uploaded").exists()


def test_upload_of_1000_rows_is_accepted_in_bounded_queries(
    signed_in, protected, django_assert_max_num_queries
):
    content = "".join(f"p{i}@client.example\n" for i in range(1000)).encode()
    with django_assert_max_num_queries(25):
        response = _upload(signed_in, protected, content)
    assert response.status_code == 200
    assert AuthorizedSender.objects.filter(status=SenderStatus.APPROVED).count() == 1000


def test_upload_mixed_rows_gives_a_result_per_row_and_applies_the_valid_ones(
    signed_in, protected, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        sender_check(account_number="950000033", email="asker@client.example", name="Asker")
    mailoutbox.clear()
    AuthorizedSender.objects.create(
        protected_account=protected,
        email="known@client.example",
        status=SenderStatus.APPROVED,
        origin=Origin.MANUAL,
    )
    AuthorizedSender.objects.create(
        protected_account=protected,
        email="refused@client.example",
        status=SenderStatus.REJECTED,
        origin=Origin.HISTORY,
    )
    content = (
        b"Identifiant Email;Nom\n"
        b"new@client.example;Nouveau\n"
        b"not-an-email;Personne\n"
        b"KNOWN@client.example;\n"
        b"\n"
        b"refused@client.example;\n"
        b"asker@client.example;\n"
        b"new@client.example;Encore\n"
        b'=HYPERLINK("http://evil");\n'
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = _upload(signed_in, protected, content)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Résultat du téléversement" in page
    rows = _results(signed_in)
    assert rows[0] == ["Ligne", "Identifiant e-mail", "Résultat"]
    assert rows[1:] == [
        ["2", "new@client.example", "ajouté"],
        ["3", "not-an-email", "e-mail invalide"],
        ["4", "known@client.example", "déjà approuvé"],
        ["6", "refused@client.example", "mis à jour"],
        ["7", "asker@client.example", "mis à jour"],
        ["8", "new@client.example", "en double dans le fichier"],
        ["9", '\'=HYPERLINK("http://evil")', "e-mail invalide"],
    ]
    new = AuthorizedSender.objects.get(email="new@client.example")
    assert (new.status, new.origin, new.name) == (SenderStatus.APPROVED, Origin.UPLOAD, "Nouveau")
    assert new.assigned_by.username == "anne"
    assert AuthorizedSender.objects.get(email="refused@client.example").status == "approved"
    # The pending requester is decided through the request: told by e-mail.
    assert AccessRequest.objects.get().status == RequestStatus.APPROVED
    assert [m.to for m in mailoutbox] == [["asker@client.example"]]
    event = AuditEvent.objects.get(kind="esecure.senders_uploaded")
    assert event.after["added"] == ["new@client.example"]
    assert sorted(event.after["updated"]) == ["asker@client.example", "refused@client.example"]
    assert sender_check(account_number="950000033", email="new@client.example").decision == (
        "allowed"
    )


def test_upload_windows_1252_with_accents_in_names(signed_in, protected):
    content = "email;nom\nzoe@client.example;Zoé Lefèvre\nfrancois@client.example;François Œuvre\n"
    response = _upload(signed_in, protected, content.encode("cp1252"))
    assert response.status_code == 200
    names = dict(AuthorizedSender.objects.values_list("email", "name"))
    assert names == {
        "zoe@client.example": "Zoé Lefèvre",
        "francois@client.example": "François Œuvre",
    }


def test_upload_utf8_with_bom_and_header(signed_in, protected):
    content = "\ufeffE-mail;Nom\nanais@client.example;Anaïs\nbob@client.example;Bob\n"
    _upload(signed_in, protected, content.encode("utf-8"))
    rows = _results(signed_in)
    assert [r[2] for r in rows[1:]] == ["ajouté", "ajouté"]
    assert dict(AuthorizedSender.objects.values_list("email", "name")) == {
        "anais@client.example": "Anaïs",
        "bob@client.example": "Bob",
    }
    assert not AuthorizedSender.objects.filter(email__startswith="\ufeff").exists()


def test_upload_comma_separator_without_header(signed_in, protected):
    content = b"a@client.example,Alice\r\nb@client.example,Bruno\r\n"
    _upload(signed_in, protected, content)
    assert dict(AuthorizedSender.objects.values_list("email", "name")) == {
        "a@client.example": "Alice",
        "b@client.example": "Bruno",
    }


def test_upload_single_column_without_header(signed_in, protected):
    _upload(signed_in, protected, b"a@client.example\nb@client.example\n")
    assert AuthorizedSender.objects.count() == 2


@pytest.mark.parametrize(
    "content,message",
    [
        (b"PK\x03\x04\x00\x00binary", "pas un classeur"),
        (b"", "Le fichier soumis est vide"),
        (b"email\n\n\n", "aucune adresse"),
    ],
)
def test_upload_unreadable_file_is_refused(signed_in, protected, content, message):
    response = _upload(signed_in, protected, content)
    assert message in response.content.decode()
    assert not AuthorizedSender.objects.exists()


def test_upload_result_is_only_for_the_uploader(client, protected, signed_in):
    _upload(signed_in, protected, b"a@client.example\n")
    client.force_login(User.objects.get(username="bert"))
    assert client.get(reverse("approvals:sender-upload-result")).status_code == 404
