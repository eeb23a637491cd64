"""Writes of eSecure, one module per area: checks (the sender check), decisions, onboarding,
support, and what customer admins change in the eSecure area, one module per entity (senders,
domains, admins and their invitations, accounts), whose functions are re-exported here."""

from .accounts import account_update, accounts_set_status
from .admins import admins_set_status
from .domains import domain_add, domains_set_status
from .invitations import (
    admin_invitation_accept,
    admin_invitation_refuse,
    admin_invitation_resend,
    admin_invitation_withdraw,
    admin_invite,
    is_addressee,
)
from .senders import (
    DecideSummary,
    SenderImportRow,
    UploadResult,
    sender_add,
    senders_decide,
    senders_import,
)

__all__ = [
    "DecideSummary",
    "SenderImportRow",
    "UploadResult",
    "account_update",
    "accounts_set_status",
    "admin_invitation_accept",
    "admin_invitation_refuse",
    "admin_invitation_resend",
    "admin_invitation_withdraw",
    "admin_invite",
    "is_addressee",
    "admins_set_status",
    "domain_add",
    "domains_set_status",
    "sender_add",
    "senders_decide",
    "senders_import",
]
