"""The invited person's side of a customer admin invitation: the e-mailed link and « Mes
invitations eSecure ». Mail scanners open links: GET and HEAD only show who invites, for which
company and account; only a POST by the signed-in login of the address accepts or refuses.
Another signed-in login gets 404: the invitation is none of its business."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from accounts.permissions import WRITE_ONLY, object_view
from accounts.services import client_ip
from common.links import ClosedLinkWords, LinkState, render_closed_link
from common.views import service_messages

from .. import selectors, services
from ..models import AdminInvitation


def _when(moment) -> str:
    return formats.date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT")


def _details(invitation: AdminInvitation) -> list[tuple[str, str]]:
    account = invitation.protected_account.account
    return [
        (_("Société"), account.company.name),
        (_("Numéro de compte"), account.number),
        (
            _("Invité par"),
            invitation.invited_by.display_name if invitation.invited_by else "—",
        ),
        (_("Envoyée le"), _when(invitation.sent_at)),
        (_("Valable jusqu'au"), _when(invitation.expires_at)),
    ]


def _closed_words(state: str) -> ClosedLinkWords:
    """Closed links say nothing about the invitation (they may have leaked)."""
    if state == LinkState.USED:
        return ClosedLinkWords(
            title=_("Invitation déjà traitée"),
            paragraphs=[
                _("Une réponse a déjà été donnée à cette invitation : ce lien ne sert qu'une fois.")
            ],
            action_label=_("Mes invitations eSecure"),
            action_url=reverse("approvals:admin-invitation-mine"),
        )
    if state == selectors.WITHDRAWN:
        return ClosedLinkWords(
            title=_("Invitation retirée"),
            paragraphs=[_("Cette invitation a été retirée par la société : ce lien ne sert plus.")],
        )
    if state == LinkState.EXPIRED:
        return ClosedLinkWords(
            title=_("Invitation expirée"),
            paragraphs=[
                _(
                    "Cette invitation a expiré sans réponse. Si vous souhaitez toujours "
                    "devenir administrateur client, demandez à la société de vous la renvoyer."
                )
            ],
        )
    return ClosedLinkWords(
        title=_("Lien inconnu"),
        paragraphs=[
            _("Ce lien n'existe pas. Vérifiez qu'il a été copié en entier depuis l'e-mail reçu.")
        ],
    )


def _answer(request, invitation: AdminInvitation) -> bool:
    """Accepts or refuses for the signed-in person; says what happened on the next page."""
    accept = request.POST.get("action") == "accept"
    company = invitation.protected_account.account.company.name
    number = invitation.protected_account.account.number
    try:
        if accept:
            services.admin_invitation_accept(
                invitation=invitation, user=request.user, ip_address=client_ip(request)
            )
        else:
            services.admin_invitation_refuse(
                invitation=invitation, user=request.user, ip_address=client_ip(request)
            )
    except ValidationError as error:
        service_messages(request, error)
        return False
    if accept:
        text = _(
            "Vous êtes administrateur client eSecure du compte %(account)s : choisissez "
            "%(company)s à la connexion ou depuis l'en-tête pour ouvrir eSecure."
        )
    else:
        text = _(
            "Invitation refusée : vous ne deviendrez pas administrateur du compte %(account)s."
        )
    messages.success(request, text % {"account": number, "company": company})
    return True


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def admin_invitation_link(request, key: str):
    found = selectors.admin_invitation_lookup(key=key)
    invitation = found.link
    signed_in = request.user.is_authenticated
    if (
        invitation is not None
        and signed_in
        and not services.is_addressee(invitation=invitation, user=request.user)
    ):
        raise Http404
    if invitation is None or not found.is_open:
        return render_closed_link(request, state=found.state, words=_closed_words(found.state))
    sign_in_url = f"{reverse('account_login')}?{urlencode({'next': request.path})}"
    if request.method == "POST":
        if not signed_in:
            return redirect(sign_in_url)
        if _answer(request, invitation):
            return redirect("approvals:admin-invitation-mine")
        return redirect(request.path)
    response = render(
        request,
        "approvals/invitation_link.html",
        {
            "invitation": invitation,
            "details": _details(invitation),
            "signed_in": signed_in,
            "sign_in_url": sign_in_url,
        },
    )
    response["X-Robots-Tag"] = "noindex"
    return response


@login_required
def admin_invitation_mine(request):
    rows = [
        {"invitation": invitation, "details": _details(invitation)}
        for invitation in selectors.admin_invitation_for_person_list(user=request.user)
    ]
    return render(request, "approvals/invitation_mine.html", {"rows": rows})


def _my_invitation_or_404(request, pk: int) -> AdminInvitation:
    """The signed-in person's own invitation."""
    if (found := selectors.admin_invitation_for_person_get(user=request.user, pk=pk)) is None:
        raise Http404
    return found


@login_required
@object_view(_my_invitation_or_404, methods=WRITE_ONLY)
def admin_invitation_answer(request, invitation: AdminInvitation):
    """From « Mes invitations eSecure »: the person's own invitation (else 404), POST only."""
    _answer(request, invitation)
    return redirect("approvals:admin-invitation-mine")
