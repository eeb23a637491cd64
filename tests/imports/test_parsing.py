"""Files as offices write them: each shape read the same, or refused at once saying what to fix."""

import pytest
from django.core.exceptions import ValidationError

from imports.parsing import Column, normalise, parse_flag, read_csv

COLUMNS = [
    Column("last_name", ("Nom", "Last name"), True),
    Column("first_name", ("Prénom", "First name"), True),
    Column("email", ("E-mail", "Email"), True),
    Column("right:1", ("WS Affranchissement", "Franking web service")),
]


def _rows(data: bytes):
    return [cells for _line, cells in read_csv(data, COLUMNS).rows]


def test_excel_semicolon_windows_1252_with_accents_is_read():
    data = "NOM;PRENOM;E-MAIL;ws affranchissement\r\nLefèvre;Hélène;h@example.com;OUI\r\n"
    assert _rows(data.encode("cp1252")) == [
        {"last_name": "Lefèvre", "first_name": "Hélène", "email": "h@example.com", "right:1": "OUI"}
    ]


def test_utf8_with_bom_is_read():
    data = "\ufeffNom;Prénom;E-mail\nÉlodie;Çava;e@example.com\n".encode()
    assert _rows(data)[0]["last_name"] == "Élodie"


def test_comma_separated_with_quotes_is_read():
    data = b'Last name,First name,Email\n"Dupont, Jr",Marie,"m@example.com"\n'
    assert _rows(data)[0] == {
        "last_name": "Dupont, Jr",
        "first_name": "Marie",
        "email": "m@example.com",
    }


def test_crlf_trailing_empty_lines_and_columns_are_ignored():
    data = b"Nom;Prenom;Email;;\r\nA;B;a@example.com;;\r\n;;;;\r\n\r\n\r\n"
    parsed = read_csv(data, COLUMNS)
    assert parsed.columns == ["last_name", "first_name", "email"]
    assert len(parsed.rows) == 1


def test_headers_match_any_case_with_or_without_accents_in_english():
    assert normalise("  PRÉNOM ") == normalise("prenom") == "prenom"
    data = b"LAST NAME;first name;EMAIL;Franking Web Service\nA;B;a@example.com;yes\n"
    assert _rows(data)[0]["right:1"] == "yes"


def test_1000_rows_exactly_are_accepted():
    data = "Nom;Prénom;E-mail\n" + "".join(f"N{i};P;p{i}@example.com\n" for i in range(1000))
    assert len(read_csv(data.encode(), COLUMNS).rows) == 1000


def test_1001_rows_are_refused_with_the_count():
    data = "Nom;Prénom;E-mail\n" + "".join(f"N{i};P;p{i}@example.com\n" for i in range(1001))
    with pytest.raises(ValidationError, match="1001 lignes : 1000 au plus"):
        read_csv(data.encode(), COLUMNS)


def test_unknown_column_is_refused_naming_it():
    with pytest.raises(ValidationError, match="« Salaire »"):
        read_csv(b"Nom;Prenom;Email;Salaire\nA;B;a@example.com;1\n", COLUMNS)


def test_missing_column_is_refused_naming_it():
    with pytest.raises(ValidationError, match="obligatoire absente : « E-mail »"):
        read_csv(b"Nom;Prenom\nA;B\n", COLUMNS)


@pytest.mark.parametrize(
    "data, words",
    [
        (b"", "vide"),
        (b"\r\n\r\n", "vide"),
        (b"Nom;Prenom;Email\r\n", "que la ligne d'en-t"),
        (b"PK\x03\x04\x14\x00\x06\x00binary xlsx", "pas un fichier texte"),
        (b"\x00\x01\x02\x03" * 50, "pas un fichier texte"),
    ],
)
def test_empty_and_binary_files_are_refused(data, words):
    with pytest.raises(ValidationError, match=words):
        read_csv(data, COLUMNS)


def test_a_result_file_uploaded_again_has_its_result_columns_ignored():
    data = "Nom;Prénom;E-mail;Résultat du traitement;Message du traitement\nA;B;a@x.fr;Refusée;x\n"
    parsed = read_csv(data.encode(), COLUMNS)
    assert parsed.columns == ["last_name", "first_name", "email"]
    assert parsed.rows[0][1] == {"last_name": "A", "first_name": "B", "email": "a@x.fr"}


@pytest.mark.parametrize(
    "cell, flag",
    [
        ("oui", True),
        ("NON", False),
        ("Yes", True),
        ("no", False),
        ("ja", True),
        ("nee", False),
        ("nein", False),
        ("x", True),
        ("X", True),
        ("", False),
        ("1", True),
        ("0", False),
        ("peut-être", None),
    ],
)
def test_right_cells_accept_every_office_spelling(cell, flag):
    assert parse_flag(cell) is flag
