"""Every route of one object looks it up first (SPEC security: every object URL of company A
answers 404 to an administrator of company B, whatever the method): the shared `object_view`
decorator, not a copy per view. The matrix tests of each area prove the answers."""

from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.converters import IntConverter

# Routes with an id that are not a company's object, and why.
NOT_COMPANY_OBJECTS = {
    "notifications:message-detail": "the person's own inbox, looked up by person (404)",
    "notifications:outbox-detail": "carrier support staff only",
    "notifications:outbox-html": "carrier support staff only",
}
OUR_NAMESPACES = {"accounts", "approvals", "delegation", "imports", "notifications", "portal"}


def _routes(patterns, namespace=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace or ""
            yield from _routes(entry.url_patterns, inner or namespace)
        elif isinstance(entry, URLPattern):
            yield f"{namespace}:{entry.name}", entry


def test_every_object_route_looks_the_object_up_first():
    checked = []
    for name, route in _routes(get_resolver().url_patterns):
        if name.split(":", 1)[0] not in OUR_NAMESPACES or name in NOT_COMPANY_OBJECTS:
            continue
        converters = getattr(route.pattern, "converters", {})
        if not any(isinstance(c, IntConverter) for c in converters.values()):
            continue  # no object id (single-use links have their own key lookup)
        assert getattr(route.callback, "looks_up_first", False), name
        checked.append(name)
    assert "accounts:user-deactivate" in checked and "approvals:account-edit" in checked
    assert len(checked) >= 26
