"""E-mailed approve/reject links. Mail scanners open links: GET and HEAD only show the request
and a confirm button; only the POST from that page decides. Closed links use the one page of
every kind of link (`common.links`), with eSecure's words."""

from django.shortcuts import render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from accounts.services import client_ip
from common.links import ClosedLinkWords, LinkState, render_closed_link
from common.templatetags.wrapping import address_wrap

from ..models import AccessRequest, RequestStatus
from ..services import decisions


def _when(moment) -> str:
    return formats.date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT")


def _request_details(request_obj: AccessRequest) -> list[tuple[str, str]]:
    """What the open and decided pages say of the request (never the expired or unknown ones)."""
    requester = address_wrap(request_obj.email)
    if request_obj.name:
        requester = format_html("{} ({})", requester, request_obj.name)
    account = request_obj.protected_account.account
    return [
        (_("Demandeur"), requester),
        (_("Numéro de compte"), account.number),
        (_("Société"), account.company.name),
        (_("Demandée le"), _when(request_obj.created_at)),
    ]


def _decided_words(request_obj: AccessRequest, *, just_decided: bool) -> ClosedLinkWords:
    """Who decided and when, on every link of the request."""
    approved = request_obj.status == RequestStatus.APPROVED
    names = {
        "who": request_obj.decided_by.display_name
        if request_obj.decided_by
        else _("un administrateur"),
        "when": _when(request_obj.decided_at) if request_obj.decided_at else "",
    }
    who = (
        _("Approuvée par %(who)s le %(when)s.")
        if approved
        else _("Rejetée par %(who)s le %(when)s.")
    ) % names
    if just_decided:
        return ClosedLinkWords(
            title=_("Décision enregistrée"),
            notice=_("Demande approuvée. Le demandeur en est informé par e-mail.")
            if approved
            else _("Demande rejetée. Le demandeur en est informé par e-mail."),
            details=_request_details(request_obj),
            paragraphs=[who],
        )
    return ClosedLinkWords(
        title=_("Demande déjà traitée"),
        heading=_("Cette demande a déjà été traitée"),
        details=_request_details(request_obj),
        paragraphs=[who, _("Ce lien ne sert plus : une demande ne se décide qu'une fois.")],
    )


def _closed_words(state: str) -> ClosedLinkWords:
    """Expired and unknown links say nothing of the request: the way on is the eSecure area."""
    area_label, area_url = _("Ouvrir l'espace eSecure"), reverse("approvals:sender-list")
    if state == LinkState.EXPIRED:
        return ClosedLinkWords(
            title=_("Lien expiré"),
            heading=_("Ce lien a expiré"),
            paragraphs=[
                _(
                    "Ce lien ne permet plus de décider. Si la demande est toujours en attente, "
                    "vous pouvez la traiter dans l'espace eSecure de Sésame ; sinon, le demandeur "
                    "pourra refaire une demande."
                )
            ],
            action_label=area_label,
            action_url=area_url,
        )
    return ClosedLinkWords(
        title=_("Lien inconnu"),
        heading=_("Ce lien n'est pas valable"),
        paragraphs=[
            _(
                "Il est incomplet ou n'existe pas. Vérifiez que vous avez copié l'adresse entière "
                "depuis l'e-mail, ou traitez la demande dans l'espace eSecure de Sésame."
            )
        ],
        action_label=area_label,
        action_url=area_url,
    )


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def decision_link(request, key: str):
    if request.method == "POST":
        found, just_decided = decisions.link_decide(key=key, ip_address=client_ip(request))
    else:
        found, just_decided = decisions.link_lookup(key=key), False
    link = found.link
    if link is not None and found.is_open:
        response = render(
            request,
            "approvals/link_open.html",
            {"link": link, "details": _request_details(link.request)},
        )
        response["X-Robots-Tag"] = "noindex"
        return response
    if link is not None and found.state == decisions.DECIDED:
        words = _decided_words(link.request, just_decided=just_decided)
        return render_closed_link(
            request, state=found.state, words=words, status=200 if just_decided else None
        )
    return render_closed_link(request, state=found.state, words=_closed_words(found.state))
