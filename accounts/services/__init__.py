"""Writes of the accounts app. Each runs in a transaction and records an audit event.

Every public service of the package is exported here; other apps import from
`accounts.services`."""

from .advanced import (
    advanced_invitation_accept,
    advanced_invitation_resend,
    advanced_invitation_withdraw,
    advanced_rights_build,
    advanced_rights_update,
    advanced_user_associate,
    advanced_user_invite,
    advanced_user_unlink,
)
from .apikeys import (
    api_key_issue,
    api_key_revoke_all,
)
from .audit import (
    AuditKind,
    audit_record,
    audit_records,
    client_ip,
)
from .grants import (
    CopyPreview,
    RightsChange,
    rights_copy_preview,
    rights_errors,
    rights_lines,
    rights_set,
)
from .imports import (
    PERSON_FIELDS,
    AdvancedImportContext,
    AdvancedImportRow,
    ImportOutcome,
    ImportResult,
    advanced_users_import,
    person_field_label,
)
from .passwords import (
    password_recovery_request,
    password_reset_url,
    sign_in_failure_record,
    sign_in_record,
    user_password_change,
    user_password_reset,
)
from .profile import (
    email_change_confirm,
    email_change_request,
    profile_update,
)
from .standard_import import (
    StandardImportRow,
    standard_users_import,
)
from .users import (
    login_register,
    membership_add,
    person_register,
    sign_in_url,
    technical_key_regenerate,
    user_create,
    user_create_technical,
    user_deactivate,
    user_reactivate,
    user_update,
)

__all__ = [
    "email_change_confirm",
    "email_change_request",
    "profile_update",
    "PERSON_FIELDS",
    "AdvancedImportContext",
    "AdvancedImportRow",
    "AuditKind",
    "CopyPreview",
    "ImportOutcome",
    "ImportResult",
    "RightsChange",
    "StandardImportRow",
    "advanced_invitation_accept",
    "advanced_invitation_resend",
    "advanced_invitation_withdraw",
    "advanced_rights_build",
    "advanced_rights_update",
    "advanced_user_associate",
    "advanced_user_invite",
    "advanced_user_unlink",
    "advanced_users_import",
    "api_key_issue",
    "api_key_revoke_all",
    "audit_record",
    "audit_records",
    "client_ip",
    "login_register",
    "membership_add",
    "password_recovery_request",
    "person_field_label",
    "password_reset_url",
    "person_register",
    "rights_copy_preview",
    "rights_errors",
    "rights_lines",
    "rights_set",
    "sign_in_failure_record",
    "sign_in_record",
    "sign_in_url",
    "standard_users_import",
    "technical_key_regenerate",
    "user_create",
    "user_create_technical",
    "user_deactivate",
    "user_password_change",
    "user_password_reset",
    "user_reactivate",
    "user_update",
]
