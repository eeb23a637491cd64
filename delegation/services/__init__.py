"""Writes of the delegation app: company selection, provider access, router grants."""

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
from .selection import company_select

__all__ = [
    "company_select",
    "provider_accept_errors",
    "provider_access_accept",
    "provider_access_give_up",
    "provider_access_offer",
    "provider_access_refuse",
    "provider_access_withdraw",
    "provider_accesses_expire",
    "provider_answer_errors",
    "provider_rights_errors",
]
