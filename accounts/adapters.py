from allauth.account.adapter import DefaultAccountAdapter

from . import services


class AccountAdapter(DefaultAccountAdapter):
    """Accounts are created by administrators and support staff, never by self sign-up."""

    def is_open_for_signup(self, request) -> bool:
        return False

    def post_login(self, request, user, **kwargs):
        services.sign_in_record(user=user, ip_address=services.client_ip(request))
        return super().post_login(request, user, **kwargs)

    def authentication_failed(self, request, **credentials) -> None:
        login = credentials.get("username") or credentials.get("email") or ""
        services.sign_in_failure_record(login=login, ip_address=services.client_ip(request))
