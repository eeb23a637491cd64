"""What a reader notices on eSecure pages: one result count per list, e-mail addresses that
wrap after their « @ » rather than inside a word."""

import pytest
from django.urls import reverse

from accounts.models import User
from common.templatetags.wrapping import address_wrap

pytestmark = pytest.mark.django_db


def test_address_wraps_only_after_the_at_sign():
    html = str(address_wrap("nouveau.transitaire@antwerp-freight.example"))
    assert html == (
        '<span class="nowrap">nouveau.transitaire@</span><wbr>'
        '<span class="nowrap">antwerp-freight.example</span>'
    )
    assert str(address_wrap("Jo Client")) == "Jo Client"  # not an address: unchanged
    assert "&lt;script&gt;" in str(address_wrap("<script>@example.com"))


def test_a_list_states_its_result_count_once(client, protected):

    client.force_login(User.objects.get(username="anne"))
    page = client.get(reverse("approvals:admin-list")).content.decode()
    assert "2 enregistrements trouvés" in page
    assert "2 résultats" not in page
