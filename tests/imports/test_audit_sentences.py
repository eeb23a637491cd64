"""An import reads in the audit log as sentences: the file, its counts, each person created."""

import pytest
from django.utils import translation

from accounts.audit_sentences import audit_entries
from accounts.models import AuditEvent, AuditKind

from .test_standard_import import _upload, csv_file

pytestmark = pytest.mark.django_db


def test_an_import_reads_as_the_file_its_counts_and_each_person(
    world, django_capture_on_commit_callbacks
):
    _upload(world, csv_file(2), django_capture_on_commit_callbacks)
    events = AuditEvent.objects.select_related("actor").filter(kind__startswith="import.")
    with translation.override("fr"):
        entries = {e.event.kind: e for e in audit_entries(events.order_by("id"))}
    finished = entries[AuditKind.IMPORT_FINISHED]
    assert "a importé le fichier utilisateurs.csv : 2 lignes, 2 créées ou modifiées" in (
        finished.sentence
    )
    person = entries[AuditKind.IMPORT_PERSON_CREATED]
    assert person.sentence.endswith("(fichier utilisateurs.csv, ligne 3)")
    assert "a créé Anna Peeters2 par import" in person.sentence
    assert "Adresse e-mail : anna.2@example.be" in person.changes_text
    assert "import_job" not in person.changes_text
    with translation.override("en"):
        english = audit_entries(events.filter(kind=AuditKind.IMPORT_FINISHED))[0]
    assert english.label == "File import finished"
    assert "utilisateurs.csv" in english.sentence
