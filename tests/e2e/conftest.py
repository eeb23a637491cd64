"""Browser tests: pytest-playwright on the system Chromium, against pytest-django's live server.

Playwright's own browser downloads are not used: the Debian `chromium` package is launched
instead, and every test here is skipped when it is not installed.
"""

import os
from pathlib import Path

import pytest

from tests.e2e.axe import TOTALS, AxeWatch

CHROMIUM = Path("/usr/bin/chromium")
E2E_DIR = Path(__file__).resolve().parent
SCREENSHOTS = E2E_DIR / "screenshots"

# Playwright's sync API keeps an asyncio loop in the main thread for the whole session, so the
# Django ORM (seeding, live-server database flushes, and any test collected after these) would
# otherwise refuse to run with SynchronousOnlyOperation.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"


def pytest_collection_modifyitems(config, items):
    """Marks the tests of this folder `e2e`, gives them the migrated catalog back, and skips
    them without Chromium."""
    skip = pytest.mark.skip(
        reason=f"needs the system Chromium at {CHROMIUM} (Debian package: apt install chromium)"
    )
    for item in items:
        if E2E_DIR not in item.path.parents:
            continue
        item.add_marker(pytest.mark.e2e)
        # The live server needs a transactional database, which is flushed after each test:
        # a serialized rollback restores the rows the data migrations load (application
        # catalog, support group) before the next one.
        if item.get_closest_marker("django_db") is None:
            item.add_marker(pytest.mark.django_db(transaction=True, serialized_rollback=True))
        if not CHROMIUM.exists():
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "headless": True,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {
        **browser_context_args,
        "locale": "fr-FR",
        "viewport": {"width": 1280, "height": 860},
    }


@pytest.fixture
def screenshot(page):
    """Saves a full-page PNG of the current page to tests/e2e/screenshots/<name>.png."""
    SCREENSHOTS.mkdir(exist_ok=True)

    def take(name: str) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture(autouse=True)
def axe_watch(request):
    """axe-core on every page state a browser test sees (tests/e2e/axe.py); the test fails on any
    WCAG 2.2 A/AA violation of our pages (pytest_runtest_call below)."""
    if "page" not in request.fixturenames:
        yield None
        return
    watch = AxeWatch(request.getfixturevalue("page")).start()
    request.node.axe_watch = watch
    yield watch


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    outcome = yield
    watch = getattr(item, "axe_watch", None)
    if watch is not None:
        watch.check()  # the last state the test left the page in
        item.user_properties.append(("axe", f"{watch.runs} runs, {watch.seconds:.1f} s"))
        if watch.violations:
            pytest.fail(watch.report(), pytrace=False)
    return outcome


def pytest_terminal_summary(terminalreporter):
    if TOTALS["runs"]:
        terminalreporter.write_line(
            f"axe-core: {TOTALS['runs']} page states checked in {TOTALS['seconds']:.1f} s"
        )
