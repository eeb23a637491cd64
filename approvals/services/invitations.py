"""Customer admins by invitation (SPEC C5): whoever owns an address, nobody becomes a member of a
company, nor its customer admin, without saying yes.

Rules kept here:
- the inviting admin learns nothing about the address: the same answer, the same row (the address
  and the names they typed), the same audit row, whether a login has it, has none, or belongs to
  their own company; a new address gets a login of no company and the create-your-password
  e-mail, an existing login an invitation e-mail and a portal message;
- the invitation is a single-use link (common/links.py): the person accepts or refuses signed in
  with the login of that address; accepting makes them an employee of the company (kept as it is
  if they already belong to it) and an active customer admin of the account, once;
- the inviter resends (new key, new validity) or withdraws a pending invitation;
- every change writes an audit row.
"""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import selectors as account_selectors
from accounts.models import Membership, User
from accounts.services import (
    AuditKind,
    audit_record,
    login_register,
    membership_add,
    password_reset_url,
)
from common.links import link_claim, new_link_key
from notifications import emails
from notifications.services import message_create, messages_settle

from ..models import (
    AdminInvitation,
    AdminInvitationStatus,
    CustomerAdmin,
    Origin,
    ProtectedAccount,
    Status,
)
from .normalise import normalise_email

VALID_DAYS = 14
MESSAGE_KIND = "esecure.admin_invited"


def _link_url(key: str) -> str:
    return settings.SITE_URL + reverse("approvals:admin-invitation-link", args=[key])


def _refusals(*, protected: ProtectedAccount, email: str) -> dict[str, str]:
    """Refusals that tell the inviter only what their list already shows."""
    if CustomerAdmin.objects.filter(
        protected_account=protected, user__email__iexact=email, status=Status.ACTIVE
    ).exists():
        return {
            "email": _("%(email)s est déjà administrateur du compte %(account)s.")
            % {"email": email, "account": protected.account.number}
        }
    if AdminInvitation.objects.pending().filter(protected_account=protected, email=email).exists():
        return {
            "email": _(
                "Une invitation attend déjà la réponse de cette adresse pour ce compte : "
                "renvoyez-la ou retirez-la depuis la liste des administrateurs clients."
            )
        }
    return {}


@transaction.atomic
def admin_invite(
    *,
    protected: ProtectedAccount,
    email: str,
    first_name: str,
    last_name: str,
    language: str,
    actor: User,
    origin: str = Origin.MANUAL,
    ip_address: str | None = None,
) -> AdminInvitation:
    """Invites an address to become customer admin of a protected account; what the inviter
    sees never depends on who owns the address."""
    try:
        email = normalise_email(email)
    except ValidationError:
        raise ValidationError(
            {"email": _("« %(email)s » n'est pas une adresse e-mail valide.") % {"email": email}}
        ) from None
    if refusal := _refusals(protected=protected, email=email):
        raise ValidationError(refusal)
    key, digest = new_link_key()
    now = timezone.now()
    invitation = AdminInvitation.objects.create(
        protected_account=protected,
        email=email,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        language=language or settings.LANGUAGE_CODE,
        origin=origin,
        invited_by=actor,
        key_hash=digest,
        created_at=now,
        sent_at=now,
        expires_at=now + timedelta(days=VALID_DAYS),
    )
    audit_record(
        actor=actor,
        company=protected.account.company,
        kind=AuditKind.ESECURE_ADMIN_INVITED,
        target=invitation,
        after={
            "account": protected.account.number,
            "email": email,
            "first_name": invitation.first_name,
            "last_name": invitation.last_name,
            "expires_at": invitation.expires_at.isoformat(),
        },
        ip_address=ip_address,
    )
    _send(invitation, key=key, actor=actor, ip_address=ip_address)
    return invitation


def _send(invitation: AdminInvitation, *, key: str, actor: User, ip_address: str | None) -> None:
    """The e-mail (and, to a login, a portal message); a new address first gets its login."""
    protected = invitation.protected_account
    company = protected.account.company
    login = account_selectors.user_by_email(email=invitation.email)
    if login is None:
        login = login_register(
            email=invitation.email,
            first_name=invitation.first_name,
            last_name=invitation.last_name,
            language=invitation.language,
            actor=actor,
            ip_address=ip_address,
        )
    if _made_by_an_invitation(login):
        emails.send_esecure_create_password(
            user=login,
            display_name=login.display_name,
            account_number=protected.account.number,
            company_name=company.name,
            create_url=password_reset_url(user=login),
            valid_hours=settings.PASSWORD_RESET_TIMEOUT // 3600,
            invitation_url=_link_url(key),
            invited_by=actor.display_name,
            valid_days=VALID_DAYS,
        )
    else:
        emails.send_esecure_admin_invitation(
            user=login,
            invited_by=actor.display_name,
            account_number=protected.account.number,
            company_name=company.name,
            link_url=_link_url(key),
            valid_days=VALID_DAYS,
        )
    if login.is_active:
        message_create(
            user=login,
            company=company,
            kind=MESSAGE_KIND,
            params={
                "admin": actor.display_name,
                "account": protected.account.number,
                "company": company.name,
            },
            action_url=reverse("approvals:admin-invitation-mine"),
            topic=_topic(invitation),
        )


def _topic(invitation: AdminInvitation) -> str:
    """What the invitation's inbox message announces: closed once it is answered or withdrawn."""
    return f"esecure.invitation:{invitation.pk}"


def _made_by_an_invitation(login: User) -> bool:
    """A login of no company that never had a password (`login_register`): it creates its
    password before answering. Any other login, a technical one included, never receives a
    password link from here."""
    return (
        not login.has_usable_password()
        and login.last_login is None
        and not Membership.objects.filter(user=login).exists()
    )


def _locked(invitation: AdminInvitation) -> AdminInvitation:
    return (
        AdminInvitation.objects.select_for_update(of=("self",))
        .select_related("protected_account__account__company", "invited_by")
        .get(pk=invitation.pk)
    )


# --- The inviter -----------------------------------------------------------------------------


@transaction.atomic
def admin_invitation_resend(
    *, invitation: AdminInvitation, actor: User, ip_address: str | None = None
) -> AdminInvitation:
    """A pending invitation (expired or not) gets a new key and a new validity: the previous
    link stops working; the address is told again."""
    invitation = _locked(invitation)
    if invitation.status != AdminInvitationStatus.PENDING or invitation.used_at is not None:
        raise ValidationError(_("Cette invitation a déjà reçu une réponse ou a été retirée."))
    key, digest = new_link_key()
    now = timezone.now()
    before = {"expires_at": invitation.expires_at.isoformat()}
    invitation.key_hash, invitation.sent_at = digest, now
    invitation.expires_at = now + timedelta(days=VALID_DAYS)
    invitation.save(update_fields=["key_hash", "sent_at", "expires_at"])
    audit_record(
        actor=actor,
        company=invitation.protected_account.account.company,
        kind=AuditKind.ESECURE_ADMIN_INVITATION_RESENT,
        target=invitation,
        before=before,
        after={"email": invitation.email, "expires_at": invitation.expires_at.isoformat()},
        ip_address=ip_address,
    )
    messages_settle(topic=_topic(invitation))  # the new message replaces the earlier one
    _send(invitation, key=key, actor=actor, ip_address=ip_address)
    return invitation


@transaction.atomic
def admin_invitation_withdraw(
    *, invitation: AdminInvitation, actor: User, ip_address: str | None = None
) -> AdminInvitation:
    """A pending invitation is withdrawn: its link stops working at once."""
    invitation = _locked(invitation)
    if invitation.status != AdminInvitationStatus.PENDING or invitation.used_at is not None:
        raise ValidationError(_("Cette invitation a déjà reçu une réponse ou a été retirée."))
    invitation.status = AdminInvitationStatus.WITHDRAWN
    invitation.save(update_fields=["status"])
    audit_record(
        actor=actor,
        company=invitation.protected_account.account.company,
        kind=AuditKind.ESECURE_ADMIN_INVITATION_WITHDRAWN,
        target=invitation,
        before={"status": AdminInvitationStatus.PENDING},
        after={"status": invitation.status, "email": invitation.email},
        ip_address=ip_address,
    )
    messages_settle(topic=_topic(invitation))
    return invitation


# --- The invited person ----------------------------------------------------------------------


def is_addressee(*, invitation: AdminInvitation, user: User) -> bool:
    """Is this signed-in login the one the invitation was sent to?"""
    return bool(user.is_active and user.email and user.email.lower() == invitation.email)


def _answerable(invitation: AdminInvitation, user: User, now) -> None:
    if not is_addressee(invitation=invitation, user=user):
        raise ValidationError(_("Cette invitation est adressée à une autre adresse e-mail."))
    if invitation.status != AdminInvitationStatus.PENDING or not link_claim(invitation, now=now):
        raise ValidationError(_("Cette invitation a déjà reçu une réponse ou n'est plus valable."))


@transaction.atomic
def admin_invitation_accept(
    *, invitation: AdminInvitation, user: User, ip_address: str | None = None
) -> CustomerAdmin:
    """The addressee, signed in, accepts: member of the company and active customer admin of
    the account, once (the link is claimed first)."""
    invitation = _locked(invitation)
    now = timezone.now()
    _answerable(invitation, user, now)
    protected = invitation.protected_account
    company = protected.account.company
    membership_add(
        user=user,
        company=company,
        actor=user,
        created_by=invitation.invited_by,
        ip_address=ip_address,
    )
    admin, created = CustomerAdmin.objects.get_or_create(
        protected_account=protected,
        user=user,
        defaults={
            "origin": invitation.origin,
            "assigned_by": invitation.invited_by,
            "status": Status.ACTIVE,
        },
    )
    if not created and admin.status != Status.ACTIVE:
        admin.status, admin.assigned_by = Status.ACTIVE, invitation.invited_by
        admin.save(update_fields=["status", "assigned_by", "modified_at"])
    invitation.status, invitation.answered_at, invitation.answered_by = (
        AdminInvitationStatus.ACCEPTED,
        now,
        user,
    )
    invitation.save(update_fields=["status", "answered_at", "answered_by"])
    audit_record(
        actor=user,
        company=company,
        kind=AuditKind.ESECURE_ADMIN_INVITATION_ACCEPTED,
        target=invitation,
        before={"status": AdminInvitationStatus.PENDING},
        after={
            "status": invitation.status,
            "account": protected.account.number,
            "user": user.username,
            "customer_admin": admin.pk,
        },
        ip_address=ip_address,
    )
    messages_settle(topic=_topic(invitation))
    return admin


@transaction.atomic
def admin_invitation_refuse(
    *, invitation: AdminInvitation, user: User, ip_address: str | None = None
) -> AdminInvitation:
    """The addressee, signed in, refuses: nothing is created; the inviter sees it in the list."""
    invitation = _locked(invitation)
    now = timezone.now()
    _answerable(invitation, user, now)
    invitation.status, invitation.answered_at, invitation.answered_by = (
        AdminInvitationStatus.REFUSED,
        now,
        user,
    )
    invitation.save(update_fields=["status", "answered_at", "answered_by"])
    # Recorded under the address, not the person: whoever said no stays unknown to the
    # inviting company (the login is kept on the invitation, for support).
    audit_record(
        actor=None,
        actor_repr=invitation.email,
        company=invitation.protected_account.account.company,
        kind=AuditKind.ESECURE_ADMIN_INVITATION_REFUSED,
        target=invitation,
        before={"status": AdminInvitationStatus.PENDING},
        after={"status": invitation.status, "email": invitation.email},
    )
    messages_settle(topic=_topic(invitation))
    return invitation
