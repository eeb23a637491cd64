"""POST /api/v1/sender-checks: what a shipping application asks on each shipment attempt."""

from typing import Literal

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from accounts.permissions.api import ApiKeyAuth
from common.api import BODY_ERRORS, CodeText, Email, ErrorOut, FreeText

from .services.checks import UnknownAccount, sender_check
from .services.normalise import normalise_email

SENDER_CHECK_RIGHT = ("dhl-shipping", "sender-check")


class SenderCheckAuth(ApiKeyAuth):
    """The API key, and in the same query whether its holder has the sender-check right."""

    right = SENDER_CHECK_RIGHT


class SenderCheckIn(Schema):
    account_number: CodeText = Field(
        min_length=1,
        max_length=32,
        description="The customer account number the shipment is made on.",
        examples=["950000033"],
    )
    email: Email
    name: FreeText = Field("", max_length=200, description="The sender's name, when known.")
    language: Literal["fr", "en", "nl", "de"] = Field(
        "fr", description="Language of the e-mails the requester receives."
    )


class SenderCheckOut(Schema):
    decision: Literal["allowed", "pending", "denied"]
    reason: str
    request_id: int | None = None


router = Router(tags=["eSecure"])


@router.post(
    "",
    auth=SenderCheckAuth(),
    response={200: SenderCheckOut, **BODY_ERRORS, 403: ErrorOut, 404: ErrorOut},
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
    unknown = Status(404, {"detail": "Unknown account number.", "field": "account_number"})
    account_number = payload.account_number.strip()
    if not account_number:
        return unknown
    try:
        result = sender_check(
            account_number=account_number,
            email=normalise_email(payload.email),  # valid: the schema checked it
            name=payload.name,
            language=payload.language,
        )
    except UnknownAccount:
        return unknown
    return Status(
        200,
        {
            "decision": result.decision,
            "reason": result.reason,
            "request_id": result.request_id,
        },
    )
