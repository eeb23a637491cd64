"""Import kinds that span apps, registered with the imports engine from the top layer: `imports`
and `approvals` may not import each other, so the portal, which may import both, plugs eSecure
into the engine (`PortalConfig.ready`).

eSecure authorized e-mails: one e-mail per row, an optional name, and the protected account it
is approved on (optional when the customer admin administers one account only). Only accounts
the admin administers in eSecure are accepted (`approvals.selectors.esecure_scope`); rows go
through `approvals.services.senders_import`."""

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _

from accounts.selectors import membership_current
from approvals import selectors as esecure_selectors
from approvals import services as esecure_services
from approvals.models import ProtectedAccount
from approvals.services import SenderImportRow, UploadResult
from imports.kinds import ImportKindSpec, Outcome, register
from imports.models import ImportJob, ImportKind, ImportRow, RowStatus
from imports.parsing import Column

_STATUS = {
    UploadResult.ADDED: RowStatus.CREATE,
    UploadResult.UPDATED: RowStatus.UPDATE,
    UploadResult.ALREADY: RowStatus.EXISTS,
    UploadResult.INVALID: RowStatus.REFUSED,
    UploadResult.DUPLICATE: RowStatus.REFUSED,
}


def _scope(*, company, actor) -> esecure_selectors.EsecureScope:
    membership = membership_current(user=actor, company_id=company.pk)
    if membership is None or membership.company_id != company.pk:
        return esecure_selectors.EsecureScope(choices=())
    return esecure_selectors.esecure_scope(membership)


@dataclass
class EsecureContext:
    accounts: dict[str, ProtectedAccount]  # account number → protected account in scope


class EsecureSendersImport(ImportKindSpec):
    kind = ImportKind.ESECURE_SENDERS
    help_template = "imports/help/esecure_senders.html"

    def may_use(self, *, request) -> bool:
        """Active customer admins of at least one protected account of the company."""
        return bool(esecure_selectors.esecure_scope(request.membership))

    def columns(self, *, company, actor) -> list[Column]:
        return [
            Column(
                "email",
                (
                    _("Identifiant e-mail"),
                    "Identifiant e-mail",
                    "Identifiant Email",
                    "E-mail",
                    "Email",
                    "Adresse e-mail",
                    "E-mail address",
                    "Courriel",
                    "Mail",
                ),
                True,
                "prenom.nom@example.com",
            ),
            Column("name", (_("Nom"), "Nom", "Name", "Naam"), False, "Marie Dupont"),
            Column(
                "account",
                (
                    _("Numéro de compte"),
                    "Numéro de compte",
                    "N° de compte",
                    "Account number",
                    "Compte",
                    "Account",
                ),
                False,
                "",
            ),
        ]

    def template(self, *, company, actor) -> tuple[list[str], list[str]]:
        columns = self.columns(company=company, actor=actor)
        scope = _scope(company=company, actor=actor)
        first = scope.choices[0][1] if scope.choices else ""
        return [c.headers[0] for c in columns], [
            *(c.example for c in columns if c.key != "account"),
            first,
        ]

    def prepare(self, *, job: ImportJob) -> EsecureContext:
        scope = _scope(company=job.company, actor=job.created_by)
        protected = ProtectedAccount.objects.filter(pk__in=scope.ids).select_related(
            "account__company"
        )
        return EsecureContext(accounts={p.account.number: p for p in protected})

    def process(
        self, *, job: ImportJob, rows: Sequence[ImportRow], apply: bool, context: EsecureContext
    ) -> list[Outcome]:
        first_line = _first_lines(job)
        outcomes: list[Outcome | None] = []
        wanted: list[SenderImportRow] = []
        for row in rows:
            protected, refusal = _account(row, context, job.headers())
            key = _key(row.data)
            if refusal is None and first_line.get(key, row.line) != row.line:
                refusal = Outcome(
                    RowStatus.REFUSED,
                    _("En double dans le fichier : cette adresse figure déjà à la ligne %(line)s.")
                    % {"line": first_line[key]},
                )
            outcomes.append(refusal)
            if refusal is None and protected is not None:
                wanted.append(
                    SenderImportRow(
                        email=row.data.get("email", ""),
                        name=row.data.get("name", ""),
                        protected=protected,
                    )
                )
        results = iter(
            esecure_services.senders_import(
                rows=wanted,
                apply=apply,
                actor=job.created_by,
                ip_address=job.ip_address,
                source={"import_job": job.pk, "file_name": job.file_name},
            )
        )
        accounts = iter(w.protected.account.number for w in wanted)
        return [
            outcome or _outcome(*next(results), account=next(accounts), apply=apply)
            for outcome in outcomes
        ]


def _key(data: dict) -> str:
    return f"{data.get('account', '').strip()} {data.get('email', '').strip().lower()}"


def _first_lines(job: ImportJob) -> dict[str, int]:
    """Account and e-mail → the first line of the file that has them, in one query."""
    first: dict[str, int] = {}
    for line, data in job.rows.order_by("line").values_list("line", "data"):
        first.setdefault(_key(data), line)
    return first


def _account(
    row: ImportRow, context: EsecureContext, headers: dict[str, str]
) -> tuple[ProtectedAccount | None, Outcome | None]:
    number = row.data.get("account", "").strip()
    column = headers.get("account") or _("Numéro de compte")
    if not number:
        if len(context.accounts) == 1:
            return next(iter(context.accounts.values())), None
        return None, Outcome(
            RowStatus.REFUSED,
            _(
                "Informations invalides — %(column)s : à remplir, vous administrez plusieurs "
                "comptes (%(accounts)s)."
            )
            % {"column": column, "accounts": ", ".join(sorted(context.accounts))},
        )
    protected = context.accounts.get(number)
    if protected is None:
        return None, Outcome(
            RowStatus.REFUSED,
            _(
                "Informations invalides — %(column)s : vous n'administrez pas le compte "
                "%(number)s dans eSecure."
            )
            % {"column": column, "number": number},
        )
    return protected, None


def _outcome(result: str, email: str, *, account: str, apply: bool) -> Outcome:
    params = {"email": email, "account": account}
    messages = {
        UploadResult.ADDED: (
            _("Approuvé pour le compte %(account)s.")
            if apply
            else _("Sera approuvé pour le compte %(account)s.")
        ),
        UploadResult.UPDATED: (
            _("Approuvé pour le compte %(account)s (était en attente ou rejeté).")
            if apply
            else _("Sera approuvé pour le compte %(account)s (en attente ou rejeté aujourd'hui).")
        ),
        UploadResult.ALREADY: _("Existe déjà : déjà approuvé pour le compte %(account)s."),
        UploadResult.INVALID: _("Identifiant e-mail invalide : « %(email)s »."),
        UploadResult.DUPLICATE: _("En double dans le fichier."),
    }
    return Outcome(_STATUS[result], messages[result] % params)


register(EsecureSendersImport())
