"""Who is told what when router rights change: the other side's administrators, and the people
who lose a right through a cascade. Each e-mail is an outbox row, sent after commit."""

from collections.abc import Iterable

from django.conf import settings
from django.urls import reverse

from accounts.models import Company, Grant, Membership
from accounts.selectors import company_admin_list
from notifications import emails

from .cascade import Cascade


def _url(name: str) -> str:
    return settings.SITE_URL + reverse(name)


def grant_lines(grants: Iterable[Grant]) -> list[str]:
    """« Application · right — accounts » per grant (scopes prefetched)."""
    return [
        f"{g.permission.application.label} · {g.permission.label} — "
        + ", ".join(a.number for a in g.accounts.all())
        for g in grants
    ]


def offered(*, customer: Company, router: Company, grants: list[Grant]) -> None:
    lines = grant_lines(grants)
    for admin in company_admin_list(company=router):
        emails.send_router_rights_offered(
            user=admin.user,
            display_name=admin.user.display_name,
            customer_name=customer.name,
            router_name=router.name,
            lines=lines,
            received_url=_url("delegation:received-list"),
        )


def answered(*, customer: Company, router: Company, accepted: bool) -> None:
    for admin in company_admin_list(company=customer):
        emails.send_router_rights_answered(
            user=admin.user,
            display_name=admin.user.display_name,
            customer_name=customer.name,
            router_name=router.name,
            accepted=accepted,
            routers_url=_url("delegation:router-list"),
        )


def closed(
    *, customer: Company, router: Company, reason: str, cascade: Cascade, tell: Company
) -> None:
    """`tell`: the side that did not act (the router when the customer withdraws, ...)."""
    page = "delegation:received-list" if tell == router else "delegation:router-list"
    for admin in company_admin_list(company=tell):
        emails.send_router_rights_closed(
            user=admin.user,
            display_name=admin.user.display_name,
            customer_name=customer.name,
            router_name=router.name,
            reason=reason,
            affected=len(cascade.memberships()),
            page_url=_url(page),
        )
    lost(customer=customer, router=router, cascade=cascade)


def lost(*, customer: Company, router: Company, cascade: Cascade) -> None:
    """Each person whose handed-on right was narrowed or removed, once, with what changed."""
    changed = cascade.narrowed + cascade.revoked
    people = Membership.objects.filter(pk__in=cascade.memberships()).select_related("user")
    for membership in people:
        mine = [g for g in changed if g.membership_id == membership.pk]
        user = membership.user
        if not user.is_active or not user.email:
            continue
        emails.send_rights_lost(
            user=user,
            display_name=user.display_name,
            customer_name=customer.name,
            router_name=router.name,
            lines=[f"{g.permission.application.label} · {g.permission.label}" for g in mine],
        )


def ending(*, customer: Company, router: Company, ends_on: str) -> None:
    for company, page in (
        (customer, "delegation:router-list"),
        (router, "delegation:received-list"),
    ):
        for admin in company_admin_list(company=company):
            emails.send_router_rights_ending(
                user=admin.user,
                display_name=admin.user.display_name,
                customer_name=customer.name,
                router_name=router.name,
                ends_on=ends_on,
                page_url=_url(page),
            )
