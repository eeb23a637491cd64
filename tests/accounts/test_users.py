"""Standard users ("Mes utilisateurs"): list, create, technical users, edit, deactivate,
reactivate. Every view: anonymous, other company (404), missing right (403), allowed."""

import html
import re

import pytest
from django.contrib.auth.hashers import make_password
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts.models import (
    AccountApplication,
    ApiKey,
    Application,
    AuditEvent,
    Membership,
    MembershipKind,
    MembershipStatus,
    User,
)
from accounts.permissions import Scope, api_key_authenticate, held_rights
from accounts.services.apikeys import api_key_issue
from accounts.services.grants import rights_set
from notifications.models import OutboundEmail
from tests.factories import (
    PASSWORD,
    AdminMembershipFactory,
    BillingAddressFactory,
    CustomerAccountFactory,
    MembershipFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Tulipe-Verte-2026!"


def _member(company, **kwargs):
    return MembershipFactory(company=company, **kwargs)


def _create_data(**overrides):
    data = {
        "username": "jean.dupont",
        "password": NEW_PASSWORD,
        "password_confirm": NEW_PASSWORD,
        "civility": "mr",
        "first_name": "Jean",
        "last_name": "Dupont",
        "email": "jean.dupont@example.com",
        "language": "nl",
        "function": "Expéditions",
        "phone": "+32 2 000 00 00",
        "address": "Rue Neuve 1",
        "postcode": "1000",
        "city": "Bruxelles",
        "country": "BE",
    }
    data.update(overrides)
    return data


def _sign_in(client, login, password=PASSWORD):
    return client.post(reverse("account_login"), {"login": login, "password": password})


# --- Access: every view -------------------------------------------------------------------

OBJECT_VIEWS = [
    ("accounts:user-edit", "get"),
    ("accounts:user-deactivate", "post"),
    ("accounts:user-reactivate", "post"),
    ("accounts:user-key-regenerate", "post"),
]
POST_ONLY_VIEWS = [name for name, method in OBJECT_VIEWS if method == "post"]
EVERY_METHOD = ("get", "head", "post")
COMPANY_VIEWS = ["accounts:user-list", "accounts:user-create", "accounts:user-create-technical"]


@pytest.mark.parametrize("name", COMPANY_VIEWS)
def test_company_view_anonymous_goes_to_sign_in(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302 and reverse("account_login") in response["Location"]


@pytest.mark.parametrize("name", COMPANY_VIEWS)
def test_company_view_needs_admin(client, user, name):
    client.force_login(user)
    assert client.get(reverse(name)).status_code == 403


@pytest.mark.parametrize("name", COMPANY_VIEWS)
def test_company_view_open_to_admin(client, admin, name):
    client.force_login(admin)
    assert client.get(reverse(name)).status_code == 200


@pytest.mark.parametrize(("name", "method"), OBJECT_VIEWS)
def test_object_view_anonymous_goes_to_sign_in(client, user, name, method):
    response = getattr(client, method)(reverse(name, args=[user.pk]))
    assert response.status_code == 302 and reverse("account_login") in response["Location"]


@pytest.mark.parametrize(("name", "method"), OBJECT_VIEWS)
def test_object_view_of_another_company_is_404(
    client, user, other_company, other_company_admin, name, method
):
    """Whatever the method, and with or without the right: the object is looked up first."""
    for outsider in (other_company_admin, _member(other_company).user):
        client.force_login(outsider)
        for each in EVERY_METHOD:
            assert getattr(client, each)(reverse(name, args=[user.pk])).status_code == 404, each
    user.refresh_from_db()
    assert user.is_active


@pytest.mark.parametrize("name", POST_ONLY_VIEWS)
def test_post_only_object_view_answers_405_to_the_companys_admin(client, admin, user, name):
    client.force_login(admin)
    for each in ("get", "head"):
        assert getattr(client, each)(reverse(name, args=[user.pk])).status_code == 405, each


@pytest.mark.parametrize(("name", "method"), OBJECT_VIEWS)
def test_object_view_needs_admin(client, company, user, name, method):
    colleague = _member(company).user
    client.force_login(user)
    assert getattr(client, method)(reverse(name, args=[colleague.pk])).status_code == 403


def test_edit_page_open_to_admin(client, admin, user):
    client.force_login(admin)
    response = client.get(reverse("accounts:user-edit", args=[user.pk]))
    assert response.status_code == 200
    assert user.email in response.content.decode()


def test_deactivate_refuses_get(client, admin, user):
    client.force_login(admin)
    assert client.get(reverse("accounts:user-deactivate", args=[user.pk])).status_code == 405


def test_advanced_user_and_provider_are_not_reachable_here(client, admin, company, provider):
    advanced = _member(company, kind=MembershipKind.ADVANCED).user
    client.force_login(admin)
    for person in (advanced, provider):
        assert client.get(reverse("accounts:user-edit", args=[person.pk])).status_code == 404


# --- List ---------------------------------------------------------------------------------


def test_list_shows_standard_users_of_the_company_only(
    client, admin, user, company, other_company_admin
):
    technical = _member(company, kind=MembershipKind.TECHNICAL, user__username="erp.bot").user
    advanced = _member(company, kind=MembershipKind.ADVANCED, user__username="advanced.one").user
    client.force_login(admin)
    page = client.get(reverse("accounts:user-list")).content.decode()
    assert user.username in page and technical.username in page
    assert advanced.username not in page
    assert other_company_admin.username not in page
    assert "administrateur" in page and "technique" in page
    assert "Créer un utilisateur technique" in page


def test_list_hides_deactivated_users_until_asked(client, admin, company):
    gone = _member(company, user__username="gone", status=MembershipStatus.DEACTIVATED).user
    client.force_login(admin)
    url = reverse("accounts:user-list")
    assert "gone" not in client.get(url).content.decode()
    page = client.get(url, {"deactivated": "1"}).content.decode()
    assert gone.username in page and "Réactiver" in page


def test_list_searches_username_name_and_email(client, admin, company):
    _member(company, user__username="alpha", user__last_name="Zeebrugge")
    _member(company, user__username="beta", user__email="beta@verdier.example")
    client.force_login(admin)
    url = reverse("accounts:user-list")
    page = client.get(url, {"q": "zeebr"}).content.decode()
    assert "alpha" in page and "beta" not in page
    page = client.get(url, {"q": "verdier.example"}).content.decode()
    assert "beta" in page and "alpha" not in page


def test_list_sorts_both_ways_with_aria_sort(client, admin, company):
    _member(company, user__username="aaa")
    _member(company, user__username="zzz")
    client.force_login(admin)
    url = reverse("accounts:user-list")
    page = client.get(url, {"sort": "username"}).content.decode()
    assert page.index("aaa") < page.index("zzz")
    assert 'aria-sort="ascending"' in page and "sort=-username" in page
    page = client.get(url, {"sort": "-username"}).content.decode()
    assert page.index("zzz") < page.index("aaa")
    assert 'aria-sort="descending"' in page


def test_list_paginates_by_25(client, admin, company):
    for _ in range(30):
        _member(company)
    client.force_login(admin)
    url = reverse("accounts:user-list")
    response = client.get(url)
    first = response.context["page_obj"]
    total = first.count.value
    assert len(first.object_list) == 25 and total > 30
    page = response.content.decode()
    assert f"{total} résultats" in page and 'rel="prev"' not in page
    # "Suivante" leads to the rest, "Précédente" back to the first 25; no one twice.
    next_href = html.unescape(re.search(r'rel="next" href="\?([^"]+)"', page).group(1))
    response = client.get(f"{url}?{next_href}")
    second = response.context["page_obj"]
    assert len(second.object_list) == total - 25 and not second.has_next
    seen = [m.pk for m in first] + [m.pk for m in second]
    assert len(set(seen)) == total
    page = response.content.decode()
    prev_href = html.unescape(re.search(r'rel="prev" href="\?([^"]+)"', page).group(1))
    back = client.get(f"{url}?{prev_href}").context["page_obj"]
    assert [m.pk for m in back] == [m.pk for m in first]


def test_list_next_page_keeps_search_and_sort_and_sort_links_start_over(client, admin, company):
    for i in range(30):
        _member(company, user__username=f"cherche{i:02d}")
    client.force_login(admin)
    url = reverse("accounts:user-list")
    page = client.get(url, {"q": "cherche", "sort": "-username"}).content.decode()
    next_href = html.unescape(re.search(r'rel="next" href="\?([^"]+)"', page).group(1))
    assert "q=cherche" in next_href and "sort=-username" in next_href
    rows = client.get(f"{url}?{next_href}").context["page_obj"].object_list
    assert [m.user.username for m in rows] == [
        "cherche04",
        "cherche03",
        "cherche02",
        "cherche01",
        "cherche00",
    ]
    # The sort headers of a later page go back to the first page of the other order.
    page = client.get(f"{url}?{next_href}").content.decode()
    assert "after=" not in "".join(re.findall(r'<th scope="col"[^>]*><a href="([^"]+)"', page))


def test_list_marks_people_who_administer_another_company(client, admin, company, other_company):
    both = _member(company, user__username="double.casquette").user
    AdminMembershipFactory(company=other_company, user=both)
    _member(company, user__username="simple")
    client.force_login(admin)
    response = client.get(reverse("accounts:user-list"))
    rows = {m.user.username: m.elsewhere for m in response.context["page_obj"].object_list}
    assert rows["double.casquette"] is True and rows["simple"] is False
    assert "Aussi administrateur ou prestataire" in response.content.decode()


def _bulk_users(company, count):
    hashed = make_password(None)
    creator = UserFactory(username=f"creator{count}")
    users = User.objects.bulk_create(
        User(
            username=f"bulk{count}-{i}",
            email=f"bulk{count}-{i}@example.com",
            last_name=f"Nom{i}",
            password=hashed,
            user_key=f"{count:08x}{i:024x}",
        )
        for i in range(count)
    )
    Membership.objects.bulk_create(
        Membership(user=u, company=company, created_by=creator) for u in users
    )
    return users


@pytest.mark.parametrize("count", [20, 2000])
def test_list_queries_do_not_grow_with_users(
    client, admin, company, other_company, count, django_assert_max_num_queries
):
    users = _bulk_users(company, count)
    Membership.objects.bulk_create(
        Membership(user=u, company=other_company, can_manage_users=True) for u in users[:10]
    )
    client.force_login(admin)
    with django_assert_max_num_queries(11):  # 11 measured at 20 and at 2,000 users
        response = client.get(reverse("accounts:user-list"), {"sort": "created_by"})
    assert response.status_code == 200


# --- Create -------------------------------------------------------------------------------


def test_create_user_sends_username_in_their_language_never_the_password(
    client, admin, company, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:user-create"), _create_data())
    person = User.objects.get(username="jean.dupont")
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:user-rights", args=[person.pk])
    assert person.must_change_password and person.check_password(NEW_PASSWORD)
    assert person.created_by == admin and person.language == "nl"
    membership = Membership.objects.get(user=person, company=company)
    assert membership.kind == MembershipKind.EMPLOYEE and membership.created_by == admin
    assert not membership.is_admin
    assert not held_rights(membership=membership)
    message = mailoutbox[-1]
    assert message.to == ["jean.dupont@example.com"]
    assert "jean.dupont" in message.body and NEW_PASSWORD not in message.body
    assert NEW_PASSWORD not in message.alternatives[0][0]
    assert "Imprimerie Test SA" in message.body
    event = AuditEvent.objects.get(kind="user.created", company=company)
    assert event.actor == admin and event.after["username"] == "jean.dupont"
    assert "password" not in event.after
    page = client.get(response["Location"]).content.decode()
    assert "aucun droit sur les applications" in page


def test_create_user_email_is_in_the_language_chosen_for_them(
    client, admin, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(admin)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:user-create"), _create_data(language="fr"))
        client.post(
            reverse("accounts:user-create"),
            _create_data(username="piet", email="piet@example.com", language="nl"),
        )
    french, dutch = mailoutbox[-2], mailoutbox[-1]
    assert french.subject != dutch.subject
    assert OutboundEmail.objects.get(recipient="piet@example.com").language == "nl"
    assert OutboundEmail.objects.get(recipient="jean.dupont@example.com").language == "fr"


def test_create_user_refuses_taken_username_and_email_any_case(client, admin, user):
    client.force_login(admin)
    response = client.post(
        reverse("accounts:user-create"),
        _create_data(username=user.username.upper(), email=user.email.upper()),
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert "déjà pris" in form.errors["username"][0]
    assert "déjà utilisée" in form.errors["email"][0]
    assert User.objects.filter(username__iexact=user.username).count() == 1


def test_create_user_checks_password_against_the_new_user(client, admin):
    client.force_login(admin)
    weak = "jean.dupont1"
    response = client.post(
        reverse("accounts:user-create"),
        _create_data(password=weak, password_confirm=weak),
    )
    assert response.status_code == 200
    assert response.context["form"].errors["password"]
    assert not User.objects.filter(username="jean.dupont").exists()


def test_create_user_needs_matching_passwords(client, admin):
    client.force_login(admin)
    response = client.post(
        reverse("accounts:user-create"), _create_data(password_confirm="Autre-chose-2026!")
    )
    assert "diffèrent" in response.context["form"].errors["password_confirm"][0]
    assert not User.objects.filter(username="jean.dupont").exists()


def test_admin_with_manage_admins_creates_an_administrator(client, admin, company):
    client.force_login(admin)
    client.post(
        reverse("accounts:user-create"),
        _create_data(can_manage_users="on", can_recover_password="on"),
    )
    membership = Membership.objects.get(user__username="jean.dupont")
    assert membership.can_manage_users and membership.can_recover_password


def test_user_manager_sees_admin_rights_greyed_with_the_reason(client, company):
    manager = _member(company, can_manage_users=True).user
    client.force_login(manager)
    form = client.get(reverse("accounts:user-create")).context["form"]
    html = str(form["can_manage_admins"])
    assert "disabled" in html
    assert "Seul un administrateur autorisé" in str(form.fields["can_manage_admins"].help_text)
    assert "disabled" in str(form["can_manage_users"])
    assert "disabled" in str(form["has_ftp_access"])


def test_crafted_post_making_an_admin_is_refused_and_nothing_is_created(
    client, company, mailoutbox
):
    manager = _member(company, can_manage_users=True).user
    client.force_login(manager)
    response = client.post(
        reverse("accounts:user-create"),
        _create_data(can_manage_users="on", can_manage_admins="on", has_ftp_access="on"),
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Seul un administrateur autorisé à gérer les administrateurs" in page
    assert "accès FTP" in page
    assert not User.objects.filter(username="jean.dupont").exists()
    assert not mailoutbox


def test_user_manager_creates_a_plain_user(client, company):
    manager = _member(company, can_manage_users=True).user
    client.force_login(manager)
    response = client.post(reverse("accounts:user-create"), _create_data())
    assert response.status_code == 302
    assert not Membership.objects.get(user__username="jean.dupont").is_admin


# --- Technical users -----------------------------------------------------------------------


def _create_technical(client):
    return client.post(
        reverse("accounts:user-create-technical"),
        {"username": "erp.lambert", "label": "ERP — dépôts", "email": ""},
    )


def test_technical_user_gets_an_api_key_shown_once_and_no_password(client, admin, company):
    client.force_login(admin)
    response = _create_technical(client)
    assert response.status_code == 200
    key = response.context["key"]
    assert key in response.content.decode()
    assert "ne sera plus jamais affichée" in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    person = User.objects.get(username="erp.lambert")
    assert not person.has_usable_password()
    assert person.display_name == "ERP — dépôts"
    membership = Membership.objects.get(user=person, company=company)
    assert membership.kind == MembershipKind.TECHNICAL
    assert api_key_authenticate(key=key) == person
    assert AuditEvent.objects.filter(kind="user.created", company=company).exists()
    # The key is not stored in clear and is not on the list page.
    assert not ApiKey.objects.filter(key_hash=key).exists()
    assert key not in client.get(reverse("accounts:user-list")).content.decode()


def test_technical_user_cannot_sign_in(client, admin):
    client.force_login(admin)
    _create_technical(client)
    client.logout()
    response = _sign_in(client, "erp.lambert", "Quelque-chose-2026!")
    assert "_auth_user_id" not in client.session
    assert "incorrect" in response.content.decode()


def test_technical_user_cannot_sign_in_even_with_a_password_set(client, admin):
    client.force_login(admin)
    _create_technical(client)
    client.logout()
    person = User.objects.get(username="erp.lambert")
    person.set_password(PASSWORD)  # e.g. set by mistake in Django admin
    person.save()
    _sign_in(client, "erp.lambert", PASSWORD)
    assert "_auth_user_id" not in client.session


def test_technical_key_regenerated_by_an_admin(client, admin):
    client.force_login(admin)
    first = _create_technical(client).context["key"]
    person = User.objects.get(username="erp.lambert")
    response = client.post(reverse("accounts:user-key-regenerate", args=[person.pk]))
    second = response.context["key"]
    assert second != first and api_key_authenticate(key=second) == person
    assert api_key_authenticate(key=first) == person  # still valid for the grace period
    assert AuditEvent.objects.filter(kind="user.api_key_regenerated").exists()


def test_key_regeneration_is_for_technical_users_only(client, admin, user):
    client.force_login(admin)
    response = client.post(reverse("accounts:user-key-regenerate", args=[user.pk]), follow=True)
    assert "Seul un utilisateur technique" in response.content.decode()
    assert not ApiKey.objects.filter(user=user).exists()


# --- Edit ---------------------------------------------------------------------------------


def _edit_data(person, **overrides):
    data = {
        "civility": person.civility,
        "first_name": person.first_name,
        "last_name": person.last_name,
        "email": person.email,
        "language": person.language,
        "function": person.function,
        "phone": person.phone,
        "address": person.address,
        "postcode": person.postcode,
        "city": person.city,
        "country": person.country,
    }
    data.update(overrides)
    return data


def test_edit_audits_only_the_changed_fields(client, admin, user, company):
    client.force_login(admin)
    response = client.post(
        reverse("accounts:user-edit", args=[user.pk]),
        _edit_data(user, function="Comptable", can_recover_password="on"),
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.function == "Comptable"
    event = AuditEvent.objects.get(kind="user.changed", company=company)
    assert event.before == {"function": "", "can_recover_password": False}
    assert event.after == {"function": "Comptable", "can_recover_password": True}


def test_edit_refuses_an_email_of_someone_else(client, admin, user):
    client.force_login(admin)
    response = client.post(
        reverse("accounts:user-edit", args=[user.pk]), _edit_data(user, email=admin.email)
    )
    assert "déjà utilisée" in response.context["form"].errors["email"][0]


def test_user_manager_cannot_change_an_administrator(client, company, admin):
    manager = _member(company, can_manage_users=True).user
    client.force_login(manager)
    page = client.get(reverse("accounts:user-edit", args=[admin.pk])).content.decode()
    assert "Seul un administrateur autorisé" in page
    response = client.post(
        reverse("accounts:user-edit", args=[admin.pk]), _edit_data(admin, function="Piraté")
    )
    assert response.status_code == 200
    admin.refresh_from_db()
    assert admin.function != "Piraté"


def test_user_manager_cannot_promote_by_crafted_post(client, company, user):
    manager = _member(company, can_manage_users=True).user
    client.force_login(manager)
    response = client.post(
        reverse("accounts:user-edit", args=[user.pk]),
        _edit_data(user, can_manage_users="on"),
    )
    assert "Seul un administrateur autorisé" in response.content.decode()
    assert not Membership.objects.get(user=user).is_admin


def test_greyed_management_right_the_user_holds_survives_a_save(client, company, user):
    Membership.objects.filter(user=user).update(has_ftp_access=True)
    manager = _member(company, can_manage_users=True).user  # no FTP access himself
    client.force_login(manager)
    # The box is sent unticked (as a browser does for a disabled box).
    response = client.post(
        reverse("accounts:user-edit", args=[user.pk]), _edit_data(user, function="Chef")
    )
    assert response.status_code == 302
    assert Membership.objects.get(user=user).has_ftp_access


def test_admin_cannot_change_own_management_rights(client, admin):
    client.force_login(admin)
    response = client.post(
        reverse("accounts:user-edit", args=[admin.pk]), _edit_data(admin, can_manage_users="")
    )
    assert response.status_code in (200, 302)
    assert Membership.objects.get(user=admin).can_manage_users


# --- Deactivate / reactivate -------------------------------------------------------------


@pytest.fixture
def emasspost_member(company, user):
    """`user` holds an e-Masspost right given by support staff."""
    app = Application.objects.get(code="emasspost")
    account = CustomerAccountFactory(company=company)
    AccountApplication.objects.create(account=account, application=app)
    address = BillingAddressFactory(company=company)
    membership = Membership.objects.get(user=user, company=company)
    staff = UserFactory(is_staff=True)
    rights_set(
        membership=membership,
        application=app,
        rights={
            app.permissions.get(code="create"): Scope.of(
                accounts=[account.pk], billing_addresses=[address.pk]
            )
        },
        actor=staff,
        notify=False,
    )
    return membership


def test_deactivation_removes_sign_in_keys_and_rights_at_once(
    client, admin, user, company, emasspost_member
):
    key = api_key_issue(user=user, actor=admin)[1]
    their_browser = Client()
    their_browser.force_login(user)
    client.force_login(admin)
    response = client.post(reverse("accounts:user-deactivate", args=[user.pk]))
    assert response.status_code == 302
    membership = Membership.objects.get(pk=emasspost_member.pk)
    user.refresh_from_db()
    assert membership.status == MembershipStatus.DEACTIVATED and membership.deactivated_at
    assert not user.is_active
    assert held_rights(membership=membership) == {}
    assert membership.grants.filter(status="active").count() == 1  # kept for reactivation
    assert api_key_authenticate(key=key) is None
    assert AuditEvent.objects.filter(kind="user.deactivated", company=company).exists()
    # Their open session ends at once, and they cannot sign in again.
    response = their_browser.get(reverse("portal:home"))
    assert response.status_code == 302 and reverse("account_login") in response["Location"]
    client.logout()
    _sign_in(client, user.username)
    assert "_auth_user_id" not in client.session


def test_deactivated_person_keeps_sign_in_for_another_company(client, admin, user, other_company):
    MembershipFactory(company=other_company, user=user)
    client.force_login(admin)
    client.post(reverse("accounts:user-deactivate", args=[user.pk]))
    user.refresh_from_db()
    assert user.is_active
    assert Membership.objects.get(user=user, company=other_company).is_active


def test_reactivation_restores_sign_in_and_rights(client, admin, user, emasspost_member):
    client.force_login(admin)
    client.post(reverse("accounts:user-deactivate", args=[user.pk]))
    response = client.post(reverse("accounts:user-reactivate", args=[user.pk]), follow=True)
    assert "est réactivé" in response.content.decode()
    membership = Membership.objects.get(pk=emasspost_member.pk)
    assert membership.is_active and membership.deactivated_at is None
    assert len(held_rights(membership=membership)) == 1
    assert AuditEvent.objects.filter(kind="user.reactivated").exists()
    client.logout()
    _sign_in(client, user.username)
    assert "_auth_user_id" in client.session


def test_admin_cannot_deactivate_themselves(client, admin):
    client.force_login(admin)
    response = client.post(reverse("accounts:user-deactivate", args=[admin.pk]), follow=True)
    assert "Vous ne pouvez pas vous désactiver" in response.content.decode()
    assert Membership.objects.get(user=admin).is_active


def test_user_manager_cannot_deactivate_an_administrator(client, company, admin):
    manager = _member(company, can_manage_users=True).user
    client.force_login(manager)
    response = client.post(reverse("accounts:user-deactivate", args=[admin.pk]), follow=True)
    assert "Seul un administrateur autorisé" in response.content.decode()
    assert Membership.objects.get(user=admin).is_active


def test_list_offers_no_deactivate_button_for_self(client, admin):
    client.force_login(admin)
    page = client.get(reverse("accounts:user-list")).content.decode()
    assert reverse("accounts:user-deactivate", args=[admin.pk]) not in page


def test_no_email_is_sent_on_creation_failure(client, admin, user):
    client.force_login(admin)
    client.post(reverse("accounts:user-create"), _create_data(username=user.username))
    assert not mail.outbox
