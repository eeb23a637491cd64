"""Standard users from an import file, a chunk of rows at a time (SPEC C6, bpost user fields).

The same rules as one creation on « Mes utilisateurs » (`user_create`): an e-mail address that
already has an account is never created again, user-management rights only within the actor's
own (`management_errors`), application rights only under the actor's ceiling. Instead of a
temporary password, each person gets an e-mailed link to choose theirs (the "create your
password" link of eSecure onboarding). Built for a worker: every read and write is done for
the whole chunk at once (no password hashing), so the number of queries does not grow with the
rows. With `apply=False` nothing is written: the outcome of each row is only described.
"""

import re
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from notifications import emails

from ..models import AuditKind, Membership, MembershipKind, MembershipStatus, User
from ..permissions import MANAGEMENT_RIGHTS, management_errors
from .audit import audit_records
from .imports import (
    AdvancedImportContext,
    ImportOutcome,
    ImportResult,
    emails_existing,
    grants_bulk_create,
    import_rights,
    invalid_detail,
)
from .passwords import password_reset_url

# Field, maximum length, whether a row must fill it (civility and language are checked as
# choices by the import kind, which names their column).
STANDARD_FIELDS = (
    ("last_name", 150, True),
    ("first_name", 150, True),
    ("function", 100, False),
    ("email", 254, True),
    ("phone", 32, False),
    ("address", 255, False),
    ("postcode", 16, False),
    ("city", 100, False),
)
USERNAME_UNSAFE = re.compile(r"[^\w.@+-]")


@dataclass
class StandardImportRow:
    """One person of the file: details (civility and language already read as choices), the
    user-management rights answered "yes", the application permissions answered "yes" and
    the customer accounts they apply to (None: every account where the actor holds them)."""

    details: Mapping[str, str]
    management: Mapping[str, bool] = field(default_factory=dict)
    permissions: Sequence[int] = ()
    accounts: Sequence[str] | None = None
    line: int = 0


def _details_error(details: Mapping[str, str]) -> ImportResult | None:
    for name, max_length, required in STANDARD_FIELDS:
        value = details.get(name, "").strip()
        if required and not value:
            return invalid_detail(name, _("à remplir."))
        if len(value) > max_length:
            return invalid_detail(name, _("%(max)s caractères au plus.") % {"max": max_length})
    try:
        validate_email(details.get("email", "").strip())
    except ValidationError:
        return invalid_detail("email", _("adresse e-mail invalide."))
    username = details.get("username", "").strip().lower()
    if username:
        try:
            UnicodeUsernameValidator()(username)
        except ValidationError:
            return invalid_detail(
                "username", _("lettres, chiffres et @ . + - _ uniquement, sans espace.")
            )
        if len(username) > 150:
            return invalid_detail("username", _("%(max)s caractères au plus.") % {"max": 150})
    return None


def _management_refusal(context: AdvancedImportContext, wanted: Mapping[str, bool]):
    refused = management_errors(ceiling=context.ceiling, target=None, wanted=wanted)
    if not refused:
        return None
    return ImportResult(ImportOutcome.REFUSED, " ".join(refused))


def _usernames(rows: Sequence[StandardImportRow], results: list) -> list[str]:
    """The username of each row still valid: the one written in the file (refused when taken),
    else the e-mail's local part, made unique with a short suffix. Two queries a chunk."""
    wanted: list[str] = []
    for row in rows:
        written = row.details.get("username", "").strip().lower()
        base = USERNAME_UNSAFE.sub("", row.details.get("email", "").split("@", 1)[0].lower())
        wanted.append(written or base[:140] or "user")
    taken = set(User.objects.filter(username__in=set(wanted)).values_list("username", flat=True))
    names: list[str] = []
    used: set[str] = set()
    for i, (row, name) in enumerate(zip(rows, wanted, strict=True)):
        if results[i] is not None:
            names.append("")
            continue
        if row.details.get("username", "").strip():
            if name in taken or name in used:
                results[i] = invalid_detail(
                    "username", _("« %(username)s » est déjà pris.") % {"username": name}
                )
        elif name in taken or name in used:
            name = f"{name}.{secrets.token_hex(3)}"
        used.add(name)
        names.append(name)
    suffixed = [n for n, w in zip(names, wanted, strict=True) if n and n != w]
    clash = set(User.objects.filter(username__in=suffixed).values_list("username", flat=True))
    return [f"{n}{secrets.token_hex(2)}" if n in clash else n for n in names]


def standard_users_import(
    *,
    context: AdvancedImportContext,
    rows: Sequence[StandardImportRow],
    apply: bool,
    source: Mapping[str, object],
    ip_address: str | None = None,
) -> list[ImportResult]:
    """One outcome per row, in order: created and e-mailed a link to choose a password, already
    linked to the company (nothing changed), or refused with the reason (an address with an
    account elsewhere included). Writes only with `apply`, in the caller's transaction."""
    results: list[ImportResult | None] = [_details_error(row.details) for row in rows]
    rights: list[dict[int, set[int]]] = [{} for _row in rows]
    for i, row in enumerate(rows):
        if results[i] is None:
            results[i] = _management_refusal(context, row.management)
        if results[i] is None:
            rights[i], results[i] = import_rights(
                permissions=row.permissions, accounts=row.accounts, context=context
            )
    emails_lower = [row.details["email"].strip().lower() for row in rows]
    existing = emails_existing(
        context.company, [e for e, r in zip(emails_lower, results, strict=True) if r is None]
    )
    for i, email in enumerate(emails_lower):
        if results[i] is None and email in existing:
            user_id, linked = existing[email]
            results[i] = (
                ImportResult(
                    ImportOutcome.EXISTS,
                    _("Existe déjà : cette personne est déjà liée à votre société."),
                    user_id,
                )
                if linked
                else invalid_detail(
                    "email", _("cette adresse est déjà utilisée par un autre compte.")
                )
            )
    usernames = _usernames(rows, results)
    to_create = [i for i, r in enumerate(results) if r is None]
    for i in to_create:
        results[i] = ImportResult(
            ImportOutcome.CREATE,
            (_("Créé : lien de création du mot de passe envoyé par e-mail (%(username)s).") if apply
             else _("Sera créé(e) sous le nom d'utilisateur %(username)s et recevra un lien pour "
                    "choisir son mot de passe."))
            % {"username": usernames[i]},
        )  # fmt: skip
    if apply and to_create:
        with transaction.atomic():
            users = _create(
                context,
                [rows[i] for i in to_create],
                [usernames[i] for i in to_create],
                [rights[i] for i in to_create],
                source,
                ip_address,
            )
        for i, user in zip(to_create, users, strict=True):
            results[i].user_id = user.pk  # type: ignore[union-attr]
    return [r for r in results if r is not None]


def _create(
    context: AdvancedImportContext,
    rows: list[StandardImportRow],
    usernames: list[str],
    rights: list[dict[int, set[int]]],
    source: Mapping[str, object],
    ip_address: str | None,
) -> list[User]:
    """Users, memberships, grants, audit rows and e-mails of a chunk, in bulk."""
    company, actor = context.company, context.actor
    users = [
        User(
            username=username,
            email=row.details["email"].strip().lower(),
            civility=row.details.get("civility", ""),
            language=row.details.get("language", "") or settings.LANGUAGE_CODE,
            created_by=actor,
            password=make_password(None),  # unusable: the person chooses one (no hashing cost)
            **{
                name: row.details.get(name, "").strip()
                for name, _max, _req in STANDARD_FIELDS
                if name != "email"
            },
        )
        for row, username in zip(rows, usernames, strict=True)
    ]
    User.objects.bulk_create(users)
    memberships = Membership.objects.bulk_create(
        [
            Membership(
                user=user,
                company=company,
                kind=MembershipKind.EMPLOYEE,
                status=MembershipStatus.ACTIVE,
                created_by=actor,
                **{name: bool(row.management.get(name)) for name in MANAGEMENT_RIGHTS},
            )
            for user, row in zip(users, rows, strict=True)
        ]
    )
    grants_bulk_create(memberships, rights, context)
    _audit(context, memberships, rows, rights, source, ip_address)
    valid_hours = settings.PASSWORD_RESET_TIMEOUT // 3600
    emails.send_user_create_password_many(
        links=[
            {
                "user": user,
                "display_name": user.display_name,
                "company_name": company.name,
                "created_by": actor.display_name,
                "create_url": password_reset_url(user=user),
                "valid_hours": valid_hours,
            }
            for user in users
        ]
    )
    return users


def _audit(context, memberships, rows, rights, source, ip_address) -> None:
    numbers = context.offer.account_numbers()
    permission_by_id = context.offer.permission_by_id
    audit_records(
        actor=context.actor,
        company=context.company,
        kind=AuditKind.IMPORT_PERSON_CREATED,
        ip_address=ip_address,
        events=[
            (
                membership,
                None,
                {
                    **source,
                    "line": row.line,
                    "kind": membership.kind,
                    "username": membership.user.username,
                    "email": membership.user.email,
                    **{name: getattr(membership, name) for name in MANAGEMENT_RIGHTS},
                    "rights": [
                        f"{permission_by_id[pk].application.label} · {permission_by_id[pk].label} "
                        f"({', '.join(sorted(numbers[a] for a in accounts))})"
                        for pk, accounts in row_rights.items()
                    ],
                },
            )
            for membership, row, row_rights in zip(memberships, rows, rights, strict=True)
        ],
    )
