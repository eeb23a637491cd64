from .auth import AuditFilterForm, PasswordForgotForm

__all__ = ["AuditFilterForm", "PasswordForgotForm"]
