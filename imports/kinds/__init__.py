"""Import kinds: the interface the engine uses, and the kinds this app provides."""

from . import advanced  # noqa: F401  (registers itself)
from .base import ImportKindSpec, Outcome, kind_get, register

__all__ = ["ImportKindSpec", "Outcome", "kind_get", "register"]
