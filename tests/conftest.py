import pytest

from accounts.models import MembershipKind
from tests.factories import PASSWORD, AdminMembershipFactory, CompanyFactory, MembershipFactory


@pytest.fixture
def password():
    return PASSWORD


@pytest.fixture
def company(db):
    return CompanyFactory(name="Imprimerie Test SA")


@pytest.fixture
def other_company(db):
    return CompanyFactory(name="Autre Société SA")


@pytest.fixture
def admin(company):
    """An administrator of `company` (manages users and administrators)."""
    return AdminMembershipFactory(company=company, user__username="admin").user


@pytest.fixture
def user(company):
    """A plain member of `company`, without user-management rights."""
    return MembershipFactory(company=company, user__username="user").user


@pytest.fixture
def other_company_admin(other_company):
    return AdminMembershipFactory(company=other_company, user__username="other.admin").user


@pytest.fixture
def provider(company, other_company):
    """An admin of `other_company` who also acts for `company` as a provider."""
    person = AdminMembershipFactory(company=other_company, user__username="provider").user
    MembershipFactory(company=company, user=person, kind=MembershipKind.PROVIDER)
    return person


@pytest.fixture
def staff(db):
    from tests.factories import UserFactory

    return UserFactory(username="support", is_staff=True, is_superuser=True)


@pytest.fixture(autouse=True)
def _tasks_in_process_unless_worker_test(request):
    """With a broker configured (CI on Redis), ordinary tests still run tasks in-process so that
    mailoutbox sees their e-mails; tests marked `worker` go through the real worker."""
    from portal.celery import app

    eager = request.node.get_closest_marker("worker") is None
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = eager or previous
    yield
    app.conf.task_always_eager = previous


@pytest.fixture(scope="session")
def celery_worker_process(django_db_setup, django_db_blocker, tmp_path_factory):
    """A real `celery worker` process on the configured broker, reading the test database."""
    import os
    import subprocess
    import sys
    import time

    from django.conf import settings
    from django.db import connection

    from portal.celery import app

    if not settings.CELERY_BROKER_URL:
        pytest.skip("needs CELERY_BROKER_URL (a Redis broker) for a real worker")
    db = connection.settings_dict
    if db["ENGINE"] != "django.db.backends.postgresql":
        pytest.skip("a separate worker process needs a shared database server (PostgreSQL)")
    mail_dir = tmp_path_factory.mktemp("worker-mail")
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(mail_dir),
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "portal",
            "worker",
            "--pool",
            "solo",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
            "-l",
            "warning",
            "-n",
            f"test-{os.getpid()}@%h",
        ],
        env=env,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail("the Celery worker exited at start-up")
        if app.control.ping(timeout=1.0):
            break
    else:
        process.terminate()
        pytest.fail("the Celery worker did not answer within 60 s")
    yield mail_dir
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate limits live in the cache: each test starts with none used."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture(autouse=True)
def _catalog_after_flush(request):
    """Transactional tests end with a flush, which also empties the tables the data migrations
    filled (the application catalog). Put the catalog back for the next transactional test, as
    the migration does, so test order does not matter."""
    marker = request.node.get_closest_marker("django_db")
    transactional = "live_server" in request.fixturenames or (
        marker is not None and marker.kwargs.get("transaction")
    )
    if transactional:
        import importlib

        from django.apps import apps

        from accounts.models import Application

        if not Application.objects.exists():
            catalog = importlib.import_module("accounts.migrations.0002_load_application_catalog")
            catalog.load_catalog(apps, None)
            descriptions = importlib.import_module(
                "accounts.migrations.0020_fill_catalog_description_translations"
            )
            descriptions.fill_description_translations(apps, None)
    yield
