"""Writes of the accounts app. Each runs in a transaction and records an audit event."""

from ..models import AuditKind
from .apikeys import api_key_issue, api_key_revoke_all
from .audit import audit_record, client_ip
from .passwords import (
    password_recovery_request,
    password_reset_url,
    sign_in_failure_record,
    sign_in_record,
    user_password_change,
    user_password_reset,
)

__all__ = [
    "AuditKind",
    "api_key_issue",
    "api_key_revoke_all",
    "audit_record",
    "client_ip",
    "password_recovery_request",
    "password_reset_url",
    "sign_in_failure_record",
    "sign_in_record",
    "user_password_change",
    "user_password_reset",
]
