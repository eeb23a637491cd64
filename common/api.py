"""Pieces every operation of the machine API shares: the error shape and bounded text inputs.

An input type here states its limits in the OpenAPI description (`minLength`, `maxLength`,
`pattern`, `format`) and enforces the same limits, so that whatever the description admits is
answered 2xx/404 and whatever it refuses is a 400 naming the field. Control characters (C0, DEL,
C1) are refused in codes and numbers: PostgreSQL cannot store NUL, and nobody types the others.
"""

import re
from typing import Annotated

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from ninja import Field, Schema
from pydantic import AfterValidator
from pydantic_core import PydanticCustomError

# The same character class for Python and for the OpenAPI `pattern` (ECMA-262) of an input.
CONTROL_CLASS = r"\x00-\x1f\x7f-\x9f"
CONTROL_CHARACTERS = re.compile(f"[{CONTROL_CLASS}]")
NO_CONTROL_PATTERN = f"^[^{CONTROL_CLASS}]*$"
EMAIL_MAX_LENGTH = 254  # Django's EmailField, the column every e-mail is stored in


class ErrorOut(Schema):
    """Every error of the API, whatever its status."""

    detail: str = Field(description="What is wrong, for people.")
    field: str = Field("", description="The parameter at fault, when there is one.")


# Answers any operation may give (the API documents them on each).
COMMON_ERRORS: dict[int, type[Schema]] = {400: ErrorOut, 401: ErrorOut, 405: ErrorOut}
# And any operation that reads a JSON body.
BODY_ERRORS: dict[int, type[Schema]] = {**COMMON_ERRORS, 413: ErrorOut, 415: ErrorOut}


def _refuse_control_characters(value: str) -> str:
    if CONTROL_CHARACTERS.search(value):
        raise PydanticCustomError("control_characters", "control characters are not allowed")
    return value


def without_control_characters(value: str) -> str:
    """The text with each run of control characters and spaces made one space, trimmed."""
    return " ".join(CONTROL_CHARACTERS.sub(" ", value).split())


def _valid_email(value: str) -> str:
    _refuse_control_characters(value)
    try:
        validate_email(value.strip())
    except DjangoValidationError:
        raise PydanticCustomError("email", "not a valid e-mail address") from None
    return value


# A code or a number: give it `Field(min_length=1, max_length=…)` where it is used.
CodeText = Annotated[
    str,
    Field(json_schema_extra={"pattern": NO_CONTROL_PATTERN}),
    AfterValidator(_refuse_control_characters),
]
# Free text (a person's name): control characters become spaces rather than being refused,
# and the text is trimmed; give it `Field(max_length=…)` where it is used.
FreeText = Annotated[str, AfterValidator(without_control_characters)]
Email = Annotated[
    str,
    Field(
        min_length=3,
        max_length=EMAIL_MAX_LENGTH,
        description="An e-mail address (compared case-insensitively).",
        examples=["expedition@nordic-parts.example"],
        json_schema_extra={"format": "email"},
    ),
    AfterValidator(_valid_email),
]
