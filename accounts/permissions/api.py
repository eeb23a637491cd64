"""Authentication of the machine API: `Authorization: Api-Key <key>` → the active key holder."""

from django.http import HttpRequest
from ninja.security import APIKeyHeader

from common.apikeys import key_from_header

from ..models import User
from .keys import api_key_authenticate


class ApiKeyAuth(APIKeyHeader):
    """`Authorization: Api-Key <key>` → the active person holding that key (else 401)."""

    param_name = "Authorization"
    openapi_description = "The header value is `Api-Key <key>`, e.g. `Api-Key ses_…`."
    right: tuple[str, str] | None = None

    def authenticate(self, request: HttpRequest, key: str | None) -> User | None:
        value = key_from_header(key)
        if value is None:
            return None
        return api_key_authenticate(key=value, permission=self.right)
