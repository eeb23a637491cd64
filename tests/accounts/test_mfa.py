import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal import auth as totp
from django.core.cache import cache
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()


def _current_code(secret: str) -> str:
    counter = next(iter(totp.yield_hotp_counters_from_time())) + totp.app_settings.TOTP_TOLERANCE
    return totp.format_hotp_value(totp.hotp_value(secret, counter))


def _sign_in(client, user, password):
    return client.post(reverse("account_login"), {"login": user.username, "password": password})


@pytest.fixture
def user_with_totp(client, user, password):
    _sign_in(client, user, password)
    # Turning on MFA asks for the password again.
    assert client.get(reverse("mfa_activate_totp")).status_code == 302
    client.post(reverse("account_reauthenticate"), {"password": password})
    client.get(reverse("mfa_activate_totp"))
    secret = client.session[totp.SECRET_SESSION_KEY]
    response = client.post(reverse("mfa_activate_totp"), {"code": _current_code(secret)})
    assert response.status_code == 302
    client.post(reverse("account_logout"))
    return user, secret


def test_activating_totp_then_sign_in_asks_for_the_code(client, user_with_totp, password):
    user, secret = user_with_totp
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    response = _sign_in(client, user, password)
    assert response["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session
    client.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert "_auth_user_id" not in client.session
    client.post(reverse("mfa_authenticate"), {"code": _current_code(secret)})
    assert client.session["_auth_user_id"] == str(user.pk)


def test_a_recovery_code_replaces_the_totp_code_once(client, user_with_totp, password):
    user, _ = user_with_totp
    codes = RecoveryCodes(
        Authenticator.objects.get(user=user, type=Authenticator.Type.RECOVERY_CODES)
    ).get_unused_codes()
    assert len(codes) >= 8
    _sign_in(client, user, password)
    client.post(reverse("mfa_authenticate"), {"code": codes[0]})
    assert client.session["_auth_user_id"] == str(user.pk)
    client.post(reverse("account_logout"))
    _sign_in(client, user, password)
    client.post(reverse("mfa_authenticate"), {"code": codes[0]})
    assert "_auth_user_id" not in client.session
