"""POST /api/v1/sender-checks: what a shipping application asks on each shipment attempt."""

from typing import Literal

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest
from ninja import Router, Schema, Status

from accounts.permissions.api import ApiKeyAuth

from .services.checks import UnknownAccount, sender_check
from .services.normalise import normalise_email

SENDER_CHECK_RIGHT = ("dhl-shipping", "sender-check")


class SenderCheckAuth(ApiKeyAuth):
    """The API key, and in the same query whether its holder has the sender-check right."""

    right = SENDER_CHECK_RIGHT


class SenderCheckIn(Schema):
    account_number: str
    email: str
    name: str = ""
    language: Literal["fr", "en", "nl", "de"] = "fr"  # of the e-mails the requester receives


class SenderCheckOut(Schema):
    decision: Literal["allowed", "pending", "denied"]
    reason: str
    request_id: int | None = None


class Error(Schema):
    detail: str
    field: str = ""


router = Router(tags=["eSecure"])


@router.post(
    "",
    auth=SenderCheckAuth(),
    response={200: SenderCheckOut, 400: Error, 403: Error, 404: Error},
    summary="Check a sender",
)
def check_sender(request: HttpRequest, payload: SenderCheckIn):
    """May this e-mail ship on this account number? **allowed** when the account is not
    protected (or outside its protection dates), when the e-mail is approved or its domain
    authorized; **denied** when the e-mail was rejected; otherwise **pending**: one access request
    per account and e-mail goes to the account's administrators (repeated checks send nothing
    more) and `request_id` identifies it. E-mails are compared case-insensitively. Needs a key
    whose holder has the right "DHL shipping · sender check"."""
    if not request.auth.api_permission_ok:  # type: ignore[attr-defined]
        return Status(403, {"detail": "This key may not check senders.", "field": "Authorization"})
    try:
        email = normalise_email(payload.email)
    except DjangoValidationError:
        return Status(400, {"detail": "email: not a valid e-mail address", "field": "email"})
    account_number = payload.account_number.strip()
    if not account_number:
        return Status(400, {"detail": "account_number: required", "field": "account_number"})
    try:
        result = sender_check(
            account_number=account_number,
            email=email,
            name=payload.name.strip(),
            language=payload.language,
        )
    except UnknownAccount:
        return Status(404, {"detail": "Unknown account number.", "field": "account_number"})
    return Status(
        200,
        {
            "decision": result.decision,
            "reason": result.reason,
            "request_id": result.request_id,
        },
    )
