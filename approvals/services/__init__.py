"""Writes of eSecure, one module per area: checks (the sender check), decisions, onboarding,
manage (the admins' lists)."""
