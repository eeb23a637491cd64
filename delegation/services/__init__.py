"""Writes of the delegation app: company selection, provider access, router grants."""

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
    "rights_hand_on",
    "router_rights_accept",
    "router_rights_end_due",
    "router_rights_give_up",
    "router_rights_refuse",
    "router_rights_remind",
    "router_rights_set",
    "router_rights_withdraw",
]
