"""Import kinds: the interface the engine uses, and the kinds this app provides."""

from . import advanced, standard  # noqa: F401  (they register themselves)
from .base import ImportKindSpec, Outcome, kind_get, register

__all__ = ["ImportKindSpec", "Outcome", "kind_get", "register"]
