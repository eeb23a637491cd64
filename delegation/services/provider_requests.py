"""A provider asks a company for provider access (Swiss Post): from their own page, with one of
the company's customer account numbers and a message. The company's administrators find it in
their portal inbox and by e-mail, and answer by offering access (the usual offer) or declining.

Rules kept here:
- the requester learns nothing about the company: the answer is the same whether the number
  exists or not, whether a request is already waiting, whether they already work for it; only
  a request to an existing, active company is stored;
- requests are rate-limited per person (each attempt counts), so that numbers cannot be probed;
- every stored request and every decline writes an audit row; the other side is told.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import selectors as account_selectors
from accounts.models import Membership, MembershipKind, MembershipStatus, User
from accounts.services import AuditKind, audit_record
from notifications import emails
from notifications.services import message_create, messages_settle

from ..models import ProviderAccess, ProviderAccessRequest, ProviderRequestStatus
from ..selectors import provider_request_company
from .providers import (
    _hourly_count,
    _list_url,
    _mandant_admins,
    _mine_url,
    _tell_mandant,
    request_topic,
)

RATE_KEY = "provider-requests:{user_id}"


def _request_rate_check(requester: User) -> None:
    if _hourly_count(RATE_KEY.format(user_id=requester.pk)) > settings.PROVIDER_REQUESTS_PER_HOUR:
        raise ValidationError(
            _("Vous avez envoyé beaucoup de demandes en peu de temps. Réessayez dans une heure.")
        )


def _already_there(*, company, requester: User, email: str) -> bool:
    """Nothing new to ask: they belong to the company, or a request or offer is waiting."""
    return (
        Membership.objects.filter(
            user=requester, company=company, status=MembershipStatus.ACTIVE
        ).exists()
        or ProviderAccessRequest.objects.filter(
            company=company, requester=requester, status=ProviderRequestStatus.PENDING
        ).exists()
        or ProviderAccess.objects.for_company(company).pending().filter(email=email).exists()
    )


@transaction.atomic
def provider_access_ask(
    *, requester: User, account_number: str, message: str, ip_address: str | None = None
) -> None:
    """A person asks the company owning `account_number` for provider access. Returns nothing
    on purpose: the requester is told the same whatever happens here (no disclosure)."""
    _request_rate_check(requester)
    if not requester.email:
        raise ValidationError(
            _(
                "Votre login n'a pas d'adresse e-mail : un accès prestataire est proposé par "
                "e-mail. Demandez à l'administrateur de votre société d'en ajouter une."
            )
        )
    number, email = account_number.strip(), requester.email.lower()
    company = provider_request_company(account_number=number)
    if company is None or _already_there(company=company, requester=requester, email=email):
        return
    access_request = ProviderAccessRequest.objects.create(
        company=company,
        requester=requester,
        email=email,
        account_number=number,
        message=message.strip(),
    )
    audit_record(
        actor=requester,
        company=company,
        kind=AuditKind.PROVIDER_REQUESTED,
        target=access_request,
        after={"email": email, "account_number": number, "message": access_request.message},
        ip_address=ip_address,
    )
    _asked_told(access_request)


def _own_companies(user: User) -> str:
    return ", ".join(
        m.company.name
        for m in account_selectors.membership_list_for_user(user=user)
        if m.kind != MembershipKind.PROVIDER
    )


def _asked_told(access_request: ProviderAccessRequest) -> None:
    requester = access_request.requester
    names = {
        "name": requester.display_name,
        "email": access_request.email,
        "companies": _own_companies(requester) or "—",
        "number": access_request.account_number,
    }
    for admin in _mandant_admins(access_request.company):
        emails.send_provider_access_requested(
            user=admin,
            requester_name=names["name"],
            requester_email=names["email"],
            requester_companies=names["companies"],
            account_number=names["number"],
            message=access_request.message,
            url=_list_url(),
        )
    _tell_mandant(
        company=access_request.company,
        kind="provider.requested",
        params={**names, "message": access_request.message},
        topic=request_topic(access_request),
    )


@transaction.atomic
def provider_request_decline(
    *, access_request: ProviderAccessRequest, actor: User, ip_address: str | None = None
) -> ProviderAccessRequest:
    """The company's administrator declines a request; the requester is told."""
    now = timezone.now()
    if not ProviderAccessRequest.objects.filter(
        pk=access_request.pk, status=ProviderRequestStatus.PENDING
    ).update(status=ProviderRequestStatus.DECLINED, decided_at=now, decided_by=actor):
        raise ValidationError(_("Cette demande d'accès a déjà été traitée."))
    access_request.refresh_from_db()
    messages_settle(topic=request_topic(access_request))
    audit_record(
        actor=actor,
        company=access_request.company,
        kind=AuditKind.PROVIDER_REQUEST_DECLINED,
        target=access_request,
        before={"status": ProviderRequestStatus.PENDING},
        after={"status": access_request.status, "email": access_request.email},
        ip_address=ip_address,
    )
    requester = access_request.requester
    company_name = access_request.company.name
    if requester.is_active and requester.email:
        emails.send_provider_request_declined(user=requester, company_name=company_name)
        message_create(
            user=requester,
            company=access_request.company,
            kind="provider.request_declined",
            params={"company": company_name},
            action_url=_mine_url(),
        )
    return access_request
