"""The tag moves from the person to each of their links with a company, values kept."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("accounts", "0022_user_list_sort_indexes")]
AFTER = [("accounts", "0024_membership_tag_copied_from_person")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture(autouse=True)
def _back_to_the_latest_migrations():
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def test_each_link_of_a_tagged_person_gets_the_tag():
    old = _migrate(BEFORE)
    Company = old.get_model("accounts", "Company")
    User = old.get_model("accounts", "User")
    Membership = old.get_model("accounts", "Membership")
    verdier, roux = Company.objects.create(name="Verdier"), Company.objects.create(name="Roux")
    tagged = User.objects.create(username="avance.martin", user_key="a" * 32, tag="ENTREPOT-NORD")
    plain = User.objects.create(username="user", user_key="b" * 32, email="u@example.com")
    for company in (verdier, roux):
        Membership.objects.create(user=tagged, company=company, kind="advanced")
    Membership.objects.create(user=plain, company=verdier)
    new = _migrate(AFTER)
    links = new.get_model("accounts", "Membership").objects.order_by("pk")
    assert [(m.user.username, m.tag) for m in links] == [
        ("avance.martin", "ENTREPOT-NORD"),
        ("avance.martin", "ENTREPOT-NORD"),
        ("user", ""),
    ]
