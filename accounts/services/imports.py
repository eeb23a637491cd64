"""Advanced users from an import file, a chunk of rows at a time (SPEC C6, Colissimo guide 5.2).

The same rules as one invitation (`advanced_user_invite`): an e-mail address that already has an
account is never created again, rights only under the actor's ceiling, one single-use invitation
e-mailed after commit per person, an audit row per person. Built for a worker: every read and
write is done for the whole chunk at once, so the number of queries does not grow with the rows.
With `apply=False` nothing is written: the outcome of each row is only described (dry run).
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from common.links import new_link_key
from notifications import emails

from ..models import (
    AuditKind,
    Company,
    Grant,
    Invitation,
    Language,
    Membership,
    MembershipKind,
    MembershipStatus,
    User,
)
from ..permissions import Ceiling
from ..selectors.advanced import Offer, advanced_offer, grantable
from .advanced import PLACEHOLDER_PREFIX
from .audit import audit_records


class ImportOutcome:
    """What a row did (or would do, in a dry run)."""

    CREATE = "create"
    UPDATE = "update"
    EXISTS = "exists"
    REFUSED = "refused"


# Field, its label in messages, its maximum length, whether a row must fill it.
PERSON_FIELDS = (
    ("last_name", 150, True),
    ("first_name", 150, True),
    ("function", 100, False),
    ("email", 254, True),
    ("phone", 32, False),
    ("address", 255, False),
    ("postcode", 16, False),
    ("city", 100, False),
    ("tag", 50, False),
)


def person_field_label(name: str) -> str:
    labels = {
        "last_name": _("Nom"),
        "first_name": _("Prénom"),
        "function": _("Fonction"),
        "email": _("E-mail"),
        "phone": _("Téléphone"),
        "address": _("Adresse"),
        "postcode": _("Code postal"),
        "city": _("Ville"),
        "tag": _("Tag utilisateur"),
        "language": _("Langue"),
        "accounts": _("Comptes clients"),
        "username": _("Nom d'utilisateur"),
        "civility": _("Civilité"),
    }
    return str(labels.get(name, name))


@dataclass
class AdvancedImportRow:
    """One person of the file: details, the permissions answered "yes", and the customer
    accounts they apply to (None: every account where the actor holds the right)."""

    details: Mapping[str, str]
    permissions: Sequence[int]
    accounts: Sequence[str] | None = None
    line: int = 0


@dataclass
class ImportResult:
    status: str
    message: str
    user_id: int | None = None


@dataclass
class AdvancedImportContext:
    """What a chunk is checked against, loaded once: the offer and the actor's ceiling."""

    company: Company
    actor: User
    offer: Offer
    ceiling: Ceiling
    numbers: dict[str, int] = field(default_factory=dict)  # account number → id

    @classmethod
    def load(cls, *, company: Company, actor: User) -> "AdvancedImportContext":
        offer = advanced_offer(company=company)
        return cls(
            company=company,
            actor=actor,
            offer=offer,
            ceiling=Ceiling.for_actor(actor=actor, company=company),
            numbers={number: pk for pk, number in offer.account_numbers().items()},
        )


def invalid_detail(field_name: str, problem: str) -> ImportResult:
    """The refusal "invalid user data", naming the field."""
    return _invalid(field_name, problem)


def _invalid(field_name: str, problem: str) -> ImportResult:
    return ImportResult(
        ImportOutcome.REFUSED,
        _("Informations de l'utilisateur invalides — %(field)s : %(problem)s")
        % {"field": person_field_label(field_name), "problem": problem},
    )


def _details_error(details: Mapping[str, str]) -> ImportResult | None:
    for name, max_length, required in PERSON_FIELDS:
        value = details.get(name, "").strip()
        if required and not value:
            return _invalid(name, _("à remplir."))
        if len(value) > max_length:
            return _invalid(name, _("%(max)s caractères au plus.") % {"max": max_length})
    try:
        validate_email(details.get("email", "").strip())
    except ValidationError:
        return _invalid("email", _("adresse e-mail invalide."))
    language = details.get("language", "").strip().lower()
    if language and language not in Language.values:
        return _invalid("language", _("fr, en, nl ou de."))
    return None


def _rights_for(
    row: AdvancedImportRow, context: AdvancedImportContext
) -> tuple[dict[int, set[int]], ImportResult | None]:
    return import_rights(permissions=row.permissions, accounts=row.accounts, context=context)


def import_rights(
    *,
    permissions: Sequence[int],
    accounts: Sequence[str] | None,
    context: AdvancedImportContext,
) -> tuple[dict[int, set[int]], ImportResult | None]:
    """Permission id → account ids for a row's rights answered "yes" (on the accounts named,
    else every account where the actor holds the right), or the refusal (naming the right)."""
    offer, ceiling = context.offer, context.ceiling
    named: set[int] | None = None
    if accounts is not None:
        unknown = [n for n in accounts if n not in context.numbers]
        if unknown:
            return {}, _invalid(
                "accounts", _("compte inconnu %(numbers)s.") % {"numbers": ", ".join(unknown)}
            )
        named = {context.numbers[n] for n in accounts}
    rights: dict[int, set[int]] = {}
    for permission_id in permissions:
        permission = offer.permission_by_id[permission_id]
        enabled = {a.pk for a in offer.accounts[permission.application_id]}
        names = {"permission": permission.label, "application": permission.application.label}
        if named is None:
            target = {pk for pk in enabled if grantable(ceiling, permission, pk)}
            if not target:
                return {}, ImportResult(
                    ImportOutcome.REFUSED,
                    _(
                        "Vous ne pouvez pas donner le droit « %(permission)s » (%(application)s) : "
                        "vous ne le détenez sur aucun compte."
                    )
                    % names,
                )
        else:
            target = named & enabled
            if not target:
                return {}, ImportResult(
                    ImportOutcome.REFUSED,
                    _(
                        "Choix invalide — « %(permission)s » : %(application)s n'est activé sur "
                        "aucun des comptes indiqués."
                    )
                    % names,
                )
            missing = sorted(
                offer.account_numbers()[pk]
                for pk in target
                if not grantable(ceiling, permission, pk)
            )
            if missing:
                return {}, ImportResult(
                    ImportOutcome.REFUSED,
                    _(
                        "Vous ne pouvez pas donner le droit « %(permission)s » (%(application)s) "
                        "sur le compte %(accounts)s : vous ne le détenez pas."
                    )
                    % {**names, "accounts": ", ".join(missing)},
                )
        rights[permission_id] = target
    return rights, None


def emails_existing(company: Company, emails_lower: list[str]) -> dict[str, tuple[int, bool]]:
    """E-mail (lower case) → (user id, linked to this company), in one query."""
    found: dict[str, tuple[int, bool]] = {}
    users = (
        User.objects.annotate(email_lower=Lower("email"))
        .filter(email_lower__in=emails_lower)
        .values_list("pk", "email_lower")
    )
    ids = dict(users)
    linked = set(
        Membership.objects.filter(company=company, user_id__in=ids)
        .exclude(kind=MembershipKind.ADVANCED, status=MembershipStatus.DEACTIVATED)
        .values_list("user_id", flat=True)
    )
    for pk, email in ids.items():
        found[email] = (pk, pk in linked)
    return found


def advanced_users_import(
    *,
    context: AdvancedImportContext,
    rows: Sequence[AdvancedImportRow],
    apply: bool,
    source: Mapping[str, object],
    ip_address: str | None = None,
) -> list[ImportResult]:
    """One outcome per row, in order: invited (created), already linked (nothing changed), or
    refused with the reason. Writes only with `apply`, in the caller's transaction; an e-mail
    address with an account elsewhere is refused (associate that person by user key)."""
    results: list[ImportResult | None] = [_details_error(row.details) for row in rows]
    rights: list[dict[int, set[int]]] = [{} for _row in rows]
    for i, row in enumerate(rows):
        if results[i] is None:
            rights[i], results[i] = _rights_for(row, context)
    emails_lower = [row.details["email"].strip().lower() for row in rows]
    fine = [e for e, r in zip(emails_lower, results, strict=True) if r is None]
    existing = emails_existing(context.company, fine)
    to_create: list[int] = []
    for i, email in enumerate(emails_lower):
        if results[i] is not None:
            continue
        if email in existing:
            user_id, linked = existing[email]
            results[i] = (
                ImportResult(
                    ImportOutcome.EXISTS,
                    _("Existe déjà : cette personne est déjà liée à votre société."),
                    user_id,
                )
                if linked
                else _invalid(
                    "email",
                    _(
                        "un compte existe déjà avec cette adresse ; associez cette personne par "
                        "sa clé utilisateur."
                    ),
                )
            )
        else:
            to_create.append(i)
            results[i] = ImportResult(
                ImportOutcome.CREATE, _("Invitation envoyée par e-mail.") if apply else ""
            )
    if apply and to_create:
        with transaction.atomic():
            users = _create(
                context,
                [rows[i] for i in to_create],
                [rights[i] for i in to_create],
                source,
                ip_address,
            )
        for i, user in zip(to_create, users, strict=True):
            results[i].user_id = user.pk  # type: ignore[union-attr]
    return [r for r in results if r is not None]


def _create(
    context: AdvancedImportContext,
    rows: list[AdvancedImportRow],
    rights: list[dict[int, set[int]]],
    source: Mapping[str, object],
    ip_address: str | None,
) -> list[User]:
    """Users, memberships, grants, invitations, audit rows and e-mails of a chunk, in bulk."""
    company, actor, now = context.company, context.actor, timezone.now()
    users = []
    for row in rows:
        user = User(
            email=row.details["email"].strip(),
            language=row.details.get("language", "").strip().lower() or settings.LANGUAGE_CODE,
            is_active=False,
            created_by=actor,
            password=make_password(None),  # unusable: the person chooses one (no hashing cost)
            **{
                name: row.details.get(name, "").strip()
                for name, _max, _req in PERSON_FIELDS
                if name not in ("email", "tag")  # the tag is the company's, on the link
            },
        )
        user.username = PLACEHOLDER_PREFIX + user.user_key[:12]
        users.append(user)
    User.objects.bulk_create(users)
    memberships = Membership.objects.bulk_create(
        [
            Membership(
                user=user,
                company=company,
                kind=MembershipKind.ADVANCED,
                status=MembershipStatus.INVITED,
                created_by=actor,
                tag=row.details.get("tag", "").strip(),
            )
            for user, row in zip(users, rows, strict=True)
        ]
    )
    grants_bulk_create(memberships, rights, context)
    keys, invitations = [], []
    expires_at = now + timedelta(hours=settings.INVITATION_VALID_HOURS)
    for membership in memberships:
        key, digest = new_link_key()
        keys.append(key)
        invitations.append(
            Invitation(
                membership=membership, key_hash=digest, created_by=actor, expires_at=expires_at
            )
        )
    Invitation.objects.bulk_create(invitations)
    numbers = context.offer.account_numbers()
    permission_by_id = context.offer.permission_by_id
    audit_records(
        actor=actor,
        company=company,
        kind=AuditKind.IMPORT_PERSON_CREATED,
        ip_address=ip_address,
        events=[
            (
                membership,
                None,
                {
                    **source,
                    "line": row.line,
                    "email": membership.user.email,
                    "user_key": membership.user.user_key,
                    "expires_at": expires_at.isoformat(),
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
    base = settings.SITE_URL
    emails.send_advanced_invitations(
        invitations=[
            {
                "recipient": m.user.email,
                "language": m.user.language,
                "display_name": m.user.get_full_name() or m.user.email,
                "company_name": company.name,
                "invited_by": actor.display_name,
                "accept_url": base + reverse("accounts:invitation-accept", args=[key]),
                "valid_hours": settings.INVITATION_VALID_HOURS,
                "user": m.user,
            }
            for m, key in zip(memberships, keys, strict=True)
        ]
    )
    return users


def grants_bulk_create(
    memberships: list[Membership],
    rights: list[dict[int, set[int]]],
    context: AdvancedImportContext,
) -> None:
    grants, scopes = [], []
    for membership, row_rights in zip(memberships, rights, strict=True):
        for permission_id, accounts in row_rights.items():
            grants.append(
                Grant(
                    membership=membership,
                    grantor_company=context.company,
                    permission_id=permission_id,
                    granted_by=context.actor,
                )
            )
            scopes.append(accounts)
    Grant.objects.bulk_create(grants)
    through = Grant.accounts.through
    through.objects.bulk_create(
        [
            through(grant_id=grant.pk, customeraccount_id=account_id)
            for grant, accounts in zip(grants, scopes, strict=True)
            for account_id in accounts
        ]
    )
