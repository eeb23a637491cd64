"""Provider access pages (Swiss Post): the mandant's administrators offer, list and withdraw;
the provider answers from the e-mailed link or from « Mes accès prestataire », and gives up.

The e-mailed link only shows the offer on GET and HEAD (mail scanners open links); only a POST
from that page, by the signed-in login of the address, answers it."""

from datetime import datetime, time
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from accounts import selectors as account_selectors
from accounts.permissions import (
    WRITE_ONLY,
    Ceiling,
    admin_object_view,
    admin_required,
    object_view,
)
from accounts.services import client_ip
from common.elision import elide
from common.links import ClosedLinkWords, LinkState, render_closed_link
from common.views import service_messages

from . import selectors, services
from .forms import ProviderAskForm, ProviderEndForm, ProviderOfferForm, ProviderRightsForm
from .models import ProviderAccess, ProviderAccessStatus

PAGE_SIZE = 25
ENDABLE = (ProviderAccessStatus.PENDING, ProviderAccessStatus.ACTIVE)


def _when(moment) -> str:
    return formats.date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT")


# --- The mandant's administrators --------------------------------------------------------------


@admin_required
def provider_list(request):
    accesses = selectors.provider_access_list(company=request.company)
    page = Paginator(accesses, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        {
            "access": access,
            "companies": selectors.provider_company_names(access),
            "may_withdraw": access.status in ENDABLE,
            "may_edit": access.status == ProviderAccessStatus.ACTIVE,
            "end_form": ProviderEndForm(
                initial={"ends_on": timezone.localdate(access.ends_at) if access.ends_at else None},
                prefix=f"end-{access.pk}",
            )
            if access.status in ENDABLE
            else None,
        }
        for access in page.object_list
    ]
    requests = [
        {
            "request": access_request,
            "companies": [m.company.name for m in access_request.requester.own_memberships],
        }
        for access_request in selectors.provider_request_list(company=request.company)
    ]
    return render(
        request,
        "delegation/providers/list.html",
        {"page_obj": page, "rows": rows, "requests": requests},
    )


def _rights_forms(request, ceiling, current=None) -> list[ProviderRightsForm]:
    data = request.POST if request.method == "POST" else None
    return [
        ProviderRightsForm(
            data,
            choices=account_selectors.rights_choices(company=request.company, application=app),
            ceiling=ceiling,
            current=current,
        )
        for app in account_selectors.enabled_application_list(company=request.company)
    ]


def _posted_rights(rights_forms: list[ProviderRightsForm]) -> tuple[dict | None, list[str]]:
    """The rights ticked in every application's form (None when a form is invalid), and the
    errors to show above them."""
    checked = [rf.is_valid() for rf in rights_forms]  # every form, for its errors
    errors = [str(e) for rf in rights_forms for field in rf.errors.values() for e in field]
    valid = all(checked)
    if not valid or errors:
        return None, errors
    return {p: s for rf in rights_forms for p, s in rf.rights().items()}, []


@admin_required
def provider_add(request):
    """E-mail, remark, then the rights per application under the administrator's ceiling. The
    answer is the same whether a login has the address or not."""
    answering = None
    if "request" in request.GET:
        answering = selectors.provider_request_get(
            company=request.company, pk=_int(request.GET["request"])
        )
        if answering is None:
            raise Http404
    ceiling = Ceiling.for_request(request)
    initial = {"email": answering.email} if answering is not None else None
    form = ProviderOfferForm(request.POST or None, initial=initial)
    rights_forms = _rights_forms(request, ceiling)
    errors: list[str] = []
    if request.method == "POST":
        checked = [form.is_valid()] + [rf.is_valid() for rf in rights_forms]  # every form
        valid = all(checked)
        errors = [str(e) for rf in rights_forms for field in rf.errors.values() for e in field]
        if valid and not errors:
            rights = {p: s for rf in rights_forms for p, s in rf.rights().items()}
            ends_at = form.cleaned_data.get("ends_at")
            try:
                services.provider_access_offer(
                    company=request.company,
                    email=form.cleaned_data["email"],
                    remark=form.cleaned_data["remark"],
                    rights=rights,
                    actor=request.user,
                    ip_address=client_ip(request),
                    ends_at=timezone.make_aware(datetime.combine(ends_at, time.min))
                    if ends_at
                    else None,
                    answering=answering,
                )
            except ValidationError as error:
                if hasattr(error, "error_dict"):
                    form.add_error(None, error)
                else:
                    errors = list(error.messages)
            else:
                messages.success(
                    request,
                    _(
                        "Demande envoyée à %(email)s. L'accès sera actif quand le prestataire "
                        "l'aura accepté avec le login de cette adresse."
                    )
                    % {"email": form.cleaned_data["email"].strip().lower()},
                )
                return redirect("delegation:provider-list")
    return render(
        request,
        "delegation/providers/add.html",
        {"form": form, "rights_forms": rights_forms, "errors": errors, "answering": answering},
    )


def _int(value: str) -> int:
    return int(value) if value.isdigit() else 0


def _request_or_404(request, pk: int):
    """A provider's access request to the selected company."""
    if (found := selectors.provider_request_get(company=request.company, pk=pk)) is None:
        raise Http404
    return found


def _access_or_404(request, pk: int) -> ProviderAccess:
    """A provider access the selected company gave (any status)."""
    if (found := selectors.provider_access_get(company=request.company, pk=pk)) is None:
        raise Http404
    return found


def _active_access_or_404(request, pk: int) -> ProviderAccess:
    access = _access_or_404(request, pk)
    if access.status != ProviderAccessStatus.ACTIVE or not access.membership:
        raise Http404
    return access


def _my_access_or_404(request, pk: int) -> ProviderAccess:
    """A provider access offered to the signed-in person."""
    if (found := selectors.provider_access_for_person_get(user=request.user, pk=pk)) is None:
        raise Http404
    return found


@admin_object_view(_request_or_404, methods=WRITE_ONLY)
def provider_request_decline(request, access_request):
    try:
        services.provider_request_decline(
            access_request=access_request, actor=request.user, ip_address=client_ip(request)
        )
    except ValidationError as error:
        service_messages(request, error)
    else:
        messages.success(
            request,
            elide(
                _("Demande de %(email)s déclinée ; la personne en est informée.")
                % {"email": access_request.email}
            ),
        )
    return redirect("delegation:provider-list")


@admin_object_view(_access_or_404, methods=WRITE_ONLY)
def provider_withdraw(request, access: ProviderAccess):
    try:
        services.provider_access_withdraw(
            access=access, actor=request.user, ip_address=client_ip(request)
        )
    except ValidationError as error:
        service_messages(request, error)
    else:
        messages.success(
            request,
            elide(
                _("Accès prestataire de %(email)s retiré ; la personne en est informée.")
                % {"email": access.email}
            ),
        )
    return redirect("delegation:provider-list")


@admin_object_view(_access_or_404, methods=WRITE_ONLY)
def provider_end_change(request, access: ProviderAccess):
    """The end date of an open access, from the providers list: extended, brought forward or
    removed."""
    form = ProviderEndForm(request.POST, prefix=f"end-{access.pk}")
    if not form.is_valid():
        for error in form.errors.get("ends_on", []):
            messages.error(request, str(error))
        return redirect("delegation:provider-list")
    try:
        services.provider_access_end_change(
            access=access, ends_at=form.ends_at(), actor=request.user, ip_address=client_ip(request)
        )
    except ValidationError as error:
        service_messages(request, error)
    else:
        day = form.cleaned_data["ends_on"]
        if day is None:
            text = _("L'accès prestataire de %(email)s n'a plus de date de fin.") % {
                "email": access.email
            }
        else:
            text = _("L'accès prestataire de %(email)s prend désormais fin le %(day)s.") % {
                "email": access.email,
                "day": formats.date_format(day, "SHORT_DATE_FORMAT"),
            }
        messages.success(request, elide(text))
    return redirect("delegation:provider-list")


@admin_object_view(_active_access_or_404)
def provider_rights(request, access: ProviderAccess):
    """An active provider's rights, in the editor of the offer under the administrator's
    ceiling: narrowed, extended or removed without withdrawing the access."""
    assert access.membership is not None  # for mypy: an active access has its membership
    current = account_selectors.member_rights(membership=access.membership)
    rights_forms = _rights_forms(request, Ceiling.for_request(request), current)
    errors: list[str] = []
    if request.method == "POST":
        rights, errors = _posted_rights(rights_forms)
        if rights is not None:
            try:
                changed = services.provider_access_rights_change(
                    access=access, rights=rights, actor=request.user, ip_address=client_ip(request)
                )
            except ValidationError as error:
                errors = list(error.messages)
            else:
                if changed:
                    text = _("Droits de %(email)s enregistrés ; la personne en est informée.")
                else:
                    text = _("Aucun changement pour %(email)s.")
                messages.success(request, elide(text % {"email": access.email}))
                return redirect("delegation:provider-list")
    return render(
        request,
        "delegation/providers/rights.html",
        {
            "access": access,
            "companies": selectors.provider_company_names(access),
            "lines": selectors.rights_lines(current),
            "rights_forms": rights_forms,
            "errors": errors,
        },
    )


# --- The provider ------------------------------------------------------------------------------


def _offer_details(access: ProviderAccess) -> list[tuple[str, str]]:
    rows = [
        (_("Société (mandant)"), access.company.name),
        (_("Proposé par"), access.created_by.display_name if access.created_by else "—"),
        (_("Proposé le"), _when(access.created_at)),
    ]
    if access.remark:
        rows.append((_("Remarque"), access.remark))
    if access.ends_at:
        rows.append((_("Prend fin le"), _when(access.ends_at)))
    return rows


@login_required
def provider_list_mine(request):
    return _mine_page(request, ProviderAskForm())


@require_POST
@login_required
def provider_ask(request):
    """A provider asks a company for access. The answer never depends on the company: the same
    message whether the account number exists or not."""
    form = ProviderAskForm(request.POST)
    if not form.is_valid():
        return _mine_page(request, form)
    try:
        services.provider_access_ask(
            requester=request.user,
            account_number=form.cleaned_data["account_number"],
            message=form.cleaned_data["message"],
            ip_address=client_ip(request),
        )
    except ValidationError as error:
        service_messages(request, error)
        return _mine_page(request, form)
    messages.success(
        request,
        _(
            "Votre demande a été envoyée. Si la société vous propose un accès, vous recevrez un "
            "e-mail et le retrouverez ici."
        ),
    )
    return redirect("delegation:provider-list-mine")


def _mine_page(request, ask_form: ProviderAskForm):
    rows = [
        {
            "access": access,
            "lines": selectors.rights_lines(access.requested_rights),
            "pending": access.status == ProviderAccessStatus.PENDING,
            "active": access.status == ProviderAccessStatus.ACTIVE,
        }
        for access in selectors.provider_access_list_for_person(user=request.user)
    ]
    return render(request, "delegation/providers/mine.html", {"rows": rows, "ask_form": ask_form})


def _answer(request, access: ProviderAccess, action: str) -> bool:
    """Accepts or refuses for the signed-in person; says what happened in the next page."""
    try:
        if action == "accept":
            services.provider_access_accept(
                access=access, user=request.user, ip_address=client_ip(request)
            )
        else:
            services.provider_access_refuse(
                access=access, user=request.user, ip_address=client_ip(request)
            )
    except ValidationError as error:
        service_messages(request, error)
        return False
    if action == "accept":
        messages.success(
            request,
            _(
                "Accès prestataire accepté : choisissez %(company)s à la connexion ou depuis "
                "l'en-tête pour agir pour elle."
            )
            % {"company": access.company.name},
        )
    else:
        messages.success(
            request,
            _("Accès prestataire refusé ; %(company)s en est informée.")
            % {"company": access.company.name},
        )
    return True


@login_required
@object_view(_my_access_or_404, methods=WRITE_ONLY)
def provider_answer(request, access: ProviderAccess):
    _answer(request, access, "accept" if request.POST.get("action") == "accept" else "refuse")
    return redirect("delegation:provider-list-mine")


@login_required
@object_view(_my_access_or_404, methods=WRITE_ONLY)
def provider_give_up(request, access: ProviderAccess):
    try:
        services.provider_access_give_up(
            access=access, user=request.user, ip_address=client_ip(request)
        )
    except ValidationError as error:
        service_messages(request, error)
    else:
        messages.success(
            request,
            elide(
                _("Vous n'êtes plus prestataire de %(company)s ; elle en est informée.")
                % {"company": access.company.name}
            ),
        )
    return redirect("delegation:provider-list-mine")


# --- The e-mailed link (public) ----------------------------------------------------------------


def _closed_words(state: str, access: ProviderAccess | None) -> ClosedLinkWords:
    """Unknown and expired links say nothing about the offer (they may have leaked)."""
    if state == LinkState.USED and access is not None:
        return ClosedLinkWords(
            title=_("Demande déjà traitée"),
            paragraphs=[
                _(
                    "Une réponse a déjà été donnée à cette demande d'accès prestataire : ce lien "
                    "ne sert qu'une fois. Vos accès prestataire sont dans « Mes accès "
                    "prestataire »."
                )
            ],
            action_label=_("Mes accès prestataire"),
            action_url=reverse("delegation:provider-list-mine"),
        )
    if state == selectors.WITHDRAWN and access is not None:
        return ClosedLinkWords(
            title=_("Demande retirée"),
            paragraphs=[
                _("%(company)s a retiré cette demande d'accès prestataire : ce lien ne sert plus.")
                % {"company": access.company.name}
            ],
        )
    if state == LinkState.EXPIRED:
        return ClosedLinkWords(
            title=_("Demande expirée"),
            paragraphs=[
                _(
                    "Cette demande d'accès prestataire a expiré sans réponse. Si vous souhaitez "
                    "toujours cet accès, demandez à la société de vous le proposer à nouveau."
                )
            ],
        )
    return ClosedLinkWords(
        title=_("Lien inconnu"),
        paragraphs=[
            _("Ce lien n'existe pas. Vérifiez qu'il a été copié en entier depuis l'e-mail reçu.")
        ],
    )


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def provider_link(request, key: str):
    found = selectors.provider_access_lookup(key=key)
    access = found.link
    if access is None or not found.is_open:
        return render_closed_link(
            request, state=found.state, words=_closed_words(found.state, access)
        )
    signed_in = request.user.is_authenticated
    if request.method == "POST":
        if not signed_in:
            return redirect(f"{reverse('account_login')}?{urlencode({'next': request.path})}")
        action = "accept" if request.POST.get("action") == "accept" else "refuse"
        if _answer(request, access, action):
            return redirect("delegation:provider-list-mine")
        return redirect(request.path)
    accept_errors = (
        services.provider_accept_errors(access=access, user=request.user) if signed_in else []
    )
    refuse_errors = (
        services.provider_answer_errors(access=access, user=request.user) if signed_in else []
    )
    response = render(
        request,
        "delegation/providers/link.html",
        {
            "access": access,
            "details": _offer_details(access),
            "lines": selectors.rights_lines(access.requested_rights),
            "signed_in": signed_in,
            "may_accept": signed_in and not accept_errors,
            "may_refuse": signed_in and not refuse_errors,
            "problems": refuse_errors or accept_errors,
            "sign_in_url": f"{reverse('account_login')}?{urlencode({'next': request.path})}",
        },
    )
    response["X-Robots-Tag"] = "noindex"
    return response
