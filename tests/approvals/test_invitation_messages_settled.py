"""An invitation's inbox message is closed once the invitation is answered or withdrawn."""

import pytest

from approvals.services import (
    admin_invitation_accept,
    admin_invitation_refuse,
    admin_invitation_resend,
    admin_invitation_withdraw,
)
from notifications.models import Message
from tests.approvals import test_admin_invitations as base

pytestmark = pytest.mark.django_db

anne, signed_in, outsider, invited = base.anne, base.signed_in, base.outsider, base.invited


def _message(outsider) -> Message:
    return Message.objects.get(user_id=outsider.pk, kind="esecure.admin_invited")


def test_the_invitation_message_is_new_while_it_waits(invited, outsider):
    message = _message(outsider)
    assert message.settled_at is None and message.read_at is None


def test_accepting_closes_the_invitation_message(invited, outsider):
    admin_invitation_accept(invitation=invited["invitation"], user=outsider)
    message = _message(outsider)
    assert message.settled_at is not None and message.read_at is not None


def test_refusing_closes_the_invitation_message(invited, outsider):
    admin_invitation_refuse(invitation=invited["invitation"], user=outsider)
    assert _message(outsider).settled_at is not None


def test_withdrawing_closes_the_invitation_message(invited, outsider, anne):
    admin_invitation_withdraw(invitation=invited["invitation"], actor=anne)
    assert _message(outsider).settled_at is not None


def test_resending_closes_the_earlier_message_and_posts_a_new_one(
    invited, outsider, anne, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        admin_invitation_resend(invitation=invited["invitation"], actor=anne)
    earlier, latest = Message.objects.filter(user_id=outsider.pk).order_by("pk")
    assert earlier.settled_at is not None and latest.settled_at is None
