"""Reading an uploaded CSV as offices write them, and refusing at once what cannot be imported.

Accepted: UTF-8 with or without BOM, Windows-1252 (Excel's "CSV (séparateur: point-virgule)"),
separator `;` or `,` (detected on the header line), quoted fields, CRLF, trailing empty lines and
columns. Headers match in French or English, any case, with or without accents. Every refusal
is a `ValidationError` whose message says what to fix.
"""

import csv
import io
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MAX_ROWS = 1000
MAX_BYTES = 5 * 1024 * 1024  # 1000 rows of a few hundred characters fit many times over


@dataclass(frozen=True)
class Column:
    """A column an import reads: its key, the headers it is recognised by (the first is the one
    the template writes, in the language it is built in), whether the file must have it."""

    key: str
    headers: tuple[str, ...]
    required: bool = False
    example: str = ""


@dataclass
class ParsedFile:
    columns: list[str]  # the key of each column of the file, in order
    headers: list[str]  # each column's header as written in the file
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)  # (line, key → cell)


def normalise(text: str) -> str:
    """A header as compared: lower case, accents and punctuation dropped, spaces collapsed."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    return " ".join(re.sub(r"[^0-9a-z]+", " ", plain).split())


_TRUE = {"oui", "yes", "ja", "x", "1", "o", "y", "true", "vrai", "j"}
_FALSE = {"non", "no", "nee", "nein", "", "0", "n", "false", "faux"}


def parse_flag(value: str) -> bool | None:
    """oui/non, yes/no, ja/nee, ja/nein, x/empty, 1/0, any case; None when not understood."""
    word = normalise(value)
    if word in _TRUE:
        return True
    if word in _FALSE:
        return False
    return None


def decode(data: bytes) -> str:
    """The file as text: UTF-8 (BOM dropped) else Windows-1252; refuses binary files."""
    if not data.strip():
        raise ValidationError(_("Le fichier est vide : ajoutez une ligne d'en-tête et des lignes."))
    if b"\x00" in data[:4096] or data[:4] in (b"PK\x03\x04", b"\xd0\xcf\x11\xe0", b"%PDF"):
        raise ValidationError(
            _(
                "Ce fichier n'est pas un fichier texte : dans votre tableur, choisissez "
                "« Enregistrer sous » puis le format CSV."
            )
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        raise ValidationError(
            _("Ce fichier n'est pas lisible : enregistrez-le en CSV UTF-8 ou Windows-1252.")
        ) from None


def _separator(first_line: str) -> str:
    return ";" if first_line.count(";") >= first_line.count(",") else ","


def _trim(cells: list[str]) -> list[str]:
    cells = [c.strip() for c in cells]
    while cells and not cells[-1]:
        cells.pop()
    return cells


def result_columns() -> list[Column]:
    """The two columns a result file adds: a file of failed rows, fixed, is uploaded again as
    it is (they are ignored)."""
    return [
        Column("_result", (_("Résultat du traitement"), "Résultat du traitement", "Result")),
        Column("_message", (_("Message du traitement"), "Message du traitement", "Message")),
    ]


def match_header(header: Sequence[str], columns: Iterable[Column]) -> list[str]:
    """The key of each header cell; refuses unknown, repeated and missing columns."""
    columns = [*columns, *result_columns()]
    known: dict[str, Column] = {}
    for column in columns:
        for name in (column.key, *column.headers):
            known.setdefault(normalise(name), column)
    keys: list[str] = []
    unknown: list[str] = []
    for cell in header:
        found = known.get(normalise(cell))
        if found is None:
            unknown.append(cell)
        keys.append(found.key if found else "")
    if unknown:
        raise ValidationError(
            _(
                "Colonne inconnue : %(columns)s. Reprenez les en-têtes du modèle à télécharger "
                "sur cette page (ou supprimez cette colonne)."
            )
            % {"columns": ", ".join(f"« {c} »" for c in unknown)}
        )
    repeated = sorted({k for k in keys if keys.count(k) > 1})
    if repeated:
        raise ValidationError(
            _("Colonne en double : %(columns)s. Gardez-la une seule fois.")
            % {"columns": ", ".join(f"« {k} »" for k in repeated)}
        )
    missing = [c for c in columns if c.required and c.key not in keys]
    if missing:
        raise ValidationError(
            _("Colonne obligatoire absente : %(columns)s. Ajoutez-la à la ligne d'en-tête.")
            % {"columns": ", ".join(f"« {c.headers[0]} »" for c in missing)}
        )
    return keys


def read_csv(data: bytes, columns: Sequence[Column], *, max_rows: int = MAX_ROWS) -> ParsedFile:
    """The data rows of an upload, keyed by column, or a ValidationError saying what to fix."""
    if len(data) > MAX_BYTES:
        raise ValidationError(
            _("Le fichier est trop volumineux (%(max)s Mo au plus).")
            % {"max": MAX_BYTES // (1024 * 1024)}
        )
    text = decode(data)
    lines = text.splitlines()
    first = next((line for line in lines if line.strip()), "")
    try:
        table = [_trim(r) for r in csv.reader(io.StringIO(text), delimiter=_separator(first))]
    except csv.Error:
        raise ValidationError(
            _("Ce fichier n'est pas un CSV lisible : vérifiez les guillemets.")
        ) from None
    numbered = [(number, cells) for number, cells in enumerate(table, start=1) if any(cells)]
    if not numbered:
        raise ValidationError(_("Le fichier est vide : ajoutez une ligne d'en-tête et des lignes."))
    keys = match_header(numbered[0][1], columns)
    body = numbered[1:]
    if not body:
        raise ValidationError(
            _("Le fichier ne contient que la ligne d'en-tête : ajoutez une ligne par personne.")
        )
    if len(body) > max_rows:
        raise ValidationError(
            _(
                "Le fichier contient %(count)s lignes : %(max)s au plus par import. Découpez-le "
                "en plusieurs fichiers ; rien n'a été importé."
            )
            % {"count": len(body), "max": max_rows}
        )
    kept = [i for i, key in enumerate(keys) if not key.startswith("_")]
    header = numbered[0][1]
    parsed = ParsedFile(columns=[keys[i] for i in kept], headers=[header[i] for i in kept])
    for number, cells in body:
        if len(cells) > len(keys):
            raise ValidationError(
                _(
                    "La ligne %(line)s a plus de cellules que la ligne d'en-tête : vérifiez le "
                    "séparateur et les guillemets de cette ligne."
                )
                % {"line": number}
            )
        parsed.rows.append((number, {keys[i]: (cells[i] if i < len(cells) else "") for i in kept}))
    return parsed
