"""Advanced users (Colissimo guide 5.2): last name, first name, function, e-mail, phone, address,
postcode, city, then one column per right answered oui/non. Optional columns: user tag, language
of the e-mails, and the customer accounts the row's rights apply to (without it: every account of
the company where the application is enabled and the admin holds the right).

Rows go through `accounts.services.advanced_users_import` (the ceiling per row, invitations
through the outbox after commit, matching on e-mail per company)."""

import re
from collections.abc import Callable, Iterable, Sequence

from django.utils.translation import gettext as _

from accounts.selectors import advanced_offer, grantable
from accounts.services import (
    AdvancedImportContext,
    AdvancedImportRow,
    ImportOutcome,
    advanced_users_import,
)

from ..models import ImportJob, ImportKind, ImportRow, RowStatus
from ..parsing import Column, parse_flag
from .base import ImportKindSpec, Outcome, register

RIGHT_PREFIX = "right:"
ACCOUNT_SPLIT = re.compile(r"[\s,;|/+]+")

_STATUS = {
    ImportOutcome.CREATE: RowStatus.CREATE,
    ImportOutcome.UPDATE: RowStatus.UPDATE,
    ImportOutcome.EXISTS: RowStatus.EXISTS,
    ImportOutcome.REFUSED: RowStatus.REFUSED,
}


def person_columns() -> list[Column]:
    """The person columns, the first header of each in the active language."""
    return [
        Column("last_name", (_("Nom"), "Nom", "Last name", "Surname", "Name"), True, "Dupont"),
        Column("first_name", (_("Prénom"), "Prénom", "First name", "Given name"), True, "Marie"),
        Column(
            "function",
            (_("Fonction"), "Fonction", "Function", "Job title", "Poste"),
            False,
            _("Responsable des expéditions"),
        ),
        Column(
            "email",
            (_("E-mail"), "E-mail", "Email", "Adresse e-mail", "E-mail address", "Courriel"),
            True,
            "marie.dupont@example.com",
        ),
        Column(
            "phone", (_("Téléphone"), "Téléphone", "Phone", "Telephone"), False, "+33 1 23 45 67 89"
        ),
        Column(
            "address",
            (_("Adresse"), "Adresse", "Adresse géographique", "Address"),
            False,
            "3 rue des Lilas",
        ),
        Column(
            "postcode",
            (_("Code postal"), "Code postal", "Postcode", "Postal code", "Zip code"),
            False,
            "75011",
        ),
        Column("city", (_("Ville"), "Ville", "City", "Town"), False, "Paris"),
        Column("tag", (_("Tag utilisateur"), "Tag utilisateur", "User tag", "Tag"), False, ""),
        Column("language", (_("Langue"), "Langue", "Language"), False, "fr"),
        Column(
            "accounts",
            (_("Comptes clients"), "Comptes clients", "Customer accounts", "Comptes", "Accounts"),
            False,
            "",
        ),
    ]


def _right_headers(permission) -> tuple[str, ...]:
    app = permission.application
    names = [permission.label, permission.name, *permission.translations.values()]
    apps = [app.label, app.name, *app.translations.values()]
    return tuple(dict.fromkeys([*names, *(f"{a} · {n}" for a in apps for n in names)]))


class AdvancedUsersImport(ImportKindSpec):
    kind = ImportKind.ADVANCED_USERS
    help_template = "imports/help/advanced_users.html"

    def _permissions(self, company):
        offer = advanced_offer(company=company)
        return offer, [p for app in offer.applications for p in offer.permissions[app.pk]]

    def columns(self, *, company, actor) -> list[Column]:
        _offer, permissions = self._permissions(company)
        return person_columns() + [
            Column(f"{RIGHT_PREFIX}{p.pk}", _right_headers(p), False, "") for p in permissions
        ]

    def template(self, *, company, actor) -> tuple[list[str], list[str]]:
        """Person columns, then the rights this admin may grant on at least one account."""
        context = AdvancedImportContext.load(company=company, actor=actor)
        offer = context.offer
        grantable_rights = [
            p
            for app in offer.applications
            for p in offer.permissions[app.pk]
            if any(grantable(context.ceiling, p, a.pk) for a in offer.accounts[app.pk])
        ]
        people = person_columns()
        header = [c.headers[0] for c in people] + [p.label for p in grantable_rights]
        yes, no = _("oui"), _("non")
        example = [c.example for c in people] + [
            yes if i == 0 else no for i, _p in enumerate(grantable_rights)
        ]
        return header, example

    def prepare(self, *, job: ImportJob) -> AdvancedImportContext:
        return AdvancedImportContext.load(company=job.company, actor=job.created_by)

    def process(
        self,
        *,
        job: ImportJob,
        rows: Sequence[ImportRow],
        apply: bool,
        context: AdvancedImportContext,
    ) -> list[Outcome]:
        return people_outcomes(
            job=job,
            rows=rows,
            apply=apply,
            read=lambda row: _read(row, job.headers(), context),
            run=lambda wanted: advanced_users_import(
                context=context,
                rows=wanted,
                apply=apply,
                source={"import_job": job.pk, "file_name": job.file_name},
                ip_address=job.ip_address,
            ),
            dry_create=_("Sera créé(e) et invité(e) par e-mail."),
        )


def people_outcomes(
    *,
    job: ImportJob,
    rows: Sequence[ImportRow],
    apply: bool,
    read: Callable[[ImportRow], tuple[object | None, Outcome | None]],
    run: Callable[[list], Iterable],
    dry_create: str = "",
) -> list[Outcome]:
    """The outcome of each row of a people import (advanced or standard users): the rows that
    read well go to the accounts service in one call (`run`), in order; the others keep their
    refusal (a repeated e-mail, an invalid cell)."""
    first_line = _first_lines(job)
    outcomes: list[Outcome | None] = []
    wanted: list = []
    for row in rows:
        refusal = _duplicate(row, first_line)
        parsed = None
        if refusal is None:
            parsed, refusal = read(row)
        outcomes.append(refusal)
        if parsed is not None:
            wanted.append(parsed)
    results = iter(run(wanted))
    done: list[Outcome] = []
    for outcome in outcomes:
        if outcome is None:
            result = next(results)
            message = result.message
            if dry_create and not apply and result.status == ImportOutcome.CREATE:
                message = dry_create
            outcome = Outcome(_STATUS[result.status], message, result.user_id)
        done.append(outcome)
    return done


def _first_lines(job: ImportJob) -> dict[str, int]:
    """E-mail (lower case) → the first line of the file that has it, in one query."""
    first: dict[str, int] = {}
    for line, data in job.rows.order_by("line").values_list("line", "data"):
        first.setdefault(str(data.get("email", "")).strip().lower(), line)
    return first


def _duplicate(row: ImportRow, first_line: dict[str, int]) -> Outcome | None:
    email = str(row.data.get("email", "")).strip().lower()
    line = first_line.get(email, row.line)
    if email and line != row.line:
        return Outcome(
            RowStatus.REFUSED,
            _(
                "Informations de l'utilisateur invalides — E-mail : cette adresse figure déjà à "
                "la ligne %(line)s du fichier."
            )
            % {"line": line},
        )
    return None


def _read(
    row: ImportRow, headers: dict[str, str], context: AdvancedImportContext
) -> tuple[AdvancedImportRow | None, Outcome | None]:
    """A file row as the service takes it, or "invalid choice" naming the column."""
    permissions = []
    for key in headers:  # in the file's order: the first bad column is the one named
        if not key.startswith(RIGHT_PREFIX) or key not in row.data:
            continue
        value = row.data[key]
        flag = parse_flag(value)
        if flag is None:
            return None, Outcome(
                RowStatus.REFUSED,
                _(
                    "Choix invalide dans la colonne « %(column)s » : « %(value)s » n'est pas "
                    "compris (oui ou non)."
                )
                % {"column": headers.get(key, key), "value": value},
            )
        permission_id = int(key.removeprefix(RIGHT_PREFIX))
        if flag and permission_id in context.offer.permission_by_id:
            permissions.append(permission_id)
    accounts_cell = row.data.get("accounts", "").strip()
    accounts = [n for n in ACCOUNT_SPLIT.split(accounts_cell) if n] if accounts_cell else None
    details = {k: v for k, v in row.data.items() if not k.startswith(RIGHT_PREFIX)}
    return AdvancedImportRow(
        details=details, permissions=permissions, accounts=accounts, line=row.line
    ), None


register(AdvancedUsersImport())
