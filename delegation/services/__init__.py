"""Writes of the delegation app: company selection, provider access, router grants."""

from .provider_changes import (
    provider_access_end_change,
    provider_access_rights_change,
    provider_accesses_end_due,
    provider_accesses_remind,
)
from .provider_requests import provider_access_ask, provider_request_decline
from .providers import (
    provider_accept_errors,
    provider_access_accept,
    provider_access_give_up,
    provider_access_offer,
    provider_access_refuse,
    provider_access_withdraw,
    provider_accesses_expire,
    provider_answer_errors,
    provider_rights_errors,
)
from .routers import (
    Cascade,
    rights_hand_on,
    router_rights_accept,
    router_rights_end_due,
    router_rights_give_up,
    router_rights_refuse,
    router_rights_remind,
    router_rights_set,
    router_rights_withdraw,
)
from .selection import company_select

__all__ = [
    "Cascade",
    "company_select",
    "provider_accept_errors",
    "provider_access_ask",
    "provider_access_end_change",
    "provider_access_accept",
    "provider_access_give_up",
    "provider_access_rights_change",
    "provider_access_offer",
    "provider_access_refuse",
    "provider_access_withdraw",
    "provider_accesses_end_due",
    "provider_accesses_expire",
    "provider_accesses_remind",
    "provider_answer_errors",
    "provider_request_decline",
    "provider_rights_errors",
    "rights_hand_on",
    "router_rights_accept",
    "router_rights_end_due",
    "router_rights_give_up",
    "router_rights_refuse",
    "router_rights_remind",
    "router_rights_set",
    "router_rights_withdraw",
]
