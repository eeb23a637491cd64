"""Provider access (Swiss Post, SPEC C4): an administrator offers rights on their company's
accounts to a person of another company, by e-mail address; that person accepts with their own
login, or refuses; the mandant withdraws it and the provider gives it up at any time; an offer
nobody answers expires.

Rules kept here:
- the offer never says whether a login has the address (same page, same e-mail either way);
  only the company's own people are refused, by name of the rule; offers are rate-limited per
  administrator and audited;
- what is offered is checked against the offering administrator's ceiling when offered, and
  again when accepted (their rights may have shrunk since); nothing outside it is ever written;
- a provider membership never carries user-management rights: a provider acting for the mandant
  never reaches its user management;
- every change writes an audit row; e-mails and portal messages tell the other side.
"""

from collections.abc import Mapping
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts import selectors as account_selectors
from accounts.models import (
    Application,
    Company,
    Grant,
    GrantStatus,
    Membership,
    MembershipKind,
    MembershipStatus,
    Permission,
    User,
)
from accounts.permissions import MANAGEMENT_RIGHTS, Ceiling, Scope, profile_errors, scope_errors
from accounts.services import AuditKind, audit_record
from accounts.services.grants import rights_replace
from common.links import link_claim, new_link_key
from notifications import emails
from notifications.services import message_create, messages_settle

from ..models import (
    ProviderAccess,
    ProviderAccessRequest,
    ProviderAccessStatus,
    ProviderRequestStatus,
)
from ..selectors import rights_lines

RATE_KEY = "provider-offers:{user_id}"


# --- Checks ----------------------------------------------------------------------------------


def _hourly_count(key: str) -> int:
    """Counts one more attempt under `key` in the current hour."""
    cache.add(key, 0, timeout=3600)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=3600)
        return 1


def _offer_rate_check(actor: User) -> None:
    """At most PROVIDER_OFFERS_PER_HOUR offers per administrator and hour (every attempt that
    names an address counts, so that the page cannot be used to probe many addresses)."""
    if _hourly_count(RATE_KEY.format(user_id=actor.pk)) > settings.PROVIDER_OFFERS_PER_HOUR:
        raise ValidationError(
            _(
                "Vous avez proposé beaucoup d'accès prestataires en peu de temps. Réessayez "
                "dans une heure."
            )
        )


def _grouped(rights: Mapping[Permission, Scope]) -> dict[Application, dict[Permission, Scope]]:
    grouped: dict[Application, dict[Permission, Scope]] = {}
    for permission, scope in rights.items():
        grouped.setdefault(permission.application, {})[permission] = scope
    return grouped


def provider_rights_errors(
    *, company: Company, rights: Mapping[Permission, Scope], ceiling: Ceiling
) -> list[str]:
    """Why these rights cannot be offered to a provider of `company` under `ceiling`."""
    if not rights:
        return [_("Choisissez au moins un droit à accorder au prestataire.")]
    enabled = {a.pk for a in account_selectors.enabled_application_list(company=company)}
    errors: list[str] = []
    for application, app_rights in _grouped(rights).items():
        if application.pk not in enabled:
            errors.append(_("Application inconnue pour cette société."))
            continue
        for permission, scope in app_rights.items():
            if not permission.is_active:
                errors.append(_("Droit inconnu pour cette application."))
                continue
            errors.extend(scope_errors(company=company, application=application, scope=scope))
            decision = ceiling.can_grant(permission, scope)
            if not decision:
                errors.append(decision.reason)
        errors.extend(profile_errors(application=application, rights=app_rights))
    return list(dict.fromkeys(errors))


def _address_errors(*, company: Company, email: str) -> dict[str, str]:
    """Refusals that say nothing about people outside the company: the company's own people,
    its current providers and pending offers are already visible to its administrators."""
    login = account_selectors.user_by_email(email=email)
    if login is not None:
        here = Membership.objects.filter(user=login, company=company).first()
        if here is not None and here.kind != MembershipKind.PROVIDER:
            return {
                "email": _(
                    "Cette adresse est celle d'un utilisateur de votre société : donnez-lui des "
                    "droits depuis « Mes utilisateurs »."
                )
            }
        if here is not None and here.status == MembershipStatus.ACTIVE:
            return {"email": _("Cette personne est déjà prestataire de votre société.")}
    if ProviderAccess.objects.for_company(company).pending().filter(email=email).exists():
        return {
            "email": _(
                "Un accès prestataire attend déjà la réponse de cette adresse. Retirez-le "
                "d'abord pour en proposer un autre."
            )
        }
    return {}


# --- Helpers ---------------------------------------------------------------------------------


def _stored(rights: Mapping[Permission, Scope]) -> dict[str, dict]:
    return {
        str(p.pk): scope.as_dict() for p, scope in sorted(rights.items(), key=lambda r: r[0].pk)
    }


def _requested(access: ProviderAccess) -> dict[Permission, Scope]:
    ids = [int(pk) for pk in access.requested_rights]
    permissions = Permission.objects.filter(pk__in=ids).select_related("application")
    return {p: Scope.of(**access.requested_rights[str(p.pk)]) for p in permissions}


def _link_url(key: str) -> str:
    return settings.SITE_URL + reverse("delegation:provider-link", args=[key])


def _list_url() -> str:
    return settings.SITE_URL + reverse("delegation:provider-list")


def _mine_url() -> str:
    return reverse("delegation:provider-list-mine")


def _mandant_admins(company: Company) -> list[User]:
    return [
        m.user
        for m in account_selectors.company_admin_list(company=company)
        if m.kind != MembershipKind.PROVIDER
    ]


def _tell_mandant(*, company: Company, kind: str, params: dict, topic: str = "") -> None:
    """A portal message to each administrator of the mandant (worded when read)."""
    for admin in _mandant_admins(company):
        message_create(
            user=admin,
            company=company,
            kind=kind,
            params=params,
            action_url=reverse("delegation:provider-list"),
            topic=topic,
        )


def access_topic(access: ProviderAccess) -> str:
    """What the offer's inbox message announces: closed once answered, withdrawn or expired."""
    return f"provider.access:{access.pk}"


def request_topic(access_request: ProviderAccessRequest) -> str:
    """What the admins' messages about a provider's request announce: closed once answered."""
    return f"provider.request:{access_request.pk}"


def _end(access: ProviderAccess, *, status: str, now) -> int:
    """The provider membership stops counting and its grants are revoked."""
    revoked = 0
    if access.membership is not None:
        membership = access.membership
        grants = Grant.objects.filter(membership=membership).exclude(status=GrantStatus.REVOKED)
        revoked = grants.update(status=GrantStatus.REVOKED, revoked_at=now, updated_at=now)
        membership.status, membership.deactivated_at = MembershipStatus.DEACTIVATED, now
        membership.save(update_fields=["status", "deactivated_at", "updated_at"])
    access.status, access.ended_at = status, now
    access.save(update_fields=["status", "ended_at"])
    messages_settle(topic=access_topic(access))
    return revoked


def _locked(access: ProviderAccess) -> ProviderAccess:
    return (
        ProviderAccess.objects.select_for_update(of=("self",))
        .select_related("company", "created_by", "user", "membership")
        .get(pk=access.pk)
    )


# --- Offer -----------------------------------------------------------------------------------


@transaction.atomic
def provider_access_offer(
    *,
    company: Company,
    email: str,
    remark: str,
    rights: Mapping[Permission, Scope],
    actor: User,
    ip_address: str | None = None,
    ends_at=None,
    answering: ProviderAccessRequest | None = None,
) -> ProviderAccess:
    """Offers provider access to an e-mail address, with rights under the actor's ceiling; the
    address gets a 30-day single-use link, whether or not a login has it (no disclosure).
    `answering`: the provider's request this offer answers (then marked as answered)."""
    email = email.strip().lower()
    _offer_rate_check(actor)
    if refusal := _address_errors(company=company, email=email):
        raise ValidationError(refusal)
    ceiling = Ceiling.for_actor(actor=actor, company=company)
    if errors := provider_rights_errors(company=company, rights=rights, ceiling=ceiling):
        raise ValidationError(errors)
    key, digest = new_link_key()
    now = timezone.now()
    access = ProviderAccess.objects.create(
        company=company,
        email=email,
        remark=remark.strip(),
        requested_rights=_stored(rights),
        created_by=actor,
        key_hash=digest,
        created_at=now,
        expires_at=now + timedelta(days=settings.PROVIDER_ACCESS_VALID_DAYS),
        ends_at=ends_at,
    )
    if answering is not None:
        _request_answered(answering, access=access, actor=actor, now=now)
    audit_record(
        actor=actor,
        company=company,
        kind=AuditKind.PROVIDER_OFFERED,
        target=access,
        after={
            "email": email,
            "remark": access.remark,
            "rights": access.requested_rights,
            "expires_at": access.expires_at.isoformat(),
            "ends_at": ends_at.isoformat() if ends_at else None,
            "request": answering.pk if answering is not None else None,
        },
        ip_address=ip_address,
    )
    login = account_selectors.user_by_email(email=email)
    language = login.language if login is not None else actor.language
    with translation.override(language):
        lines = rights_lines(access.requested_rights)
    emails.send_provider_access_offered(
        recipient=email,
        language=language,
        company_name=company.name,
        offered_by=actor.display_name,
        remark=access.remark,
        lines=lines,
        link_url=_link_url(key),
        valid_days=settings.PROVIDER_ACCESS_VALID_DAYS,
        user=login,
    )
    if login is not None and login.is_active:
        message_create(
            user=login,
            company=company,
            kind="provider.offered",
            params={"admin": actor.display_name, "company": company.name},
            action_url=_mine_url(),
            topic=access_topic(access),
        )
    return access


def _request_answered(
    access_request: ProviderAccessRequest, *, access: ProviderAccess, actor: User, now
) -> None:
    """The request an offer answers: still pending and of the offering company, claimed once."""
    if not (
        ProviderAccessRequest.objects.filter(
            pk=access_request.pk,
            company=access.company,
            status=ProviderRequestStatus.PENDING,
        ).update(
            status=ProviderRequestStatus.GRANTED, decided_at=now, decided_by=actor, access=access
        )
    ):
        raise ValidationError(_("Cette demande d'accès a déjà été traitée."))
    messages_settle(topic=request_topic(access_request))


# --- The provider's answer -------------------------------------------------------------------


def provider_answer_errors(*, access: ProviderAccess, user: User) -> list[str]:
    """Why this signed-in person may not answer this offer (accept or refuse)."""
    if access.status != ProviderAccessStatus.PENDING:
        return [_("Cette demande a déjà reçu une réponse ou n'est plus valable.")]
    if not user.is_active or not user.email or user.email.lower() != access.email:
        return [
            _(
                "Cette demande est adressée à une autre adresse e-mail : connectez-vous avec le "
                "login de l'adresse qui l'a reçue."
            )
        ]
    return []


def provider_accept_errors(*, access: ProviderAccess, user: User) -> list[str]:
    """Why this person may not accept: the answer rules, plus a login of another company."""
    if errors := provider_answer_errors(access=access, user=user):
        return errors
    if access.ends_at is not None and access.ends_at <= timezone.now():
        return [
            _(
                "Cet accès prestataire a déjà atteint sa date de fin : demandez à la société de "
                "vous en proposer un nouveau."
            )
        ]
    own = Membership.objects.filter(user=user).exclude(kind=MembershipKind.PROVIDER)
    if own.filter(company=access.company).exists():
        return [_("Vous faites partie de cette société : un accès prestataire ne vous sert pas.")]
    if not own.active().exclude(company=access.company).exists():
        return [
            _(
                "Un accès prestataire s'accepte avec le login de votre propre société. Demandez "
                "d'abord un login à l'administrateur de votre société."
            )
        ]
    return []


def _claim(access: ProviderAccess, now) -> None:
    if not link_claim(access, now=now):
        raise ValidationError(_("Cette demande a déjà reçu une réponse ou n'est plus valable."))


def _provider_membership(access: ProviderAccess, user: User) -> Membership:
    """A new provider membership, or the former one taken up again, never with management
    rights (a provider never manages the mandant's users)."""
    membership = Membership.objects.select_for_update().filter(user=user, company=access.company)
    existing = membership.first()
    if existing is None:
        return Membership.objects.create(
            user=user,
            company=access.company,
            kind=MembershipKind.PROVIDER,
            status=MembershipStatus.ACTIVE,
            remark=access.remark,
            created_by=access.created_by,
        )
    if existing.kind != MembershipKind.PROVIDER or existing.status == MembershipStatus.ACTIVE:
        raise ValidationError(_("Vous avez déjà un accès à cette société."))
    existing.status, existing.deactivated_at = MembershipStatus.ACTIVE, None
    existing.remark, existing.created_by = access.remark, access.created_by
    for name in MANAGEMENT_RIGHTS:
        setattr(existing, name, False)
    existing.save()
    return existing


@transaction.atomic
def provider_access_accept(
    *, access: ProviderAccess, user: User, ip_address: str | None = None
) -> Membership:
    """The addressee, signed in with a login of another company, accepts: a provider membership
    in the mandant with the offered rights, re-checked against the offering administrator's
    ceiling (nothing is written if it no longer holds them). Acts once (the link is claimed)."""
    access = _locked(access)
    if errors := provider_accept_errors(access=access, user=user):
        raise ValidationError(errors)
    now = timezone.now()
    _claim(access, now)
    granting = access.created_by
    if granting is None:
        raise ValidationError(_("L'administrateur qui a proposé cet accès n'existe plus."))
    membership = _provider_membership(access, user)
    ceiling = Ceiling.for_actor(actor=granting, company=access.company)
    for application, rights in _grouped(_requested(access)).items():
        try:
            rights_replace(
                membership=membership,
                application=application,
                rights=rights,
                actor=granting,
                ceiling=ceiling,
                ip_address=ip_address,
                notify=False,
            )
        except ValidationError:
            raise ValidationError(
                _(
                    "Les droits proposés dépassent désormais ceux de l'administrateur qui les a "
                    "proposés : rien n'a été accordé. Demandez-lui une nouvelle proposition."
                )
            ) from None
    if access.ends_at is not None:
        Grant.objects.active().filter(membership=membership).update(ends_at=access.ends_at)
    access.status, access.decided_at = ProviderAccessStatus.ACTIVE, now
    access.user, access.membership = user, membership
    access.save(update_fields=["status", "decided_at", "user", "membership"])
    audit_record(
        actor=user,
        company=access.company,
        kind=AuditKind.PROVIDER_ACCEPTED,
        target=access,
        before={"status": ProviderAccessStatus.PENDING},
        after={"status": access.status, "user": user.username, "membership": membership.pk},
        ip_address=ip_address,
    )
    _answer_told(access, user, accepted=True)
    return membership


@transaction.atomic
def provider_access_refuse(
    *, access: ProviderAccess, user: User, ip_address: str | None = None
) -> ProviderAccess:
    """The addressee refuses: nothing is granted; the mandant's administrators are told."""
    access = _locked(access)
    if errors := provider_answer_errors(access=access, user=user):
        raise ValidationError(errors)
    now = timezone.now()
    _claim(access, now)
    access.status, access.decided_at, access.user = ProviderAccessStatus.REFUSED, now, user
    access.save(update_fields=["status", "decided_at", "user"])
    audit_record(
        actor=user,
        company=access.company,
        kind=AuditKind.PROVIDER_REFUSED,
        target=access,
        before={"status": ProviderAccessStatus.PENDING},
        after={"status": access.status, "user": user.username},
        ip_address=ip_address,
    )
    _answer_told(access, user, accepted=False)
    return access


def _answer_told(access: ProviderAccess, user: User, *, accepted: bool) -> None:
    messages_settle(topic=access_topic(access))
    for admin in _mandant_admins(access.company):
        emails.send_provider_access_answered(
            user=admin,
            provider_name=user.display_name,
            provider_email=access.email,
            company_name=access.company.name,
            accepted=accepted,
            url=_list_url(),
        )
    names = {"name": user.display_name, "email": access.email, "company": access.company.name}
    _tell_mandant(
        company=access.company, kind="provider.answered", params={**names, "accepted": accepted}
    )


# --- Ending an access ------------------------------------------------------------------------


@transaction.atomic
def provider_access_withdraw(
    *, access: ProviderAccess, actor: User, ip_address: str | None = None
) -> ProviderAccess:
    """The mandant withdraws an offer or an active access at any time: the link stops working,
    the provider loses every right of it at once, and is told."""
    access = _locked(access)
    if access.status not in (ProviderAccessStatus.PENDING, ProviderAccessStatus.ACTIVE):
        raise ValidationError(_("Cet accès prestataire est déjà terminé."))
    was_active = access.status == ProviderAccessStatus.ACTIVE
    revoked = _end(access, status=ProviderAccessStatus.WITHDRAWN, now=timezone.now())
    audit_record(
        actor=actor,
        company=access.company,
        kind=AuditKind.PROVIDER_WITHDRAWN,
        target=access,
        before={"status": "active" if was_active else "pending"},
        after={"status": access.status, "revoked_grants": revoked},
        ip_address=ip_address,
    )
    login = access.user or account_selectors.user_by_email(email=access.email)
    emails.send_provider_access_withdrawn(
        recipient=access.email,
        language=login.language if login is not None else actor.language,
        company_name=access.company.name,
        was_active=was_active,
        user=login,
    )
    if login is not None and login.is_active:
        message_create(
            user=login,
            company=access.company,
            kind="provider.withdrawn",
            params={"company": access.company.name},
            action_url=_mine_url(),
        )
    return access


@transaction.atomic
def provider_access_give_up(
    *, access: ProviderAccess, user: User, ip_address: str | None = None
) -> ProviderAccess:
    """The provider gives an active access up at any time: their rights there end at once; the
    mandant's administrators are told."""
    access = _locked(access)
    if access.status != ProviderAccessStatus.ACTIVE or access.user_id != user.pk:
        raise ValidationError(_("Cet accès prestataire n'est pas actif."))
    revoked = _end(access, status=ProviderAccessStatus.GIVEN_UP, now=timezone.now())
    audit_record(
        actor=user,
        company=access.company,
        kind=AuditKind.PROVIDER_GIVEN_UP,
        target=access,
        before={"status": ProviderAccessStatus.ACTIVE},
        after={"status": access.status, "revoked_grants": revoked},
        ip_address=ip_address,
    )
    for admin in _mandant_admins(access.company):
        emails.send_provider_access_given_up(
            user=admin,
            provider_name=user.display_name,
            provider_email=access.email,
            company_name=access.company.name,
            url=_list_url(),
        )
    names = {"name": user.display_name, "email": access.email, "company": access.company.name}
    _tell_mandant(company=access.company, kind="provider.given_up", params=names)
    return access


def provider_accesses_expire(*, now=None) -> int:
    """Periodic: offers unanswered past their time expire; whoever offered them is told."""
    now = now or timezone.now()
    ids = list(
        ProviderAccess.objects.pending().filter(expires_at__lte=now).values_list("pk", flat=True)
    )
    return sum(_expire_one(pk, now) for pk in ids)


@transaction.atomic
def _expire_one(pk: int, now) -> int:
    """One offer, claimed by a conditional update so that two runs expire it once."""
    if not (
        ProviderAccess.objects.pending()
        .filter(pk=pk, expires_at__lte=now)
        .update(status=ProviderAccessStatus.EXPIRED, ended_at=now)
    ):
        return 0
    access = ProviderAccess.objects.select_related("company", "created_by").get(pk=pk)
    messages_settle(topic=access_topic(access))
    audit_record(
        actor=None,
        actor_repr="sesame",
        company=access.company,
        kind=AuditKind.PROVIDER_EXPIRED,
        target=access,
        before={"status": ProviderAccessStatus.PENDING},
        after={"status": access.status, "expires_at": access.expires_at.isoformat()},
    )
    admin = access.created_by
    if admin is not None and admin.is_active and admin.email:
        emails.send_provider_access_expired(
            user=admin,
            provider_email=access.email,
            company_name=access.company.name,
            valid_days=settings.PROVIDER_ACCESS_VALID_DAYS,
            url=_list_url(),
        )
    return 1
