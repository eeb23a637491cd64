"""Provider access after it was offered: its end date (changed by the mandant, reminded to both
sides 14 days before, reached by a periodic task) and its rights (changed by the mandant without
withdrawing and offering again).

Rules kept here:
- the provider's grants carry the access's end date, so the rights engine stops counting them at
  that date even before the periodic task records the end;
- the reminder goes once per date: changing the date sends a new one when the new date nears;
- what the mandant adds to an active provider's rights is checked against the acting
  administrator's ceiling; narrowing or removing a right never is (it never escalates);
- every change writes an audit row; the other side is told by e-mail and portal message.
"""

from collections.abc import Mapping
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts import selectors as account_selectors
from accounts.models import Grant, Permission, User
from accounts.permissions import Ceiling, Scope
from accounts.services import AuditKind, audit_record, rights_errors
from accounts.services import rights_lines as held_lines
from accounts.services.grants import rights_replace
from notifications import emails
from notifications.services import message_create

from ..models import ProviderAccess, ProviderAccessStatus
from .providers import (
    _end,
    _grouped,
    _list_url,
    _locked,
    _mandant_admins,
    _mine_url,
    _stored,
    _tell_mandant,
)

END_REMINDER_DAYS = 14
OPEN = (ProviderAccessStatus.PENDING, ProviderAccessStatus.ACTIVE)


def _day(moment: datetime) -> str:
    """The end date as the reader writes dates (call under their language)."""
    return date_format(timezone.localtime(moment), "SHORT_DATE_FORMAT")


def _provider(access: ProviderAccess) -> User | None:
    """The provider's login, when it may still be told something."""
    user = access.user
    return user if user is not None and user.is_active and user.email else None


def _tell_provider(access: ProviderAccess, *, kind: str, params: dict) -> None:
    """A portal message to the provider (worded when read)."""
    provider = _provider(access)
    if provider is None:
        return
    message_create(
        user=provider, company=access.company, kind=kind, params=params, action_url=_mine_url()
    )


# --- End date ----------------------------------------------------------------------------------


@transaction.atomic
def provider_access_end_change(
    *,
    access: ProviderAccess,
    ends_at: datetime | None,
    actor: User,
    ip_address: str | None = None,
) -> ProviderAccess:
    """The mandant extends, brings forward or removes the end date of an open access: the
    provider's grants follow it, and the reminder is sent again before the new date."""
    access = _locked(access)
    if access.status not in OPEN:
        raise ValidationError(_("Cet accès prestataire est déjà terminé."))
    now = timezone.now()
    if ends_at is not None and ends_at <= now:
        raise ValidationError(_("Choisissez une date dans le futur."))
    before = access.ends_at
    if before == ends_at:
        return access
    access.ends_at, access.end_reminded_at = ends_at, None
    access.save(update_fields=["ends_at", "end_reminded_at"])
    if access.status == ProviderAccessStatus.ACTIVE and access.membership is not None:
        Grant.objects.active().filter(membership=access.membership).update(
            ends_at=ends_at, updated_at=now
        )
    audit_record(
        actor=actor,
        company=access.company,
        kind=AuditKind.PROVIDER_END_CHANGED,
        target=access,
        before={"ends_at": before.isoformat() if before else None},
        after={"ends_at": ends_at.isoformat() if ends_at else None},
        ip_address=ip_address,
    )
    if access.status == ProviderAccessStatus.ACTIVE:
        _tell_provider(
            access,
            kind="provider.end_changed",
            params={
                "company": access.company.name,
                "ends_at": ends_at.isoformat() if ends_at else None,
            },
        )
    return access


def provider_accesses_remind(*, now: datetime | None = None, days: int = END_REMINDER_DAYS) -> int:
    """Periodic: both sides of an active access are reminded once, `days` before it ends."""
    now = now or timezone.now()
    ids = list(
        ProviderAccess.objects.filter(
            status=ProviderAccessStatus.ACTIVE,
            ends_at__gt=now,
            ends_at__lte=now + timedelta(days=days),
            end_reminded_at__isnull=True,
        ).values_list("pk", flat=True)
    )
    return sum(_remind_one(pk, now=now, days=days) for pk in ids)


@transaction.atomic
def _remind_one(pk: int, *, now: datetime, days: int) -> int:
    """One access, claimed by a conditional update so that two runs remind it once."""
    if not ProviderAccess.objects.filter(
        pk=pk,
        status=ProviderAccessStatus.ACTIVE,
        ends_at__gt=now,
        ends_at__lte=now + timedelta(days=days),
        end_reminded_at__isnull=True,
    ).update(end_reminded_at=now):
        return 0
    access = ProviderAccess.objects.select_related("company", "user").get(pk=pk)
    assert access.ends_at is not None
    ends_at = access.ends_at
    provider = _provider(access)
    if provider is not None:
        with translation.override(provider.language):
            emails.send_provider_access_ending(
                user=provider,
                company_name=access.company.name,
                provider_email=access.email,
                ends_on=_day(ends_at),
                to_provider=True,
                url=settings.SITE_URL + _mine_url(),
            )
    for admin in _mandant_admins(access.company):
        with translation.override(admin.language):
            emails.send_provider_access_ending(
                user=admin,
                company_name=access.company.name,
                provider_email=access.email,
                ends_on=_day(ends_at),
                to_provider=False,
                url=_list_url(),
            )
    names = {"company": access.company.name, "email": access.email, "ends_at": ends_at.isoformat()}
    _tell_provider(access, kind="provider.ending", params={**names, "to_provider": True})
    _tell_mandant(company=access.company, kind="provider.ending", params=names)
    return 1


def provider_accesses_end_due(*, now: datetime | None = None) -> int:
    """Periodic: active accesses past their end date end; the provider membership is
    deactivated, its grants revoked, both sides told. (The engine stopped counting them at the
    date already; this records it.)"""
    now = now or timezone.now()
    ids = list(
        ProviderAccess.objects.filter(
            status=ProviderAccessStatus.ACTIVE, ends_at__lte=now
        ).values_list("pk", flat=True)
    )
    return sum(_end_one(pk, now=now) for pk in ids)


@transaction.atomic
def _end_one(pk: int, *, now: datetime) -> int:
    """One access, locked and re-read so that two runs end it once."""
    access = (
        ProviderAccess.objects.select_for_update(of=("self",))
        .select_related("company", "user", "membership")
        .filter(pk=pk, status=ProviderAccessStatus.ACTIVE, ends_at__lte=now)
        .first()
    )
    if access is None:
        return 0
    assert access.ends_at is not None
    revoked = _end(access, status=ProviderAccessStatus.ENDED, now=now)
    audit_record(
        actor=None,
        actor_repr="sesame",
        company=access.company,
        kind=AuditKind.PROVIDER_ENDED,
        target=access,
        before={"status": ProviderAccessStatus.ACTIVE, "ends_at": access.ends_at.isoformat()},
        after={"status": access.status, "revoked_grants": revoked},
    )
    _ended_told(access)
    return 1


def _ended_told(access: ProviderAccess) -> None:
    provider = _provider(access)
    if provider is not None:
        emails.send_provider_access_ended(
            user=provider,
            company_name=access.company.name,
            provider_email=access.email,
            to_provider=True,
            url=settings.SITE_URL + _mine_url(),
        )
    for admin in _mandant_admins(access.company):
        emails.send_provider_access_ended(
            user=admin,
            company_name=access.company.name,
            provider_email=access.email,
            to_provider=False,
            url=_list_url(),
        )
    names = {"company": access.company.name, "email": access.email}
    _tell_provider(access, kind="provider.ended", params={**names, "to_provider": True})
    _tell_mandant(company=access.company, kind="provider.ended", params=names)


# --- Rights --------------------------------------------------------------------------------------


def _rights_change_errors(
    *, access: ProviderAccess, rights: Mapping[Permission, Scope], ceiling: Ceiling
) -> list[str]:
    """Why these rights cannot replace the active provider's: the usual rules of the rights
    editor (only what is added is checked against the ceiling), per enabled application."""
    if not rights:
        return [
            _(
                "Un prestataire garde au moins un droit : pour tout lui retirer, retirez son "
                "accès prestataire."
            )
        ]
    enabled = account_selectors.enabled_application_list(company=access.company)
    grouped = _grouped(rights)
    errors: list[str] = []
    if set(grouped) - set(enabled) or any(not p.is_active for p in rights):
        errors.append(_("Droit inconnu pour cette société."))
    assert access.membership is not None
    for application in enabled:
        errors.extend(
            rights_errors(
                membership=access.membership,
                application=application,
                rights=grouped.get(application, {}),
                ceiling=ceiling,
            )
        )
    return list(dict.fromkeys(errors))


@transaction.atomic
def provider_access_rights_change(
    *,
    access: ProviderAccess,
    rights: Mapping[Permission, Scope],
    actor: User,
    ip_address: str | None = None,
) -> bool:
    """The mandant narrows, extends or removes an active provider's rights without withdrawing
    the access: what is added must be under the actor's ceiling; all or nothing; the provider
    is told what they now hold. Returns whether anything changed."""
    access = _locked(access)
    membership = access.membership
    if access.status != ProviderAccessStatus.ACTIVE or membership is None:
        raise ValidationError(_("Cet accès prestataire n'est pas actif."))
    ceiling = Ceiling.for_actor(actor=actor, company=access.company)
    if errors := _rights_change_errors(access=access, rights=rights, ceiling=ceiling):
        raise ValidationError(errors)
    grouped = _grouped(rights)
    changed = False
    for application in account_selectors.enabled_application_list(company=access.company):
        changed |= bool(
            rights_replace(
                membership=membership,
                application=application,
                rights=grouped.get(application, {}),
                actor=actor,
                ceiling=ceiling,
                ip_address=ip_address,
                notify=False,
            )
        )
    if not changed:
        return False
    # New grants carry the access's end date too, so that the engine stops them with the rest.
    Grant.objects.active().filter(membership=membership).update(ends_at=access.ends_at)
    before = access.requested_rights
    access.requested_rights = _stored(rights)
    access.save(update_fields=["requested_rights"])
    audit_record(
        actor=actor,
        company=access.company,
        kind=AuditKind.PROVIDER_RIGHTS_CHANGED,
        target=access,
        before={"rights": before},
        after={"rights": access.requested_rights},
        ip_address=ip_address,
    )
    _rights_told(access)
    return True


def _rights_told(access: ProviderAccess) -> None:
    provider = _provider(access)
    if provider is None or access.membership is None:
        return
    with translation.override(provider.language):
        lines = held_lines(membership=access.membership)
    emails.send_rights_changed(user=provider, company_name=access.company.name, lines=lines)
    _tell_provider(access, kind="provider.rights_changed", params={"company": access.company.name})
