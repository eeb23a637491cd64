"""Writes of the delegation app: company selection, provider access, router grants."""

from .selection import company_select

__all__ = ["company_select"]
