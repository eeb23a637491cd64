"""Reads of the accounts app, always scoped to a company or a person."""

from .core import (
    admin_list_for_user,
    audit_event_list,
    company_admin_list,
    company_application_list,
    company_overview,
    membership_current,
    membership_list_for_user,
    user_may_recover_password,
)

__all__ = [
    "admin_list_for_user",
    "audit_event_list",
    "company_admin_list",
    "company_application_list",
    "company_overview",
    "membership_current",
    "membership_list_for_user",
    "user_may_recover_password",
]
