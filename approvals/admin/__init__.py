"""eSecure in the Django admin, for carrier support staff.

Support put an account under eSecure through one flow (« Activer eSecure ») that also registers
its first customer admin, so that no protected account is ever left without someone to decide.
Every change made here goes through a service and is audited; history is never deleted, and the
hashed keys of decision links are never shown.
"""

from .accounts import ProtectedAccountAdmin
from .people import AdminInvitationAdmin, CustomerAdminAdmin
from .requests import AccessRequestAdmin, DecisionLinkAdmin, UsageRecordAdmin
from .senders import AuthorizedDomainAdmin, AuthorizedSenderAdmin

__all__ = [
    "AccessRequestAdmin",
    "AdminInvitationAdmin",
    "AuthorizedDomainAdmin",
    "AuthorizedSenderAdmin",
    "CustomerAdminAdmin",
    "DecisionLinkAdmin",
    "ProtectedAccountAdmin",
    "UsageRecordAdmin",
]
