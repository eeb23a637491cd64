import pytest
from django.core.cache import cache
from django.urls import reverse

from accounts.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


def _sign_in(client, login, password):
    return client.post(reverse("account_login"), {"login": login, "password": password})


def test_sign_in_by_username_opens_the_dashboard(client, admin, password, company):
    response = _sign_in(client, "admin", password)
    assert response.status_code == 302
    page = client.get(response["Location"], follow=True)
    assert company.name in page.content.decode()


def test_sign_in_by_email_any_case_works(client, admin, password):
    response = _sign_in(client, admin.email.upper(), password)
    assert response.status_code == 302
    assert "_auth_user_id" in client.session


def test_sign_in_with_wrong_password_says_so_and_is_audited(client, admin):
    response = _sign_in(client, "admin", "not-the-password")
    assert response.status_code == 200
    assert "Nom d&#x27;utilisateur, e-mail ou mot de passe incorrect." in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(kind="user.sign_in_failed", actor_repr="admin").exists()


def test_sign_in_is_audited(client, admin, password):
    _sign_in(client, "admin", password)
    assert AuditEvent.objects.filter(kind="user.signed_in", actor=admin).count() == 1


def test_sign_in_throttled_after_repeated_failures_even_with_right_password(
    client, admin, password
):
    for _ in range(5):
        _sign_in(client, "admin", "wrong-password-123")
    response = _sign_in(client, "admin", password)
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert (
        "Trop de tentatives" in response.content.decode() or "Too many" in response.content.decode()
    )


def test_deactivated_person_cannot_sign_in(client, admin, password):
    admin.is_active = False
    admin.save()
    _sign_in(client, "admin", password)
    assert "_auth_user_id" not in client.session


def test_admin_site_sign_in_goes_through_the_throttled_page(client):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_admin_site_refuses_non_staff(client, admin):
    client.force_login(admin)
    assert client.get("/admin/").status_code in (302, 403)
    assert client.get("/admin/login/").status_code == 403


def test_sign_out_needs_post_and_signs_out(client, admin):
    client.force_login(admin)
    client.post(reverse("account_logout"))
    assert "_auth_user_id" not in client.session


def test_sign_up_is_closed(client):
    response = client.get(reverse("account_signup"))
    assert response.status_code == 200
    assert 'name="password1"' not in response.content.decode()


def test_deactivated_person_is_told_whom_to_ask_and_signed_out(client, admin, user, password):
    """Right password, deactivated account: the page names the company's administrators and
    the support, instead of a bare « this account is inactive »."""
    admin.first_name, admin.last_name, admin.email = "Claire", "Lambert", "claire@lambert.example"
    admin.save()
    user.set_password(password)
    user.is_active = False
    user.save()
    response = _sign_in(client, "user", password)
    assert response.status_code == 302 and response["Location"] == "/accounts/inactive/"
    page = client.get(response["Location"]).content.decode()
    assert "Claire Lambert" in page and "claire@lambert.example" in page
    assert "support@" in page
    assert "_auth_user_id" not in client.session
    assert "sesame_inactive_user_id" not in client.session
    # Once only, for that person: opened again (or by anyone), no names.
    again = client.get("/accounts/inactive/").content.decode()
    assert "claire@lambert.example" not in again and "support@" in again


def test_inactive_page_opened_by_an_active_person_does_not_sign_them_out(client, admin):
    """A GET that signed out anyone would let any page end others' sessions."""
    client.force_login(admin)
    assert client.get("/accounts/inactive/").status_code == 200
    assert "_auth_user_id" in client.session
