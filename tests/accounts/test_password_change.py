import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_temporary_password_forces_a_change_before_anything_else(client, user):
    user.must_change_password = True
    user.save()
    client.force_login(user)
    response = client.get(reverse("portal:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:password-change"))
    page = client.get(response["Location"])
    assert "provisoire" in page.content.decode()


def test_password_change_asks_for_the_current_password(client, user):
    client.force_login(user)
    response = client.post(
        reverse("accounts:password-change"),
        {
            "old_password": "wrong-current",
            "new_password1": "Une-phrase-longue-2026",
            "new_password2": "Une-phrase-longue-2026",
        },
    )
    assert response.status_code == 200
    user.refresh_from_db()
    assert user.check_password("Une-phrase-longue-2026") is False


def test_password_change_clears_the_temporary_flag_and_sends_a_notice(
    client, user, password, mailoutbox, django_capture_on_commit_callbacks
):
    user.must_change_password = True
    user.save()
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("accounts:password-change"),
            {
                "old_password": password,
                "new_password1": "Une-phrase-longue-2026",
                "new_password2": "Une-phrase-longue-2026",
            },
        )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.must_change_password is False
    assert user.check_password("Une-phrase-longue-2026")
    assert client.get(reverse("portal:home")).status_code == 200  # still signed in
    assert [m.to for m in mailoutbox] == [[user.email]]


@pytest.mark.parametrize(
    ("new_password", "reason"),
    [("Court-1", "trop court"), ("password1234", "trop courant"), ("123456789012345", "numérique")],
)
def test_password_policy_refuses_weak_passwords(client, user, password, new_password, reason):
    client.force_login(user)
    response = client.post(
        reverse("accounts:password-change"),
        {"old_password": password, "new_password1": new_password, "new_password2": new_password},
    )
    assert response.status_code == 200, reason
    user.refresh_from_db()
    assert user.check_password(password)


def test_password_policy_has_no_composition_rule(client, user, password):
    client.force_login(user)
    lowercase_phrase = "quatre mots sans majuscule"
    response = client.post(
        reverse("accounts:password-change"),
        {
            "old_password": password,
            "new_password1": lowercase_phrase,
            "new_password2": lowercase_phrase,
        },
    )
    assert response.status_code == 302
