"""axe-core in every browser test: each state of a page the test saw is checked against WCAG 2.2
A/AA, and the test fails with the list of violations (the autouse fixture in conftest.py).

How it cannot be forgotten, without slowing or racing the test: a script added to every document
sends the page's markup to Python once it has loaded, and again after each htmx swap. When the test
ends, each distinct snapshot is opened again in a second tab of the same browser context, at its
own URL (the document itself is served from the snapshot; stylesheets, scripts and images come
from the live server, under the same Content-Security-Policy), and axe runs there. So every page
a test visits is checked, including what an htmx swap or a failed form put in place, and a test
that clicks away at once does not skip the check. (axe cannot run on the test's own tab at the
moment it leaves a document: Chromium does not evaluate while a navigation request is held.)

axe-core comes bundled in the `axe-playwright-python` package (`axe.min.js`): nothing is
downloaded at run time. Third-party content that is not ours to fix is excluded by selector
(`THIRD_PARTY`).
"""

from __future__ import annotations

import contextlib
import hashlib
import re
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from axe_playwright_python.base import AXE_SCRIPT
from django.conf import settings
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page, Request, Route

# WCAG 2.0, 2.1 and 2.2, levels A and AA (axe has no wcag22a tag: no 2.2 level A rule).
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
# Rules axe marks experimental are off unless named; this one tests WCAG 2.5.3 (level A).
EXTRA_RULES = {"label-content-name-mismatch": {"enabled": True}}
# The vendored Swagger UI of /api/v1/docs renders its own markup (third party, not ours to fix);
# the page around it (title, language, header, heading, introduction) is still checked.
THIRD_PARTY = [["#swagger-ui"]]

_SNAPSHOT = """(() => {
  if (window !== window.top) return;
  const send = () => {
    const doctype = document.doctype ? "<!DOCTYPE html>" : "";
    window.__axeSnapshot(location.href, doctype + document.documentElement.outerHTML);
  };
  addEventListener("load", () => setTimeout(send, 0));
  document.addEventListener("htmx:afterSettle", send);
})();"""

_RUN = """async ([context, options]) => {
  const results = await axe.run(context, options);
  return results.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
    nodes: v.nodes.map((n) => ({target: n.target.join(" "), summary: n.failureSummary || ""})),
  }));
}"""

# Per-request tokens make two renderings of the same page differ; they are not what axe checks.
_TOKENS = re.compile(r'(csrfmiddlewaretoken" value="|X-CSRFToken": ")[^"]*')
# Markup already checked in this session (by any test), with what axe found there.
_CHECKED: dict[str, list[dict]] = {}
# For the end of the session: page states checked, seconds spent.
TOTALS = {"runs": 0, "seconds": 0.0}


@dataclass(frozen=True)
class Violation:
    path: str
    rule: str
    impact: str
    help: str
    target: str
    summary: str

    def line(self) -> str:
        detail = " ".join(self.summary.split())
        return (
            f"  {self.path}  [{self.rule}, {self.impact}] {self.help}\n"
            f"    at {self.target}: {detail}"
        )


@dataclass
class AxeWatch:
    page: Page
    snapshots: dict[str, tuple[str, str]] = field(default_factory=dict)
    violations: dict[tuple[str, str, str], Violation] = field(default_factory=dict)
    rules: dict[str, str] = field(default_factory=dict)
    runs: int = 0
    seconds: float = 0.0

    def start(self) -> AxeWatch:
        self.page.expose_function("__axeSnapshot", self.keep)
        self.page.add_init_script(_SNAPSHOT)
        return self

    def keep(self, url: str, html: str) -> None:
        if not url.startswith("http"):
            return
        digest = hashlib.sha256((url + _TOKENS.sub(r"\1", html)).encode()).hexdigest()
        self.snapshots.setdefault(digest, (url, html))

    def check(self) -> None:
        """Runs axe on every snapshot not checked yet, in a second tab."""
        if self.page.is_closed():
            return
        if self.page.url.startswith("http"):
            # The state the test ends on (already sent, unless it changed without htmx).
            with contextlib.suppress(PlaywrightError):
                self.keep(
                    self.page.url,
                    self.page.evaluate(
                        "() => (document.doctype ? '<!DOCTYPE html>' : '')"
                        " + document.documentElement.outerHTML"
                    ),
                )
        pending = [(d, u, h) for d, (u, h) in self.snapshots.items() if d not in _CHECKED]
        if pending:
            started = time.perf_counter()
            checker = self.page.context.new_page()
            try:
                for digest, url, html in pending:
                    _CHECKED[digest] = self._run(checker, url, html)
                    self.runs += 1
            finally:
                checker.close()
            self.seconds += time.perf_counter() - started
            TOTALS["runs"] += len(pending)
            TOTALS["seconds"] += time.perf_counter() - started
        for digest, (url, _html) in self.snapshots.items():
            self._collect(url, _CHECKED.get(digest, []))

    def _run(self, checker: Page, url: str, html: str) -> list[dict]:
        def serve(route: Route, request: Request) -> None:
            if request.is_navigation_request() and request.url == url:
                route.fulfill(
                    status=200,
                    content_type="text/html; charset=utf-8",
                    headers={"Content-Security-Policy": settings.CONTENT_SECURITY_POLICY},
                    body=html,
                )
            else:
                route.fallback()

        checker.route("**/*", serve)
        try:
            checker.goto(url, wait_until="load")
            checker.evaluate(AXE_SCRIPT)
            return checker.evaluate(
                _RUN,
                [
                    {"exclude": THIRD_PARTY},
                    {
                        "runOnly": {"type": "tag", "values": WCAG_TAGS},
                        "rules": EXTRA_RULES,
                        "resultTypes": ["violations"],
                        "iframes": False,
                    },
                ],
            )
        finally:
            checker.unroute("**/*", serve)

    def _collect(self, url: str, found: list[dict]) -> None:
        path = urlsplit(url)._replace(scheme="", netloc="").geturl()
        for rule in found:
            self.rules[rule["id"]] = rule["helpUrl"]
            for node in rule["nodes"]:
                violation = Violation(
                    path,
                    rule["id"],
                    rule["impact"] or "",
                    rule["help"],
                    node["target"],
                    node["summary"],
                )
                self.violations.setdefault((path, rule["id"], node["target"]), violation)

    def forget(self) -> None:
        """Drops what was seen so far (a test that shows a page meant to fail)."""
        self.snapshots.clear()
        self.violations.clear()
        self.rules.clear()

    def report(self) -> str:
        """The readable failure message, empty when nothing was found."""
        if not self.violations:
            return ""
        lines = [
            f"axe-core found {len(self.violations)} WCAG 2.2 A/AA violation(s) "
            f"on {len(self.snapshots)} page state(s) this test saw:"
        ]
        lines += [v.line() for v in self.violations.values()]
        lines += ["Rules:"] + [f"  {rule}: {url}" for rule, url in self.rules.items()]
        return "\n".join(lines)
