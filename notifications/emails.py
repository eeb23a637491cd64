"""One function per e-mail. Each builds a JSON-serialisable context and queues one outbox row.

Callers pass plain values (names, URLs); this module never reads other apps' models. A link
that carries a key is named in `secrets`: the recipient gets it, the outbox shows a marker.
"""

from .models import OutboundEmail
from .services import email_queue, email_queue_many


def _to_user(user, kind: str, context: dict, secrets: tuple[str, ...] = ()) -> OutboundEmail:
    """Most e-mails go to a person with a login: to their address, in their language."""
    return email_queue(
        kind=kind,
        recipient=user.email,
        language=user.language,
        user=user,
        context=context,
        secrets=secrets,
    )


def send_password_reset(
    *, user, username: str, display_name: str, reset_url: str, valid_hours: int
) -> OutboundEmail:
    """Self-service recovery: the username and a link to choose a new password."""
    return _to_user(
        user,
        "password_reset",
        {
            "display_name": display_name,
            "username": username,
            "reset_url": reset_url,
            "valid_hours": valid_hours,
        },
        secrets=("reset_url",),
    )


def send_recovery_unavailable(*, user, display_name: str, admins: list[dict]) -> OutboundEmail:
    """Recovery asked without the self-service right: names the administrators to contact."""
    return _to_user(
        user,
        "recovery_unavailable",
        {"display_name": display_name, "admins": admins},
    )


def send_password_changed(*, user, display_name: str) -> OutboundEmail:
    """Security notice after a password change or reset."""
    return email_queue(
        kind="password_changed",
        recipient=user.email,
        language=user.language,
        user=user,
        context={"display_name": display_name, "username": user.username},
    )


def send_email_change_confirm(
    *, user, new_email: str, display_name: str, confirm_url: str, valid_hours: int
) -> OutboundEmail:
    """A person asked to use a new address: the single-use link to confirm it, sent to that
    new address (in the person's language)."""
    return email_queue(
        kind="email_change_confirm",
        recipient=new_email,
        language=user.language,
        user=user,
        context={
            "display_name": display_name,
            "username": user.username,
            "new_email": new_email,
            "confirm_url": confirm_url,
            "valid_hours": valid_hours,
        },
        secrets=("confirm_url",),
    )


def send_email_changed(*, user, old_email: str, new_email: str, display_name: str) -> OutboundEmail:
    """Security notice to the former address once the new one is confirmed."""
    return email_queue(
        kind="email_changed",
        recipient=old_email,
        language=user.language,
        user=user,
        context={
            "display_name": display_name,
            "username": user.username,
            "new_email": new_email,
        },
    )


def send_user_created(
    *, user, display_name: str, company_name: str, created_by: str, sign_in_url: str
) -> OutboundEmail:
    """A new account: the username and where to sign in. Never the password."""
    return email_queue(
        kind="user_created",
        recipient=user.email,
        language=user.language,
        user=user,
        context={
            "display_name": display_name,
            "username": user.username,
            "company_name": company_name,
            "created_by": created_by,
            "sign_in_url": sign_in_url,
        },
    )


def send_advanced_invitation(
    *,
    recipient: str,
    language: str,
    display_name: str,
    company_name: str,
    invited_by: str,
    accept_url: str,
    valid_hours: int,
    user=None,
) -> OutboundEmail:
    """An advanced-user invitation: a single-use link to choose username and password."""
    return email_queue(
        kind="advanced_invitation",
        recipient=recipient,
        language=language,
        user=user,
        context={
            "display_name": display_name,
            "company_name": company_name,
            "invited_by": invited_by,
            "accept_url": accept_url,
            "valid_hours": valid_hours,
        },
        secrets=("accept_url",),
    )


def send_advanced_invitations(*, invitations: list[dict]) -> list[OutboundEmail]:
    """Advanced-user invitations of an import, queued at once: each item has the arguments of
    `send_advanced_invitation`."""
    return email_queue_many(
        emails=[
            {
                "kind": "advanced_invitation",
                "recipient": item["recipient"],
                "language": item["language"],
                "user": item.get("user"),
                "context": {
                    "display_name": item["display_name"],
                    "company_name": item["company_name"],
                    "invited_by": item["invited_by"],
                    "accept_url": item["accept_url"],
                    "valid_hours": item["valid_hours"],
                },
                "secrets": ("accept_url",),
            }
            for item in invitations
        ]
    )


def send_user_create_password_many(*, links: list[dict]) -> list[OutboundEmail]:
    """Standard users created by an import, queued at once: the username and a link to choose
    their password (never a password). Each item: user, display_name, company_name,
    created_by, create_url, valid_hours."""
    return email_queue_many(
        emails=[
            {
                "kind": "user_create_password",
                "recipient": item["user"].email,
                "language": item["user"].language,
                "user": item["user"],
                "context": {
                    "display_name": item["display_name"],
                    "username": item["user"].username,
                    "company_name": item["company_name"],
                    "created_by": item["created_by"],
                    "create_url": item["create_url"],
                    "valid_hours": item["valid_hours"],
                },
                "secrets": ("create_url",),
            }
            for item in links
        ]
    )


def send_account_ready(
    *, user, display_name: str, company_name: str, lines: list[dict], sign_in_url: str
) -> OutboundEmail:
    """The link with a company is active: the rights it gives."""
    return _to_user(
        user,
        "account_ready",
        {
            "display_name": display_name,
            "username": user.username,
            "company_name": company_name,
            "lines": lines,
            "sign_in_url": sign_in_url,
        },
    )


def send_rights_changed(*, user, company_name: str, lines: list[dict]) -> OutboundEmail:
    """A member's rights in a company were granted or changed: the full list as it now stands."""
    return _to_user(
        user,
        "rights_changed",
        {"display_name": user.display_name, "company_name": company_name, "lines": lines},
    )


# --- eSecure ------------------------------------------------------------------------------


def send_esecure_create_password(
    *,
    user,
    display_name: str,
    account_number: str,
    company_name: str,
    create_url: str,
    valid_hours: int,
    invitation_url: str = "",
    invited_by: str = "",
    valid_days: int = 0,
) -> OutboundEmail:
    """A new login for a customer admin of a protected account: a link to create their password;
    with `invitation_url`, they were invited and become admin only once they accept there."""
    return email_queue(
        kind="esecure_create_password",
        recipient=user.email,
        language=user.language,
        user=user,
        context={
            "display_name": display_name,
            "username": user.username,
            "account_number": account_number,
            "company_name": company_name,
            "create_url": create_url,
            "valid_hours": valid_hours,
            "invitation_url": invitation_url,
            "invited_by": invited_by,
            "valid_days": valid_days,
        },
        secrets=("create_url", "invitation_url"),
    )


def send_esecure_admin_invitation(
    *,
    user,
    invited_by: str,
    account_number: str,
    company_name: str,
    link_url: str,
    valid_days: int,
) -> OutboundEmail:
    """An existing login is invited to become customer admin of a protected account: who
    invites, for which company and account, and the single-use link to accept or refuse."""
    return _to_user(
        user,
        "esecure_admin_invitation",
        {
            "display_name": user.display_name,
            "invited_by": invited_by,
            "account_number": account_number,
            "company_name": company_name,
            "link_url": link_url,
            "valid_days": valid_days,
        },
        secrets=("link_url",),
    )


def send_esecure_welcome(
    *, user, display_name: str, account_number: str, company_name: str, portal_url: str
) -> OutboundEmail:
    """An existing login became customer admin of a protected account."""
    return _to_user(
        user,
        "esecure_welcome",
        {
            "display_name": display_name,
            "account_number": account_number,
            "company_name": company_name,
            "portal_url": portal_url,
        },
    )


def send_esecure_approval_request(
    *,
    user,
    account_number: str,
    company_name: str,
    requester_email: str,
    requester_name: str,
    approve_url: str,
    reject_url: str,
    portal_url: str,
    valid_days: int,
) -> OutboundEmail:
    """To one customer admin: someone asks to ship on the account; approve and reject links."""
    return _to_user(
        user,
        "esecure_approval_request",
        {
            "display_name": user.display_name,
            "account_number": account_number,
            "company_name": company_name,
            "requester_email": requester_email,
            "requester_name": requester_name,
            "approve_url": approve_url,
            "reject_url": reject_url,
            "portal_url": portal_url,
            "valid_days": valid_days,
        },
        secrets=("approve_url", "reject_url"),
    )


def send_esecure_request_received(
    *, recipient: str, language: str, requester_name: str, account_number: str, contacts: list[dict]
) -> OutboundEmail:
    """To the requester: the request went to the account's admins (named only with consent)."""
    return email_queue(
        kind="esecure_request_received",
        recipient=recipient,
        language=language,
        context={
            "requester_name": requester_name,
            "account_number": account_number,
            "contacts": contacts,
        },
    )


def send_esecure_decision(
    *, recipient: str, language: str, requester_name: str, account_number: str, approved: bool
) -> OutboundEmail:
    """To the requester: approved or rejected."""
    return email_queue(
        kind="esecure_approved" if approved else "esecure_rejected",
        recipient=recipient,
        language=language,
        context={"requester_name": requester_name, "account_number": account_number},
    )


# --- Routers -------------------------------------------------------------------------------------


def send_router_rights_offered(
    *,
    user,
    display_name: str,
    customer_name: str,
    router_name: str,
    lines: list[str],
    received_url: str,
) -> OutboundEmail:
    """To each administrator of a router: a customer offers rights, to accept or refuse."""
    return _to_user(
        user,
        "router_rights_offered",
        {
            "display_name": display_name,
            "customer_name": customer_name,
            "router_name": router_name,
            "lines": lines,
            "received_url": received_url,
        },
    )


def send_router_rights_answered(
    *,
    user,
    display_name: str,
    customer_name: str,
    router_name: str,
    accepted: bool,
    routers_url: str,
) -> OutboundEmail:
    """To each administrator of the customer: the router accepted or refused the rights."""
    return _to_user(
        user,
        "router_rights_answered",
        {
            "display_name": display_name,
            "customer_name": customer_name,
            "router_name": router_name,
            "accepted": accepted,
            "routers_url": routers_url,
        },
    )


def send_router_rights_closed(
    *,
    user,
    display_name: str,
    customer_name: str,
    router_name: str,
    reason: str,
    affected: int,
    page_url: str,
) -> OutboundEmail:
    """To the other side's administrators: rights narrowed, withdrawn, given up or ended
    (`reason`), with how many people lost a right through the cascade."""
    return _to_user(
        user,
        "router_rights_closed",
        {
            "display_name": display_name,
            "customer_name": customer_name,
            "router_name": router_name,
            "reason": reason,
            "affected": affected,
            "page_url": page_url,
        },
    )


def send_router_rights_ending(
    *,
    user,
    display_name: str,
    customer_name: str,
    router_name: str,
    ends_on: str,
    page_url: str,
) -> OutboundEmail:
    """Reminder to both sides, some days before a router's rights end."""
    return _to_user(
        user,
        "router_rights_ending",
        {
            "display_name": display_name,
            "customer_name": customer_name,
            "router_name": router_name,
            "ends_on": ends_on,
            "page_url": page_url,
        },
    )


def send_rights_lost(
    *, user, display_name: str, customer_name: str, router_name: str, lines: list[str]
) -> OutboundEmail:
    """To a router's user: rights handed on to them were narrowed or removed by the customer."""
    return _to_user(
        user,
        "rights_lost",
        {
            "display_name": display_name,
            "customer_name": customer_name,
            "router_name": router_name,
            "lines": lines,
        },
    )


# --- Providers ------------------------------------------------------------------------------------


def send_provider_access_offered(
    *,
    recipient: str,
    language: str,
    company_name: str,
    offered_by: str,
    remark: str,
    lines: list[dict],
    link_url: str,
    valid_days: int,
    user=None,
) -> OutboundEmail:
    """To the address offered provider access: who asks, for which company, which rights, and a
    single-use link to accept or refuse (the same text whether a login has this address)."""
    return email_queue(
        kind="provider_access_offered",
        recipient=recipient,
        language=language,
        user=user,
        context={
            "company_name": company_name,
            "offered_by": offered_by,
            "remark": remark,
            "lines": lines,
            "link_url": link_url,
            "valid_days": valid_days,
        },
        secrets=("link_url",),
    )


def send_provider_access_answered(
    *, user, provider_name: str, provider_email: str, company_name: str, accepted: bool, url: str
) -> OutboundEmail:
    """To an administrator of the mandant: the provider accepted, or refused."""
    return email_queue(
        kind="provider_access_accepted" if accepted else "provider_access_refused",
        recipient=user.email,
        language=user.language,
        user=user,
        context={
            "display_name": user.display_name,
            "provider_name": provider_name,
            "provider_email": provider_email,
            "company_name": company_name,
            "url": url,
        },
    )


def send_provider_access_withdrawn(
    *, recipient: str, language: str, company_name: str, was_active: bool, user=None
) -> OutboundEmail:
    """To the provider: the mandant withdrew the access (offered or active)."""
    return email_queue(
        kind="provider_access_withdrawn",
        recipient=recipient,
        language=language,
        user=user,
        context={"company_name": company_name, "was_active": was_active},
    )


def send_provider_access_given_up(
    *, user, provider_name: str, provider_email: str, company_name: str, url: str
) -> OutboundEmail:
    """To an administrator of the mandant: the provider gave the access up."""
    return _to_user(
        user,
        "provider_access_given_up",
        {
            "display_name": user.display_name,
            "provider_name": provider_name,
            "provider_email": provider_email,
            "company_name": company_name,
            "url": url,
        },
    )


def send_provider_access_expired(
    *, user, provider_email: str, company_name: str, valid_days: int, url: str
) -> OutboundEmail:
    """To the administrator who offered it: nobody answered in time."""
    return _to_user(
        user,
        "provider_access_expired",
        {
            "display_name": user.display_name,
            "provider_email": provider_email,
            "company_name": company_name,
            "valid_days": valid_days,
            "url": url,
        },
    )


def send_provider_access_ending(
    *, user, company_name: str, provider_email: str, ends_on: str, to_provider: bool, url: str
) -> OutboundEmail:
    """Reminder to both sides, some days before a provider access reaches its end date."""
    return _to_user(
        user,
        "provider_access_ending",
        {
            "display_name": user.display_name,
            "company_name": company_name,
            "provider_email": provider_email,
            "ends_on": ends_on,
            "to_provider": to_provider,
            "url": url,
        },
    )


def send_provider_access_ended(
    *, user, company_name: str, provider_email: str, to_provider: bool, url: str
) -> OutboundEmail:
    """To both sides: a provider access reached its end date; its rights are removed."""
    return _to_user(
        user,
        "provider_access_ended",
        {
            "display_name": user.display_name,
            "company_name": company_name,
            "provider_email": provider_email,
            "to_provider": to_provider,
            "url": url,
        },
    )


def send_provider_access_requested(
    *,
    user,
    requester_name: str,
    requester_email: str,
    requester_companies: str,
    account_number: str,
    message: str,
    url: str,
) -> OutboundEmail:
    """To an administrator of the company asked: a person of another company asks for
    provider access."""
    return _to_user(
        user,
        "provider_access_requested",
        {
            "display_name": user.display_name,
            "requester_name": requester_name,
            "requester_email": requester_email,
            "requester_companies": requester_companies,
            "account_number": account_number,
            "message": message,
            "url": url,
        },
    )


def send_provider_request_declined(*, user, company_name: str) -> OutboundEmail:
    """To the person who asked for provider access: the company declined."""
    return _to_user(
        user,
        "provider_request_declined",
        {"display_name": user.display_name, "company_name": company_name},
    )
