from allauth.account.adapter import DefaultAccountAdapter
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from . import services
from .selectors.users import user_is_technical
from .services import limits

INACTIVE_USER_SESSION_KEY = "sesame_inactive_user_id"
_WRONG_CREDENTIALS = _("Nom d'utilisateur, e-mail ou mot de passe incorrect.")


class AccountAdapter(DefaultAccountAdapter):
    """Accounts are created by administrators and support staff, never by self sign-up."""

    error_messages = {
        **DefaultAccountAdapter.error_messages,
        # Our wording, the same whichever login was typed: it says nothing of which part was wrong.
        "username_password_mismatch": _WRONG_CREDENTIALS,
        "email_password_mismatch": _WRONG_CREDENTIALS,
        "too_many_login_attempts": _(
            "Trop de tentatives de connexion infructueuses. Réessayez dans quelques minutes."
        ),
    }

    def is_open_for_signup(self, request) -> bool:
        return False

    def pre_authenticate(self, request, **credentials) -> None:
        """Failed sign-ins count per person (whatever identifier is typed) and per address,
        instead of allauth's per typed text. allauth's `authenticate` rolls the usage stored in
        `_login_failed_rl_usage` back after a successful sign-in; tests pin this contract
        (tests/accounts/test_sign_in_limits.py)."""
        login = credentials.get("email") or credentials.get("username") or ""
        usage = limits.limit_consume(request, action=limits.LOGIN_FAILED, login=login)
        self._login_failed_rl_usage = usage
        if usage is None:
            raise ValidationError(
                limits.sign_in_locked_message(request, login=login),
                code="too_many_login_attempts",
            )

    def authenticate(self, request, **credentials):
        """A technical user (API key only) never signs in interactively, even with a password
        set by mistake (e.g. in Django admin): refused like wrong credentials."""
        user = super().authenticate(request, **credentials)
        if user is not None and user_is_technical(user=user):
            self.authentication_failed(request, **credentials)
            return None
        return user

    def respond_user_inactive(self, request, user):
        """Right password, deactivated person: the inactive page may name whom to ask (their
        companies' administrators), for this person only, once."""
        request.session[INACTIVE_USER_SESSION_KEY] = user.pk
        return super().respond_user_inactive(request, user)

    def post_login(self, request, user, **kwargs):
        services.sign_in_record(user=user, ip_address=services.client_ip(request))
        return super().post_login(request, user, **kwargs)

    def authentication_failed(self, request, **credentials) -> None:
        login = credentials.get("username") or credentials.get("email") or ""
        services.sign_in_failure_record(login=login, ip_address=services.client_ip(request))
