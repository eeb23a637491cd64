"""« Mes utilisateurs » and providers (issue 8, point 2): the users list marks people who are
providers (made by the provider flow) or administrators of other companies; the providers tab
shows each provider's own company and the status of every access."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership, MembershipKind
from common.links import new_link_key
from delegation import services
from delegation.models import ProviderAccess, ProviderAccessStatus
from tests.delegation import test_provider_access as base
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

swiss = base.swiss

_text = base._text


@pytest.fixture
def worker(other_company):
    """A plain employee of the provider's company (no administrator there)."""
    return MembershipFactory(
        company=other_company,
        user__username="paul.worker",
        user__email="paul.worker@logiserv.example",
    ).user


@pytest.fixture
def boss(other_company):
    """An administrator of the provider's company, who sees its users list."""
    return MembershipFactory(
        company=other_company, user__username="logiserv.boss", can_manage_users=True
    ).user


def _marks(client, person) -> dict[str, bool]:
    response = client.get(reverse("accounts:user-list"))
    return {m.user.username: m.elsewhere for m in response.context["page_obj"].object_list}


def test_a_provider_made_by_the_flow_is_marked_in_their_own_companys_list(
    client, swiss, worker, boss, mailoutbox, django_capture_on_commit_callbacks
):
    base._offer(client, swiss, worker.email, django_capture_on_commit_callbacks)
    key = base._key(mailoutbox)
    client.force_login(boss)
    assert _marks(client, boss)["paul.worker"] is False  # an offer alone marks nothing
    base._accept(client, worker, key, django_capture_on_commit_callbacks)
    assert Membership.objects.get(user=worker, company=swiss["company"]).kind == "provider"
    client.force_login(boss)
    assert _marks(client, boss)["paul.worker"] is True
    assert "Aussi administrateur ou prestataire" in _text(client.get(reverse("accounts:user-list")))
    # Once the access is withdrawn, the mark goes.
    services.provider_access_withdraw(access=ProviderAccess.objects.get(), actor=swiss["admin"])
    assert _marks(client, boss)["paul.worker"] is False


def test_providers_are_not_listed_among_the_mandants_users(
    client, swiss, worker, mailoutbox, django_capture_on_commit_callbacks
):
    base._offer(client, swiss, worker.email, django_capture_on_commit_callbacks)
    base._accept(client, worker, base._key(mailoutbox), django_capture_on_commit_callbacks)
    client.force_login(swiss["admin"])
    assert "paul.worker" not in _marks(client, swiss["admin"])
    providers = _text(client.get(reverse("delegation:provider-list")))
    assert worker.email in providers and "Autre Société SA" in providers


def _access(company, email, status, user=None) -> ProviderAccess:
    now = timezone.now()
    return ProviderAccess.objects.create(
        company=company,
        email=email,
        status=status,
        user=user,
        key_hash=new_link_key()[1],
        created_at=now,
        expires_at=now + timedelta(days=30),
    )


def test_the_providers_tab_shows_every_status_and_the_providers_company(
    client, swiss, other_company
):
    people = {}
    for status in ProviderAccessStatus:
        person = UserFactory(username=f"p-{status.value}", email=f"{status.value}@logi.example")
        MembershipFactory(company=other_company, user=person)
        with_login = status not in (ProviderAccessStatus.PENDING, ProviderAccessStatus.EXPIRED)
        people[status] = _access(
            swiss["company"], person.email, status, user=person if with_login else None
        )
    client.force_login(swiss["admin"])
    page = _text(client.get(reverse("delegation:provider-list")))
    for status in ProviderAccessStatus:
        assert str(status.label) in page, status
    rows = page.split("<tbody>")[-1].split("</tr>")
    row = next(r for r in rows if "active@logi.example" in r)
    assert "Autre Société SA" in row
    # A pending offer never says whether (or where) a login has the address.
    row = next(r for r in rows if "pending@logi.example" in r)
    assert "Autre Société SA" not in row


def test_the_providers_tab_stays_within_a_fixed_number_of_queries(
    client, swiss, other_company, django_assert_max_num_queries
):
    def grow(count: int) -> None:
        for n in range(count):
            person = UserFactory(email=f"grow{ProviderAccess.objects.count()}-{n}@logi.example")
            MembershipFactory(company=other_company, user=person, kind=MembershipKind.EMPLOYEE)
            _access(swiss["company"], person.email, ProviderAccessStatus.ACTIVE, user=person)

    client.force_login(swiss["admin"])
    grow(2)
    client.get(reverse("delegation:provider-list"))  # warm the session and caches
    with django_assert_max_num_queries(20) as few:
        client.get(reverse("delegation:provider-list"))
    grow(15)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("delegation:provider-list"))
