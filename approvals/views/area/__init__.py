"""The eSecure area, four tabs: authorized users, authorized domains, customer admins, account
numbers. Only active customer admins of a protected account of the selected company get in
(else 403); they see and change only those accounts (another account's object answers 404)."""

from .accounts import account_edit, account_list, account_status
from .admins import (
    admin_add,
    admin_invitation_resend,
    admin_invitation_withdraw,
    admin_list,
    admin_status,
)
from .domains import domain_add, domain_list, domain_status
from .senders import (
    sender_add,
    sender_decide,
    sender_list,
    sender_upload,
)

__all__ = [
    "account_edit",
    "account_list",
    "account_status",
    "admin_add",
    "admin_invitation_resend",
    "admin_invitation_withdraw",
    "admin_list",
    "admin_status",
    "domain_add",
    "domain_list",
    "domain_status",
    "sender_add",
    "sender_decide",
    "sender_list",
    "sender_upload",
]
