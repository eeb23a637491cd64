"""Companies, people, memberships, the application catalog, grants, keys and the audit log."""

from .audit import AuditEvent, AuditEventQuerySet, AuditKind
from .base import Civility, Language, TranslatedNameMixin, new_user_key
from .catalog import (
    AccessProfile,
    AccountApplication,
    Application,
    Permission,
    Product,
    ProfilePermission,
    Requirement,
    ServiceFamily,
    ServiceType,
)
from .companies import BillingAddress, Company, CompanyQuerySet, CustomerAccount, ForCompanyQuerySet
from .grants import OPEN_GRANT_STATUSES, Grant, GrantQuerySet, GrantStatus
from .keys import ApiKey, ApiKeyQuerySet, EmailChange, Invitation, InvitationQuerySet
from .people import Membership, MembershipKind, MembershipQuerySet, MembershipStatus, User

__all__ = [
    "AccessProfile",
    "AccountApplication",
    "ApiKey",
    "ApiKeyQuerySet",
    "Application",
    "AuditEvent",
    "AuditEventQuerySet",
    "AuditKind",
    "BillingAddress",
    "Civility",
    "Company",
    "CompanyQuerySet",
    "CustomerAccount",
    "EmailChange",
    "ForCompanyQuerySet",
    "Grant",
    "Invitation",
    "InvitationQuerySet",
    "GrantQuerySet",
    "GrantStatus",
    "OPEN_GRANT_STATUSES",
    "Language",
    "Membership",
    "MembershipKind",
    "MembershipQuerySet",
    "MembershipStatus",
    "Permission",
    "Product",
    "ProfilePermission",
    "Requirement",
    "ServiceFamily",
    "ServiceType",
    "TranslatedNameMixin",
    "User",
    "new_user_key",
]
