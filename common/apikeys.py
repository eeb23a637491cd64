"""The shape of an API key (« clé de connexion WS ») and of the header that carries it.

Keys are 256-bit random, so a fast hash (SHA-256) is enough to store them; we keep the first
characters in clear to find a key without scanning.
"""

import hashlib
import secrets

KEY_PREFIX = "ses_"
PREFIX_LENGTH = 12  # "ses_" + 8 characters, stored in clear to find the key
AUTH_SCHEME = "Api-Key"


def new_api_key() -> str:
    """A fresh key, in clear: shown once, never stored."""
    return KEY_PREFIX + secrets.token_urlsafe(32)


def api_key_digest(key: str) -> str:
    """What we store of a key."""
    return hashlib.sha256(key.encode()).hexdigest()


def is_well_formed(key: str) -> bool:
    """Worth a database lookup: our prefix and long enough to be one of our keys."""
    return key.startswith(KEY_PREFIX) and len(key) >= PREFIX_LENGTH + 8


def key_from_header(value: str | None) -> str | None:
    """The key in `Authorization: Api-Key <key>` (scheme in any case), or None."""
    scheme, _, key = (value or "").strip().partition(" ")
    key = key.strip()
    if scheme.lower() != AUTH_SCHEME.lower() or not key:
        return None
    # Keys are printable ASCII: anything else (NUL above all, which PostgreSQL refuses in a
    # query) cannot be one of ours, so it never reaches the database.
    if not (key.isascii() and key.isprintable()):
        return None
    return key
