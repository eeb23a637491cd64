"""Writes of a person's own account: their details, and their e-mail address through a link sent
to the new address (one address per person, managed by the portal)."""

from collections.abc import Mapping
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from common.links import link_claim, new_link_key
from notifications import emails

from .. import selectors
from ..models import AuditKind, EmailChange, User
from .audit import audit_record
from .users import PERSONAL_FIELDS, _details

EMAIL_CHANGE_VALID_HOURS = 24
# Each request e-mails an address the person typed: a few a day is plenty, and no more spam.
EMAIL_CHANGES_PER_DAY = 5
OWN_FIELDS = tuple(name for name in PERSONAL_FIELDS if name != "email")


@transaction.atomic
def profile_update(*, user: User, details: Mapping[str, str], ip_address: str | None) -> User:
    """A person changes their own details; never their username, nor their e-mail address,
    which changes only through a confirmed link."""
    fields = _details({**details, "email": user.email})
    before: dict = {}
    after: dict = {}
    for name in OWN_FIELDS:
        if getattr(user, name) != fields[name]:
            before[name], after[name] = getattr(user, name), fields[name]
            setattr(user, name, fields[name])
    if not after:
        return user
    user.save(update_fields=list(after))
    audit_record(
        actor=user,
        company=None,
        kind=AuditKind.USER_CHANGED,
        target=user,
        before=before,
        after=after,
        ip_address=ip_address,
    )
    return user


@transaction.atomic
def email_change_request(*, user: User, new_email: str, ip_address: str | None) -> EmailChange:
    """Sends a single-use link to the new address; nothing changes until it is confirmed there.
    An address used by another login gets the same answer and the same e-mail: only whoever
    reads that mailbox learns, on opening the link, that it cannot be used."""
    new_email = new_email.strip().lower()
    if new_email == user.email.lower():
        raise ValidationError({"new_email": _("C'est déjà votre adresse e-mail.")})
    now = timezone.now()
    if (
        EmailChange.objects.filter(user=user, created_at__gt=now - timedelta(days=1)).count()
        >= EMAIL_CHANGES_PER_DAY
    ):
        raise ValidationError(
            {"new_email": _("Trop de demandes de changement aujourd'hui. Réessayez demain.")}
        )
    # Only the latest request can be confirmed.
    EmailChange.objects.open(now=now).filter(user=user).update(expires_at=now)
    key, digest = new_link_key()
    change = EmailChange.objects.create(
        user=user,
        new_email=new_email,
        key_hash=digest,
        created_at=now,
        expires_at=now + timedelta(hours=EMAIL_CHANGE_VALID_HOURS),
    )
    audit_record(
        actor=user,
        company=None,
        kind=AuditKind.USER_EMAIL_CHANGE_REQUESTED,
        target=user,
        after={"email": new_email},
        ip_address=ip_address,
    )
    path = reverse("accounts:email-change-confirm", kwargs={"key": key})
    emails.send_email_change_confirm(
        user=user,
        new_email=new_email,
        display_name=user.display_name,
        confirm_url=f"{settings.SITE_URL}{path}",
        valid_hours=EMAIL_CHANGE_VALID_HOURS,
    )
    return change


@transaction.atomic
def email_change_confirm(*, key: str, ip_address: str | None) -> tuple[str, EmailChange | None]:
    """The POST of a confirmation link: claims it, gives the person the new address (their only
    one: allauth's own address list is emptied), audits and tells the former address. Returns
    the link's state before ("open" when the address was changed) and the link."""
    found = selectors.email_change_lookup(key=key)
    change = found.link
    if change is None or not found.is_open:
        return found.state, change
    user = User.objects.select_for_update().get(pk=change.user_id)
    if not link_claim(change):
        return selectors.email_change_state(change), change
    old_email = user.email
    user.email = change.new_email
    try:
        with transaction.atomic():
            user.save(update_fields=["email"])
    except IntegrityError:  # taken between the check and now: the link stays used
        return selectors.EmailChangeState.UNAVAILABLE, change
    EmailAddress.objects.filter(user=user).delete()
    audit_record(
        actor=user,
        company=None,
        kind=AuditKind.USER_EMAIL_CHANGED,
        target=user,
        before={"email": old_email},
        after={"email": user.email},
        ip_address=ip_address,
    )
    if old_email:
        emails.send_email_changed(
            user=user, old_email=old_email, new_email=user.email, display_name=user.display_name
        )
    return found.state, change
