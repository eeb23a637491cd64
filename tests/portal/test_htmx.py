"""htmx on every page: loaded from our own files, given the CSRF token in an attribute that
validates (`data-hx-*`, never bare `hx-*`), under a CSP without inline scripts or eval."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

BARE_HX = re.compile(r"\shx-[a-z-]+=")


@pytest.mark.parametrize("signed_in", [True, False])
def test_pages_give_htmx_the_csrf_token_in_valid_attributes(client, admin, signed_in):
    if signed_in:
        client.force_login(admin)
    response = client.get(reverse("portal:home" if signed_in else "account_login"))
    page = response.content.decode()
    assert re.search(r"<body[^>]* data-hx-headers='\{\"X-CSRFToken\": \"\w+\"\}'>", page)
    assert not BARE_HX.search(page)
    assert '<script src="/static/js/htmx.min.js" defer></script>' in page
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe" not in policy


def test_signed_in_pages_have_an_empty_live_region(client, admin):
    client.force_login(admin)
    page = client.get(reverse("portal:home")).content.decode()
    assert '<div id="live-status" class="live-status" role="status"></div>' in page
