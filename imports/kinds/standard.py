"""Standard users (bpost user fields): username (optional: derived from the e-mail address),
civility, first name, last name, e-mail, language, function, phone, address, postcode, city;
the four user-management rights (oui/non) within the admin's own; then one column per
application right (oui/non) on the company's customer accounts: the accounts named in the
optional « Comptes clients » column, else every account where the application is enabled and
the admin holds the right. Rights narrowed by something else than accounts (billing addresses,
products, service types, profiles) are given afterwards on the person's page, as the template
page says.

Rows go through `accounts.services.standard_users_import` (ceiling per row, a link to choose
a password e-mailed after commit, matching on e-mail per company)."""

from collections.abc import Sequence

from django.utils.translation import gettext as _

from accounts.models import Civility, Language
from accounts.permissions import MANAGEMENT_RIGHTS
from accounts.selectors import grantable
from accounts.services import (
    AdvancedImportContext,
    StandardImportRow,
    standard_users_import,
)

from ..models import ImportJob, ImportKind, ImportRow, RowStatus
from ..parsing import Column, normalise, parse_flag
from .advanced import ACCOUNT_SPLIT, RIGHT_PREFIX, _right_headers, people_outcomes
from .base import ImportKindSpec, Outcome, register

_CIVILITIES = {
    **dict.fromkeys(["m", "mr", "monsieur", "mister", "dhr", "de heer", "heer", "herr"], "mr"),
    **dict.fromkeys(["mme", "mrs", "ms", "madame", "mevr", "mevrouw", "frau"], "mrs"),
    "mx": "mx",
    "": "",
}


def _languages() -> dict[str, str]:
    found = {"": ""}
    for code, label in Language.choices:
        found[code] = code
        found[normalise(str(label))] = code
    return found


def management_columns() -> list[Column]:
    return [
        Column(
            "can_manage_users",
            (_("Gérer les utilisateurs"), "Gérer les utilisateurs", "Manage users"),
        ),
        Column(
            "can_manage_admins",
            (_("Gérer les administrateurs"), "Gérer les administrateurs", "Manage administrators"),
        ),
        Column(
            "can_recover_password",
            (
                _("Récupération du mot de passe"),
                "Récupération du mot de passe",
                "Récupération du mot de passe en libre-service",
                "Password recovery",
            ),
        ),
        Column("has_ftp_access", (_("Accès FTP"), "Accès FTP", "FTP access")),
    ]


def person_columns() -> list[Column]:
    """The person columns, the first header of each in the active language."""
    return [
        Column(
            "username",
            (_("Nom d'utilisateur"), "Nom d'utilisateur", "Username", "Identifiant", "Login"),
            False,
            "",
        ),
        Column("civility", (_("Civilité"), "Civilité", "Civility", "Title"), False, _("Mme")),
        Column("first_name", (_("Prénom"), "Prénom", "First name", "Given name"), True, "Marie"),
        Column("last_name", (_("Nom"), "Nom", "Last name", "Surname", "Name"), True, "Dupont"),
        Column(
            "email",
            (_("E-mail"), "E-mail", "Email", "Adresse e-mail", "E-mail address", "Courriel"),
            True,
            "marie.dupont@example.com",
        ),
        Column("language", (_("Langue"), "Langue", "Language"), False, "fr"),
        Column(
            "function",
            (_("Fonction"), "Fonction", "Function", "Job title", "Poste"),
            False,
            _("Responsable des expéditions"),
        ),
        Column(
            "phone", (_("Téléphone"), "Téléphone", "Phone", "Telephone"), False, "+32 2 123 45 67"
        ),
        Column("address", (_("Adresse"), "Adresse", "Address"), False, "Rue de la Loi 16"),
        Column(
            "postcode",
            (_("Code postal"), "Code postal", "Postcode", "Postal code", "Zip code"),
            False,
            "1000",
        ),
        Column("city", (_("Ville"), "Ville", "City", "Town", "Localité"), False, "Bruxelles"),
        Column(
            "accounts",
            (_("Comptes clients"), "Comptes clients", "Customer accounts", "Comptes", "Accounts"),
            False,
            "",
        ),
    ]


class StandardUsersImport(ImportKindSpec):
    kind = ImportKind.STANDARD_USERS
    help_template = "imports/help/standard_users.html"

    def columns(self, *, company, actor) -> list[Column]:
        context = AdvancedImportContext.load(company=company, actor=actor)
        offer = context.offer
        return (
            person_columns()
            + management_columns()
            + [
                Column(f"{RIGHT_PREFIX}{p.pk}", _right_headers(p), False, "")
                for app in offer.applications
                for p in offer.permissions[app.pk]
            ]
        )

    def template(self, *, company, actor) -> tuple[list[str], list[str]]:
        """Person columns, the user-management rights this admin may give, then the application
        rights they may grant on at least one account."""
        context = AdvancedImportContext.load(company=company, actor=actor)
        offer, ceiling = context.offer, context.ceiling
        management = [
            c
            for c in management_columns()
            if ceiling.unlimited
            or (
                ceiling.management.get("can_manage_admins")
                if c.key in ("can_manage_users", "can_manage_admins")
                else ceiling.management.get(c.key)
            )
        ]
        rights = [
            p
            for app in offer.applications
            for p in offer.permissions[app.pk]
            if any(grantable(ceiling, p, a.pk) for a in offer.accounts[app.pk])
        ]
        people = person_columns()
        yes, no = _("oui"), _("non")
        header = [c.headers[0] for c in people + management] + [p.label for p in rights]
        example = (
            [c.example for c in people]
            + [no for _c in management]
            + [yes if i == 0 else no for i, _p in enumerate(rights)]
        )
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
            run=lambda wanted: standard_users_import(
                context=context,
                rows=wanted,
                apply=apply,
                source={"import_job": job.pk, "file_name": job.file_name},
                ip_address=job.ip_address,
            ),
        )


def _invalid_choice(column: str, value: str, expected: str) -> Outcome:
    return Outcome(
        RowStatus.REFUSED,
        _(
            "Choix invalide dans la colonne « %(column)s » : « %(value)s » n'est pas "
            "compris (%(expected)s)."
        )
        % {"column": column, "value": value, "expected": expected},
    )


def _read(
    row: ImportRow, headers: dict[str, str], context: AdvancedImportContext
) -> tuple[StandardImportRow | None, Outcome | None]:
    """A file row as the service takes it, or "invalid choice" naming the column."""
    data = row.data
    civility = _CIVILITIES.get(normalise(data.get("civility", "")))
    if civility is None:
        expected = ", ".join(str(label) for label in Civility.labels)
        return None, _invalid_choice(headers.get("civility", ""), data["civility"], expected)
    language = _languages().get(normalise(data.get("language", "")))
    if language is None:
        return None, _invalid_choice(
            headers.get("language", ""), data["language"], "fr, nl, de, en"
        )
    flags: dict[str, bool] = {}
    for key in headers:  # in the file's order: the first bad column is the one named
        if key in data and (key.startswith(RIGHT_PREFIX) or key in MANAGEMENT_RIGHTS):
            value = data[key]
            flag = parse_flag(value)
            if flag is None:
                return None, _invalid_choice(headers.get(key, key), value, _("oui ou non"))
            flags[key] = flag
    permissions = [
        int(key.removeprefix(RIGHT_PREFIX))
        for key, flag in flags.items()
        if flag
        and key.startswith(RIGHT_PREFIX)
        and int(key.removeprefix(RIGHT_PREFIX)) in context.offer.permission_by_id
    ]
    accounts_cell = data.get("accounts", "").strip()
    details = {k: v for k, v in data.items() if not k.startswith(RIGHT_PREFIX) and k not in flags}
    details.update(civility=civility, language=language)
    return StandardImportRow(
        details=details,
        management={name: flags.get(name, False) for name in MANAGEMENT_RIGHTS},
        permissions=permissions,
        accounts=[n for n in ACCOUNT_SPLIT.split(accounts_cell) if n] if accounts_cell else None,
        line=row.line,
    ), None


register(StandardUsersImport())
