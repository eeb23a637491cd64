"""Writes of the advanced-users area (Colissimo): invite, accept an invitation, associate by user
key, change rights per customer account, unlink, resend and withdraw invitations.

Rights always go through `rights_replace` (the rights ceiling), per application, every application
validated before anything is written. Every change is audited; e-mails leave after commit.
"""

from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from common.links import link_claim, new_link_key
from notifications import emails

from ..models import (
    Application,
    AuditKind,
    Company,
    Grant,
    GrantStatus,
    Invitation,
    Membership,
    MembershipKind,
    MembershipStatus,
    Permission,
    User,
)
from ..permissions import Ceiling, Scope
from ..selectors.advanced import (
    Cell,
    InvitationState,
    Offer,
    advanced_application_filter,
    grantable,
    invitation_state,
)
from .apikeys import api_key_issue
from .audit import audit_record
from .grants import rights_errors, rights_lines, rights_replace

DETAIL_FIELDS = ("last_name", "first_name", "function", "phone", "address", "postcode", "city")
PLACEHOLDER_PREFIX = "invite-"


# --- Rights from the matrix -----------------------------------------------------------------


def advanced_rights_build(
    *, offer: Offer, cells: Iterable[Cell], ceiling: Ceiling, held: Iterable[Cell] = ()
) -> dict[Permission, Scope]:
    """The rights a ticked matrix asks for. Boxes the actor may not grant are disabled in the
    page (browsers do not post them), so what the person holds there is kept as it is."""
    wanted = set(cells)
    for permission_id, account_id in held:
        permission = offer.permission_by_id.get(permission_id)
        if permission is not None and not grantable(ceiling, permission, account_id):
            wanted.add((permission_id, account_id))
    unknown = [cell for cell in wanted if not offer.is_offered(*cell)]
    if unknown:
        raise ValidationError(
            _(
                "Certains droits demandés ne peuvent pas être donnés à un utilisateur avancé sur "
                "ces comptes. Rien n'a été enregistré."
            )
        )
    accounts: dict[int, set[int]] = defaultdict(set)
    for permission_id, account_id in wanted:
        accounts[permission_id].add(account_id)
    return {offer.permission_by_id[pk]: Scope.of(accounts=ids) for pk, ids in accounts.items()}


def _by_application(
    rights: Mapping[Permission, Scope], applications: Iterable[Application] = ()
) -> dict[Application, dict[Permission, Scope]]:
    grouped: dict[Application, dict[Permission, Scope]] = {app: {} for app in applications}
    for permission, scope in rights.items():
        grouped.setdefault(permission.application, {})[permission] = scope
    return grouped


def _rights_write(
    *,
    membership: Membership,
    grouped: Mapping[Application, Mapping[Permission, Scope]],
    actor: User,
    ip_address: str | None,
) -> bool:
    """Checks every application first, then writes them all (the caller's transaction), under
    the actor's own ceiling in the membership's company."""
    ceiling = Ceiling.for_actor(actor=actor, company=membership.company)
    errors: list[str] = []
    for application, rights in grouped.items():
        if not Application.objects.filter(
            advanced_application_filter(), pk=application.pk
        ).exists():
            errors.append(
                _("%(application)s ne se donne pas à un utilisateur avancé.")
                % {"application": application.label}
            )
            continue
        errors.extend(
            rights_errors(
                membership=membership, application=application, rights=rights, ceiling=ceiling
            )
        )
    if errors:
        raise ValidationError(list(dict.fromkeys(errors)))
    changed = False
    for application, rights in grouped.items():
        change = rights_replace(
            membership=membership,
            application=application,
            rights=rights,
            actor=actor,
            ceiling=ceiling,
            ip_address=ip_address,
            notify=False,
        )
        changed = changed or bool(change)
    return changed


def _rights_summary(membership: Membership) -> list[str]:
    return [
        f"{line['application']} · {line['permission']} ({line['where']})"
        for line in rights_lines(membership=membership)
    ]


# --- Invitations ----------------------------------------------------------------------------


def _invitation_issue(*, membership: Membership, actor: User) -> tuple[Invitation, str]:
    key, digest = new_link_key()
    invitation = Invitation.objects.create(
        membership=membership,
        key_hash=digest,
        created_by=actor,
        expires_at=timezone.now() + timedelta(hours=settings.INVITATION_VALID_HOURS),
    )
    return invitation, key


def _invitation_send(*, membership: Membership, actor: User, key: str) -> None:
    user = membership.user
    emails.send_advanced_invitation(
        recipient=user.email,
        language=user.language,
        display_name=user.get_full_name() or user.email,
        company_name=membership.company.name,
        invited_by=actor.display_name,
        accept_url=settings.SITE_URL + reverse("accounts:invitation-accept", args=[key]),
        valid_hours=settings.INVITATION_VALID_HOURS,
        user=user,
    )


def _withdraw_open(membership: Membership, now) -> int:
    return Invitation.objects.open(now=now).filter(membership=membership).update(withdrawn_at=now)


@transaction.atomic
def advanced_user_invite(
    *,
    company: Company,
    actor: User,
    details: Mapping[str, str],
    rights: Mapping[Permission, Scope],
    ip_address: str | None = None,
) -> Invitation:
    """Creates an advanced user waiting for their invitation: details, rights under the actor's
    ceiling (all or nothing), a 48-hour single-use link by e-mail. An e-mail address that
    already has an account is refused: that person is associated by user key instead."""
    email = details["email"].strip()
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError(
            {
                "email": _(
                    "Un compte existe déjà avec cette adresse e-mail. Demandez sa clé "
                    "utilisateur à cette personne et utilisez « Associer un utilisateur avancé "
                    "existant »."
                )
            }
        )
    user = User(
        email=email,
        language=details.get("language") or settings.LANGUAGE_CODE,
        is_active=False,
        created_by=actor,
        **{name: details.get(name, "").strip() for name in DETAIL_FIELDS},
    )
    user.username = PLACEHOLDER_PREFIX + user.user_key[:12]  # the person chooses the real one
    user.set_unusable_password()
    user.save()
    membership = Membership.objects.create(
        user=user,
        company=company,
        kind=MembershipKind.ADVANCED,
        status=MembershipStatus.INVITED,
        created_by=actor,
        tag=details.get("tag", "").strip(),
    )
    _rights_write(
        membership=membership,
        grouped=_by_application(rights),
        actor=actor,
        ip_address=ip_address,
    )
    invitation, key = _invitation_issue(membership=membership, actor=actor)
    audit_record(
        actor=actor,
        company=company,
        kind=AuditKind.ADVANCED_INVITED,
        target=membership,
        after={
            "email": email,
            "tag": membership.tag,
            "user_key": user.user_key,
            "expires_at": invitation.expires_at.isoformat(),
            "rights": _rights_summary(membership),
        },
        ip_address=ip_address,
    )
    _invitation_send(membership=membership, actor=actor, key=key)
    return invitation


@transaction.atomic
def advanced_invitation_resend(
    *, membership: Membership, actor: User, ip_address: str | None = None
) -> Invitation:
    """A new link (new key, new validity) replaces every open one of a pending advanced user."""
    if membership.kind != MembershipKind.ADVANCED or membership.status != MembershipStatus.INVITED:
        raise ValidationError(_("Cette personne a déjà accepté son invitation."))
    now = timezone.now()
    withdrawn = _withdraw_open(membership, now)
    invitation, key = _invitation_issue(membership=membership, actor=actor)
    audit_record(
        actor=actor,
        company=membership.company,
        kind=AuditKind.ADVANCED_INVITATION_RESENT,
        target=membership,
        before={"open_invitations": withdrawn},
        after={"expires_at": invitation.expires_at.isoformat()},
        ip_address=ip_address,
    )
    _invitation_send(membership=membership, actor=actor, key=key)
    return invitation


@transaction.atomic
def advanced_invitation_withdraw(
    *, membership: Membership, actor: User, ip_address: str | None = None
) -> int:
    """Open links of a pending advanced user stop working at once."""
    if membership.kind != MembershipKind.ADVANCED or membership.status != MembershipStatus.INVITED:
        raise ValidationError(_("Cette personne a déjà accepté son invitation."))
    withdrawn = _withdraw_open(membership, timezone.now())
    if not withdrawn:
        raise ValidationError(_("Aucune invitation en cours pour cette personne."))
    audit_record(
        actor=actor,
        company=membership.company,
        kind=AuditKind.ADVANCED_INVITATION_WITHDRAWN,
        target=membership,
        after={"withdrawn": withdrawn},
        ip_address=ip_address,
    )
    return withdrawn


@transaction.atomic
def advanced_invitation_accept(
    *,
    invitation: Invitation,
    username: str,
    password: str,
    details: Mapping[str, str],
    ip_address: str | None = None,
) -> tuple[User, str]:
    """The invited person chooses username and password and checks their details: the link with
    the company becomes active, the link is used up, they get a web-service key (returned in
    clear, shown once) and an e-mail listing their rights."""
    invitation = (
        Invitation.objects.select_for_update()
        .select_related("membership__user", "membership__company")
        .get(pk=invitation.pk)
    )
    now = timezone.now()
    # Claimed first: a second POST of the same link finds it used and acts on nothing.
    if invitation_state(invitation, now=now) != InvitationState.OPEN or not link_claim(
        invitation, now=now
    ):
        raise ValidationError(_("Ce lien d'invitation ne peut plus servir."))
    membership, user = invitation.membership, invitation.membership.user
    username = username.strip().lower()
    if username.startswith(PLACEHOLDER_PREFIX) or (
        User.objects.filter(username__iexact=username).exclude(pk=user.pk).exists()
    ):
        raise ValidationError({"username": _("Ce nom d'utilisateur est déjà pris.")})
    before = {name: getattr(user, name) for name in DETAIL_FIELDS}
    user.username = username
    user.set_password(password)
    user.is_active = True
    for name in DETAIL_FIELDS:
        setattr(user, name, details.get(name, "").strip())
    user.save()
    membership.status = MembershipStatus.ACTIVE
    membership.save(update_fields=["status", "updated_at"])
    _withdraw_open(membership, now)
    audit_record(
        actor=user,
        company=membership.company,
        kind=AuditKind.ADVANCED_ACCEPTED,
        target=membership,
        before=before,
        after={"username": username, **{name: getattr(user, name) for name in DETAIL_FIELDS}},
        ip_address=ip_address,
    )
    _key, plaintext = api_key_issue(user=user, actor=user, ip_address=ip_address)
    _account_ready(membership)
    return user, plaintext


def _account_ready(membership: Membership) -> None:
    user = membership.user
    emails.send_account_ready(
        user=user,
        display_name=user.display_name,
        company_name=membership.company.name,
        lines=rights_lines(membership=membership),
        sign_in_url=settings.SITE_URL + reverse("account_login"),
    )


# --- Association, rights, unlink ------------------------------------------------------------


@transaction.atomic
def advanced_user_associate(
    *,
    company: Company,
    actor: User,
    user: User,
    rights: Mapping[Permission, Scope],
    ip_address: str | None = None,
) -> Membership:
    """Links an existing advanced user (found by user key) to this company with rights under the
    actor's ceiling; they are told by e-mail. A former link of this company is taken up again."""
    if not user.is_active:
        raise ValidationError(_("Aucun utilisateur avancé ne correspond à cette clé."))
    membership = Membership.objects.select_for_update().filter(user=user, company=company).first()
    if membership is not None and not (
        membership.kind == MembershipKind.ADVANCED
        and membership.status == MembershipStatus.DEACTIVATED
    ):
        raise ValidationError(_("Cette personne est déjà liée à votre société."))
    if membership is None:
        membership = Membership.objects.create(
            user=user,
            company=company,
            kind=MembershipKind.ADVANCED,
            status=MembershipStatus.ACTIVE,
            created_by=actor,
        )
    else:
        membership.status, membership.deactivated_at = MembershipStatus.ACTIVE, None
        membership.save(update_fields=["status", "deactivated_at", "updated_at"])
    _rights_write(
        membership=membership,
        grouped=_by_application(rights),
        actor=actor,
        ip_address=ip_address,
    )
    audit_record(
        actor=actor,
        company=company,
        kind=AuditKind.ADVANCED_ASSOCIATED,
        target=membership,
        after={"user_key": user.user_key, "rights": _rights_summary(membership)},
        ip_address=ip_address,
    )
    _account_ready(membership)
    return membership


@transaction.atomic
def advanced_rights_update(
    *,
    membership: Membership,
    actor: User,
    rights: Mapping[Permission, Scope],
    applications: Iterable[Application],
    ip_address: str | None = None,
) -> bool:
    """Replaces an advanced user's rights on every offered application (one absent from `rights`
    loses its rights), all or nothing; an active person gets one e-mail with the new list."""
    changed = _rights_write(
        membership=membership,
        grouped=_by_application(rights, applications),
        actor=actor,
        ip_address=ip_address,
    )
    if changed and membership.is_active and membership.user.is_active and membership.user.email:
        emails.send_rights_changed(
            user=membership.user,
            company_name=membership.company.name,
            lines=rights_lines(membership=membership),
        )
    return changed


@transaction.atomic
def advanced_user_unlink(
    *, membership: Membership, actor: User, ip_address: str | None = None
) -> None:
    """Ends the link with this company only: every right it gave is revoked and open invitations
    stop working; the person keeps their account and their other companies."""
    now = timezone.now()
    before = {"status": membership.status, "rights": _rights_summary(membership)}
    grants = Grant.objects.filter(membership=membership).exclude(status=GrantStatus.REVOKED)
    revoked = grants.update(status=GrantStatus.REVOKED, revoked_at=now, updated_at=now)
    _withdraw_open(membership, now)
    membership.status, membership.deactivated_at = MembershipStatus.DEACTIVATED, now
    membership.save(update_fields=["status", "deactivated_at", "updated_at"])
    audit_record(
        actor=actor,
        company=membership.company,
        kind=AuditKind.ADVANCED_UNLINKED,
        target=membership,
        before=before,
        after={"status": membership.status, "revoked_grants": revoked},
        ip_address=ip_address,
    )


@transaction.atomic
def advanced_details_update(
    *,
    membership: Membership,
    actor: User,
    details: Mapping[str, str],
    tag: str,
    ip_address: str | None = None,
) -> bool:
    """An administrator corrects an advanced user's details (Colissimo guide §8) and sets the
    company's own tag for them, on the link: another company's tag never changes. The e-mail
    address is not among them: only its owner changes it, through a confirmed link."""
    if membership.kind != MembershipKind.ADVANCED or membership.status not in (
        MembershipStatus.ACTIVE,
        MembershipStatus.INVITED,
    ):
        raise ValidationError(_("Cette personne n'est plus liée à votre société."))
    user = membership.user
    before: dict[str, str] = {}
    after: dict[str, str] = {}
    for name in DETAIL_FIELDS:
        value = details.get(name, "").strip()
        if getattr(user, name) != value:
            before[name], after[name] = getattr(user, name), value
            setattr(user, name, value)
    if after:
        user.save(update_fields=list(after))
    tag = tag.strip()
    if membership.tag != tag:
        before["tag"], after["tag"] = membership.tag, tag
        membership.tag = tag
        membership.save(update_fields=["tag", "updated_at"])
    if not after:
        return False
    audit_record(
        actor=actor,
        company=membership.company,
        kind=AuditKind.USER_CHANGED,
        target=membership,
        before=before,
        after=after,
        ip_address=ip_address,
    )
    return True
