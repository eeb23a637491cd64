"""Writes of standard users ("Mes utilisateurs"): create, create a technical user, change,
deactivate and reactivate. User-management rights stay under the actor's ceiling; people and
their history are never deleted."""

from collections.abc import Mapping

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from notifications import emails

from ..models import AuditKind, Company, Membership, MembershipKind, MembershipStatus, User
from ..permissions import MANAGEMENT_RIGHTS, Ceiling, management_errors
from ..selectors.users import email_taken, username_taken
from .apikeys import api_key_issue, api_key_revoke_all
from .audit import audit_record

# Personal details an administrator fills in and may change later (not the username).
PERSONAL_FIELDS = (
    "civility",
    "first_name",
    "last_name",
    "email",
    "language",
    "function",
    "phone",
    "address",
    "postcode",
    "city",
    "country",
)


def sign_in_url() -> str:
    return settings.SITE_URL + reverse("account_login")


def _details(details: Mapping[str, str]) -> dict[str, str]:
    cleaned = {name: (details.get(name) or "").strip() for name in PERSONAL_FIELDS}
    cleaned["email"] = cleaned["email"].lower()
    cleaned["country"] = cleaned["country"].upper() or "BE"
    cleaned["language"] = cleaned["language"] or settings.LANGUAGE_CODE
    return cleaned


def _management(management: Mapping[str, bool]) -> dict[str, bool]:
    return {name: bool(management.get(name)) for name in MANAGEMENT_RIGHTS}


def _ceiling(actor: User, company: Company) -> Ceiling:
    """The actor's own ceiling in the company of the person they act on (never a caller's)."""
    return Ceiling.for_actor(actor=actor, company=company)


def _identity_errors(*, username: str | None, email: str, user_id: int | None) -> dict:
    errors: dict[str, list[str]] = {}
    if username is not None and username_taken(username=username):
        errors["username"] = [_("Ce nom d'utilisateur est déjà pris. Choisissez-en un autre.")]
    if email and email_taken(email=email, exclude_user_id=user_id):
        errors["email"] = [_("Cette adresse e-mail est déjà utilisée par un autre compte.")]
    return errors


def _save_new_user(user: User) -> None:
    """Saves a new person; a duplicate created at the same moment is reported like any other."""
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError as exc:
        raise ValidationError(
            {"username": [_("Ce nom d'utilisateur ou cette adresse e-mail est déjà utilisé.")]}
        ) from exc


@transaction.atomic
def user_create(
    *,
    company: Company,
    actor: User,
    username: str,
    password: str,
    details: Mapping[str, str],
    management: Mapping[str, bool],
    ip_address: str | None = None,
) -> Membership:
    """Creates a standard user with a temporary password and no application right; the
    user-management rights given must be within the actor's own (only an administrator who may
    manage administrators makes one). E-mails the username, never the password."""
    ceiling = _ceiling(actor, company)
    username = username.strip().lower()
    fields = _details(details)
    wanted = _management(management)
    errors = _identity_errors(username=username, email=fields["email"], user_id=None)
    if not fields["email"]:
        errors.setdefault("email", []).append(_("L'adresse e-mail est obligatoire."))
    refused = management_errors(ceiling=ceiling, target=None, wanted=wanted)
    if refused:
        errors[NON_FIELD_ERRORS] = refused
    user = User(username=username, created_by=actor, must_change_password=True, **fields)
    try:
        validate_password(password, user)
    except ValidationError as exc:
        errors["password"] = exc.messages
    if errors:
        raise ValidationError(errors)
    user.set_password(password)
    _save_new_user(user)
    membership = Membership.objects.create(
        user=user, company=company, kind=MembershipKind.EMPLOYEE, created_by=actor, **wanted
    )
    audit_record(
        actor=actor,
        company=company,
        kind=AuditKind.USER_CREATED,
        target=membership,
        after={"username": username, "kind": membership.kind, **fields, **wanted},
        ip_address=ip_address,
    )
    emails.send_user_created(
        user=user,
        display_name=user.display_name,
        company_name=company.name,
        created_by=actor.display_name,
        sign_in_url=sign_in_url(),
    )
    return membership


@transaction.atomic
def user_create_technical(
    *,
    company: Company,
    actor: User,
    username: str,
    label: str,
    email: str = "",
    ip_address: str | None = None,
) -> tuple[Membership, str]:
    """Creates a technical user: an API key and no password at all, so no interactive sign-in.
    Returns the membership and the key in clear, to be shown once."""
    ceiling = _ceiling(actor, company)
    username = username.strip().lower()
    email = email.strip().lower()
    errors = _identity_errors(username=username, email=email, user_id=None)
    refused = management_errors(ceiling=ceiling, target=None, wanted={})
    if refused:
        errors[NON_FIELD_ERRORS] = refused
    if errors:
        raise ValidationError(errors)
    user = User(username=username, last_name=label.strip(), email=email, created_by=actor)
    membership = _member_without_password(
        user=user,
        company=company,
        kind=MembershipKind.TECHNICAL,
        actor=actor,
        ip_address=ip_address,
        audited={"label": user.last_name},
    )
    _key, plaintext = api_key_issue(user=user, actor=actor, ip_address=ip_address)
    return membership, plaintext


@transaction.atomic
def user_update(
    *,
    membership: Membership,
    actor: User,
    details: Mapping[str, str],
    management: Mapping[str, bool],
    ip_address: str | None = None,
) -> Membership:
    """Changes a standard user's details and user-management rights, within the actor's own;
    only an administrator who may manage administrators changes one. Audits what changed."""
    ceiling = _ceiling(actor, membership.company)
    user = membership.user
    fields = _details({**{n: getattr(user, n) for n in PERSONAL_FIELDS}, **details})
    wanted = _management(management)
    errors = _identity_errors(username=None, email=fields["email"], user_id=user.pk)
    current = {name: getattr(membership, name) for name in MANAGEMENT_RIGHTS}
    refused = management_errors(ceiling=ceiling, target=membership, wanted=wanted)
    if wanted != current and user.pk == actor.pk:
        refused.append(_("Vous ne pouvez pas modifier vos propres droits de gestion."))
    if membership.kind == MembershipKind.TECHNICAL and any(wanted.values()):
        refused.append(_("Un utilisateur technique ne reçoit aucun droit de gestion."))
    if refused:
        errors[NON_FIELD_ERRORS] = refused
    if errors:
        raise ValidationError(errors)
    before: dict = {}
    after: dict = {}
    for name, value in fields.items():
        if getattr(user, name) != value:
            before[name], after[name] = getattr(user, name), value
            setattr(user, name, value)
    for name, flag in wanted.items():
        if current[name] != flag:
            before[name], after[name] = current[name], flag
            setattr(membership, name, flag)
    if not after:
        return membership
    user.save(update_fields=[*PERSONAL_FIELDS])
    membership.save(update_fields=[*MANAGEMENT_RIGHTS, "updated_at"])
    audit_record(
        actor=actor,
        company=membership.company,
        kind=AuditKind.USER_CHANGED,
        target=membership,
        before=before,
        after=after,
        ip_address=ip_address,
    )
    return membership


def _status_errors(*, membership: Membership, actor: User, ceiling: Ceiling) -> list[str]:
    if membership.user_id == actor.pk:
        return [_("Vous ne pouvez pas vous désactiver ni vous réactiver vous-même.")]
    return management_errors(ceiling=ceiling, target=membership, wanted={})


@transaction.atomic
def user_deactivate(
    *, membership: Membership, actor: User, ip_address: str | None = None
) -> Membership:
    """Deactivates a standard user in the company: their rights stop counting at once (kept
    for a reactivation); without another active company they lose sign-in and API keys."""
    ceiling = _ceiling(actor, membership.company)
    membership = Membership.objects.select_for_update().select_related("user").get(pk=membership.pk)
    errors = _status_errors(membership=membership, actor=actor, ceiling=ceiling)
    if membership.status == MembershipStatus.DEACTIVATED:
        errors.append(_("Cet utilisateur est déjà désactivé."))
    if errors:
        raise ValidationError(errors)
    before = {"status": membership.status, "is_active": membership.user.is_active}
    membership.status = MembershipStatus.DEACTIVATED
    membership.deactivated_at = timezone.now()
    membership.save(update_fields=["status", "deactivated_at", "updated_at"])
    user = membership.user
    elsewhere = Membership.objects.active().filter(user=user).exclude(pk=membership.pk).exists()
    revoked = 0
    if not elsewhere:
        user.is_active = False
        user.save(update_fields=["is_active"])
        revoked = api_key_revoke_all(user=user, actor=actor, ip_address=ip_address)
    audit_record(
        actor=actor,
        company=membership.company,
        kind=AuditKind.USER_DEACTIVATED,
        target=membership,
        before=before,
        after={
            "status": membership.status,
            "is_active": user.is_active,
            "api_keys_revoked": revoked,
        },
        ip_address=ip_address,
    )
    return membership


@transaction.atomic
def user_reactivate(
    *, membership: Membership, actor: User, ip_address: str | None = None
) -> Membership:
    """Reactivates a standard user: sign-in back, and the rights kept in the database count
    again. Revoked API keys stay revoked (a new one is issued on request)."""
    ceiling = _ceiling(actor, membership.company)
    membership = Membership.objects.select_for_update().select_related("user").get(pk=membership.pk)
    user = membership.user
    errors = _status_errors(membership=membership, actor=actor, ceiling=ceiling)
    if membership.status == MembershipStatus.ACTIVE and user.is_active:
        errors.append(_("Cet utilisateur est déjà actif."))
    if errors:
        raise ValidationError(errors)
    before = {"status": membership.status, "is_active": user.is_active}
    membership.status = MembershipStatus.ACTIVE
    membership.deactivated_at = None
    membership.save(update_fields=["status", "deactivated_at", "updated_at"])
    if not user.is_active:
        user.is_active = True
        user.save(update_fields=["is_active"])
    audit_record(
        actor=actor,
        company=membership.company,
        kind=AuditKind.USER_REACTIVATED,
        target=membership,
        before=before,
        after={"status": membership.status, "is_active": True},
        ip_address=ip_address,
    )
    return membership


@transaction.atomic
def technical_key_regenerate(
    *, membership: Membership, actor: User, ip_address: str | None = None
) -> str:
    """Issues a new API key for an active technical user (they cannot sign in to do it); the
    previous key keeps working for the grace period. Returns the key in clear, shown once."""
    ceiling = _ceiling(actor, membership.company)
    errors = management_errors(ceiling=ceiling, target=membership, wanted={})
    if membership.kind != MembershipKind.TECHNICAL:
        errors.append(_("Seul un utilisateur technique reçoit une clé d'API ici."))
    if not (membership.is_active and membership.user.is_active):
        errors.append(_("Réactivez d'abord cet utilisateur."))
    if errors:
        raise ValidationError(errors)
    key, plaintext = api_key_issue(user=membership.user, actor=actor, ip_address=ip_address)
    audit_record(
        actor=actor,
        company=membership.company,
        kind=AuditKind.USER_API_KEY_REGENERATED,
        target=membership,
        after={"key": key.prefix},
        ip_address=ip_address,
    )
    return plaintext


# --- People registered by another flow (eSecure customer admins) -----------------------------


@transaction.atomic
def person_register(
    *,
    email: str,
    first_name: str,
    last_name: str,
    language: str,
    company: Company,
    actor: User,
    ip_address: str | None = None,
) -> Membership:
    """Creates a login for a person who will choose their password through an e-mailed link (no
    usable password until then), as an employee of `company`; the username comes from the
    e-mail address, made unique."""
    user = User(
        username=_free_username(email),
        email=email.strip().lower(),
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        language=language or settings.LANGUAGE_CODE,
        created_by=actor,
    )
    return _member_without_password(
        user=user,
        company=company,
        kind=MembershipKind.EMPLOYEE,
        actor=actor,
        ip_address=ip_address,
        audited={"email": user.email},
    )


@transaction.atomic
def login_register(
    *,
    email: str,
    first_name: str,
    last_name: str,
    language: str,
    actor: User,
    ip_address: str | None = None,
) -> User:
    """Creates a login, member of no company yet, for a person invited by e-mail who will
    choose their password through an e-mailed link; they join a company only by accepting its
    invitation. Audited without a company, so that the inviting company's log does not tell a
    new address from a known one."""
    user = User(
        username=_free_username(email),
        email=email.strip().lower(),
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        language=language or settings.LANGUAGE_CODE,
        created_by=actor,
    )
    user.set_unusable_password()
    _save_new_user(user)
    audit_record(
        actor=actor,
        company=None,
        kind=AuditKind.USER_CREATED,
        target=user,
        after={"username": user.username, "email": user.email},
        ip_address=ip_address,
    )
    return user


def _member_without_password(
    *,
    user: User,
    company: Company,
    kind: str,
    actor: User,
    ip_address: str | None,
    audited: Mapping[str, str],
) -> Membership:
    """Saves a new login without a usable password (API key only, or chosen through a link)
    and its membership, with the audit row."""
    user.set_unusable_password()
    _save_new_user(user)
    membership = Membership.objects.create(user=user, company=company, kind=kind, created_by=actor)
    audit_record(
        actor=actor,
        company=company,
        kind=AuditKind.USER_CREATED,
        target=membership,
        after={"username": user.username, "kind": membership.kind, **audited},
        ip_address=ip_address,
    )
    return membership


@transaction.atomic
def membership_add(
    *,
    user: User,
    company: Company,
    actor: User,
    ip_address: str | None = None,
    created_by: User | None = None,
) -> Membership:
    """Makes an existing login an active employee of `company` (kept as it is when they already
    belong to it). `created_by`: who brought them in, when not the actor (an invitation the
    person accepted themselves)."""
    membership, created = Membership.objects.get_or_create(
        user=user,
        company=company,
        defaults={
            "kind": MembershipKind.EMPLOYEE,
            "status": MembershipStatus.ACTIVE,
            "created_by": created_by or actor,
        },
    )
    if created:
        audit_record(
            actor=actor,
            company=company,
            kind=AuditKind.USER_MEMBERSHIP_ADDED,
            target=membership,
            after={"username": user.username, "kind": membership.kind},
            ip_address=ip_address,
        )
    return membership


def _free_username(email: str) -> str:
    base = email.strip().lower().split("@", 1)[0][:140] or "user"
    candidate, n = base, 1
    while username_taken(username=candidate):
        n += 1
        candidate = f"{base}{n}"
    return candidate
