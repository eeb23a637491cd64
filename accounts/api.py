"""The rights API (SPEC C9), mounted at /api/v1/rights by portal/api.py.

The key holder reads what they may do on which accounts, or asks one yes/no question. Both read
`accounts.selectors.rights`, the same place as the own-account page.
"""

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from common.api import COMMON_ERRORS, CodeText, ErrorOut

from .models import User
from .selectors.rights import (
    CompanyRights,
    PermissionRights,
    UnknownItem,
    right_check,
    rights_for_user,
)

router = Router()


# --- Schemas ------------------------------------------------------------------------------


class UserOut(Schema):
    username: str
    user_key: str = Field(description="The person's public user key (32 hexadecimal characters).")


class BillingAddressOut(Schema):
    id: int
    name: str
    address: str
    postcode: str
    city: str
    country: str


class ProductOut(Schema):
    code: str
    name: str


class ServiceTypeOut(Schema):
    code: str
    number: int | None = Field(description="The service type (« bordereau ») number.")
    name: str


class VisibilityOut(Schema):
    level: str = Field(
        description=(
            "Which parcels a Colissimo tracking right shows: `user-key` (parcels bearing the "
            "holder's user key or franked by them), `user-tag` (parcels bearing the holder's "
            "tag in the company) or `consolidated` (every parcel of the account)."
        )
    )
    customer_service: bool = Field(description="Whether it also opens the customer service.")


class PermissionOut(Schema):
    code: str
    name: str
    description: str = Field(
        description="What the permission allows, in the request's language (French otherwise)."
    )
    visibility: VisibilityOut | None = Field(
        None, description="Only for Colissimo tracking permissions (SPEC C3)."
    )
    billing_addresses: list[BillingAddressOut] = Field(
        description=(
            "The billing addresses the right is limited to (when the application uses them)."
        )
    )
    products: list[ProductOut] = Field(
        description="The products the right is limited to (when the application uses them)."
    )
    service_types: list[ServiceTypeOut] = Field(
        description="The service types the right is limited to (when the application uses them)."
    )


class ApplicationOut(Schema):
    code: str
    name: str
    permissions: list[PermissionOut]


class AccountOut(Schema):
    number: str
    name: str
    applications: list[ApplicationOut]


class CompanyOut(Schema):
    name: str
    kind: str = Field(
        description="How the holder belongs to it: employee, technical, advanced or provider."
    )
    tag: str = Field(
        description=(
            "The holder's tag in this company (empty when none); see tracking `user-tag`. "
            "Each company tags the person its own way."
        )
    )
    accounts: list[AccountOut] = Field(
        description="Customer accounts on which the holder has at least one right."
    )


class RightsOut(Schema):
    user: UserOut
    companies: list[CompanyOut] = Field(
        description="Companies the holder actively belongs to, by name."
    )


class CheckIn(Schema):
    application: CodeText = Field(
        min_length=1,
        max_length=50,
        description="Application code, e.g. `colissimo-tracking`.",
        examples=["colissimo-tracking", "dhl-shipping"],
    )
    permission: CodeText = Field(
        min_length=1,
        max_length=50,
        description="Permission code, e.g. `tracking-user-tag`.",
        examples=["tracking-user-tag", "sender-check"],
    )
    account: CodeText = Field(
        min_length=1,
        max_length=32,
        description="Customer account number, e.g. `820011`.",
        examples=["820011", "950000001"],
    )


class CheckOut(Schema):
    allowed: bool
    code: str = Field(
        description=(
            "Stable code of the answer: `granted`; or why not: `not_granted`, `not_on_account` "
            "(held on other accounts only), `application_not_enabled`, `membership_inactive`, "
            "`account_inactive`, `permission_inactive`."
        )
    )
    reason: str = Field(description="The answer in a sentence, for people.")


# --- Mapping ------------------------------------------------------------------------------


def _permission_out(line: PermissionRights) -> dict:
    permission = line.permission
    visibility = line.visibility
    return {
        "code": permission.code,
        "name": permission.label,
        "description": permission.description_label,
        "visibility": (
            {"level": visibility.level, "customer_service": visibility.customer_service}
            if visibility
            else None
        ),
        "billing_addresses": [
            {
                "id": b.pk,
                "name": b.name,
                "address": b.address,
                "postcode": b.postcode,
                "city": b.city,
                "country": b.country,
            }
            for b in line.billing_addresses
        ],
        "products": [{"code": p.code, "name": p.label} for p in line.products],
        "service_types": [
            {"code": t.code, "number": t.number, "name": t.label} for t in line.service_types
        ],
    }


def _company_out(entry: CompanyRights) -> dict:
    return {
        "name": entry.company.name,
        "kind": entry.membership.kind,
        "tag": entry.membership.tag,
        "accounts": [
            {
                "number": a.account.number,
                "name": a.account.name,
                "applications": [
                    {
                        "code": app.application.code,
                        "name": app.application.label,
                        "permissions": [_permission_out(line) for line in app.permissions],
                    }
                    for app in a.applications
                ],
            }
            for a in entry.accounts
        ],
    }


# --- Operations ---------------------------------------------------------------------------


@router.get(
    "",
    response={200: RightsOut, **COMMON_ERRORS},
    summary="The key holder's rights",
    url_name="rights",
)
def rights(request: HttpRequest):
    """Every company the key holder actively belongs to, with, per customer account, the
    applications and permissions they hold there and the scopes each is limited to."""
    user: User = request.auth  # type: ignore[attr-defined]
    return {
        "user": {"username": user.username, "user_key": user.user_key},
        "companies": [_company_out(entry) for entry in rights_for_user(user=user)],
    }


@router.get(
    "/check",
    response={200: CheckOut, **COMMON_ERRORS, 404: ErrorOut},
    summary="May the key holder use one permission on one account?",
    url_name="rights-check",
)
def rights_check(request: HttpRequest, query: Query[CheckIn]):
    """Yes or no, with a stable code and a reason. An application, permission or account that
    is unknown (or an account of a company the holder never belonged to) answers 404 naming the
    field."""
    user: User = request.auth  # type: ignore[attr-defined]
    try:
        answer = right_check(
            user=user,
            application=query.application,
            permission=query.permission,
            account=query.account,
        )
    except UnknownItem as unknown:
        return Status(404, {"detail": unknown.message, "field": unknown.field})
    return {"allowed": answer.allowed, "code": answer.code, "reason": answer.reason}
