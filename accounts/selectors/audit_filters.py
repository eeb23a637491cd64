"""Conditions of the audit log's filters on people: whoever acted, whatever it was about."""

from django.db.models import CharField, Q
from django.db.models.functions import Cast

from ..models import Membership, User

_PERSON_FIELDS = ("first_name", "last_name", "username", "email")


def _person_q(words: list[str], prefix: str = "") -> Q:
    """Every word in one of the person's names, username or e-mail (« Claire Lambert »)."""
    condition = Q()
    for word in words:
        either = Q()
        for name in _PERSON_FIELDS:
            either |= Q(**{f"{prefix}{name}__icontains": word})
        condition &= either
    return condition


def _keys(queryset):
    return queryset.annotate(key=Cast("pk", CharField())).values("key")


def audit_actor_q(text: str) -> Q:
    """Events by a person named `text`, or whose recorded author (a login typed, an e-mail)
    contains it."""
    text = text.strip()
    return Q(actor_repr__icontains=text) | _person_q(text.split(), prefix="actor__")


def audit_target_q(text: str) -> Q:
    """Events about a person (a member or a login) named `text`, or whose recorded object (an
    e-mail, an account number, a domain, a company) contains it."""
    text = text.strip()
    # The target id is text (any model's key): the people's keys are cast to compare, in one
    # subquery each rather than a list fetched first.
    users = _keys(User.objects.filter(_person_q(text.split())))
    members = _keys(Membership.objects.filter(_person_q(text.split(), prefix="user__")))
    return (
        Q(target_repr__icontains=text)
        | Q(target_type="accounts.membership", target_id__in=members)
        | Q(target_type="accounts.user", target_id__in=users)
    )
