"""Advanced users (Colissimo): list, invite, associate by user key, rights per customer account,
unlink, invitations (resend, withdraw, and the public page that finishes one), CSV export."""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from common.csv import csv_response
from common.links import ClosedLinkWords, render_closed_link
from common.views import service_messages

from ..forms.advanced import (
    AdvancedDetailsForm,
    AdvancedUserForm,
    InvitationAcceptForm,
    PersonDetailsForm,
    RightsForm,
    UserKeySearchForm,
)
from ..models import Membership
from ..permissions import WRITE_ONLY, Ceiling, admin_object_view, admin_required
from ..selectors import advanced as selectors
from ..services import advanced as services
from ..services.audit import client_ip

PAGE_SIZE = 25


def _membership_or_404(request, pk: int) -> Membership:
    membership = selectors.advanced_membership_get(company=request.company, user_id=pk)
    if membership is None:
        raise Http404
    return membership


def _split_errors(form, error: ValidationError) -> list[str]:
    """Field errors go to the form; the others (rights) are returned for the matrix."""
    if hasattr(error, "error_dict"):
        form.add_error(None, error)
        return []
    return list(error.messages)


# --- List and export ------------------------------------------------------------------------


@admin_required
def advanced_list(request):
    query = request.GET.get("q", "")[:100]
    memberships = selectors.advanced_user_list(company=request.company, query=query)
    page = Paginator(memberships, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "accounts/advanced/list.html",
        {
            "page_obj": page,
            "rows": selectors.advanced_rows(page.object_list),
            "query": query,
            "query_string": urlencode({"q": query}) if query else "",
        },
    )


@admin_required
def advanced_export(request):
    offer = selectors.advanced_offer(company=request.company)
    permissions, rows = selectors.advanced_export_rows(company=request.company, offer=offer)
    labels = {
        selectors.AdvancedStatus.ACTIVE: _("Actif"),
        selectors.AdvancedStatus.PENDING: _("Invitation en attente"),
        selectors.AdvancedStatus.EXPIRED: _("Invitation expirée"),
        selectors.AdvancedStatus.WITHDRAWN: _("Invitation retirée"),
        selectors.AdvancedStatus.DISABLED: _("Désactivé"),
    }
    header = [
        _("Nom"),
        _("Prénom"),
        _("Fonction"),
        _("E-mail"),
        _("Téléphone"),
        _("Adresse"),
        _("Code postal"),
        _("Ville"),
        _("Tag utilisateur"),
        _("Clé utilisateur"),
        _("Statut"),
        *[f"{p.application.label} · {p.label}" for p in permissions],
    ]

    def lines():
        for row in rows:
            user = row["membership"].user
            yield [
                user.last_name,
                user.first_name,
                user.function,
                user.email,
                user.phone,
                user.address,
                user.postcode,
                user.city,
                row["membership"].tag,
                user.user_key,
                labels[row["status"]],
                *[
                    _("oui (%(accounts)s)") % {"accounts": ", ".join(numbers)}
                    if numbers
                    else _("non")
                    for numbers in row["rights"]
                ],
            ]

    return csv_response(
        filename=f"utilisateurs-avances-{request.company.pk}.csv", header=header, rows=lines()
    )


# --- Invite ---------------------------------------------------------------------------------


@admin_required
def advanced_create(request):
    offer = selectors.advanced_offer(company=request.company)
    ceiling = Ceiling.for_request(request)
    form = AdvancedUserForm(request.POST or None)
    rights_form = RightsForm(request.POST or None)
    cells = set[tuple[int, int]]()
    rights_errors = list[str]()
    if request.method == "POST":
        form_ok, rights_ok = form.is_valid(), rights_form.is_valid()
        cells = rights_form.cleaned_data.get("cells", set()) if rights_ok else set()
        rights_errors = [str(e) for e in rights_form.non_field_errors()]
        if form_ok and rights_ok:
            try:
                rights = services.advanced_rights_build(offer=offer, cells=cells, ceiling=ceiling)
                services.advanced_user_invite(
                    company=request.company,
                    actor=request.user,
                    details=form.cleaned_data,
                    rights=rights,
                    ip_address=client_ip(request),
                )
            except ValidationError as error:
                rights_errors = _split_errors(form, error)
            else:
                messages.success(
                    request,
                    _("Invitation envoyée à %(email)s. Le lien est valable %(hours)s heures.")
                    % {
                        "email": form.cleaned_data["email"],
                        "hours": settings.INVITATION_VALID_HOURS,
                    },
                )
                return redirect("accounts:advanced-list")
    return render(
        request,
        "accounts/advanced/create.html",
        {
            "form": form,
            "matrix": selectors.advanced_matrix(offer=offer, ceiling=ceiling, checked=cells),
            "rights_errors": rights_errors,
            "valid_hours": settings.INVITATION_VALID_HOURS,
        },
    )


# --- Associate by user key ------------------------------------------------------------------


@admin_required
def advanced_associate(request):
    source = request.POST if request.method == "POST" else request.GET
    search = UserKeySearchForm(source if "user_key" in source else None)
    person, linked, cells, rights_errors = None, None, set(), []
    if search.is_valid():
        person = selectors.advanced_user_find(user_key=search.cleaned_data["user_key"])
        if person is None:
            search.add_error(
                "user_key",
                _(
                    "Aucun utilisateur avancé ne correspond à cette clé. Vérifiez-la avec la "
                    "personne : elle la trouve dans « Mon compte »."
                ),
            )
        else:
            linked = selectors.company_link_get(company=request.company, user=person)
    offer = selectors.advanced_offer(company=request.company)
    ceiling = Ceiling.for_request(request)
    if request.method == "POST" and person is not None and linked is None:
        rights_form = RightsForm(request.POST)
        if rights_form.is_valid():
            cells = rights_form.cleaned_data["cells"]
            try:
                rights = services.advanced_rights_build(offer=offer, cells=cells, ceiling=ceiling)
                services.advanced_user_associate(
                    company=request.company,
                    actor=request.user,
                    user=person,
                    rights=rights,
                    ip_address=client_ip(request),
                )
            except ValidationError as error:
                rights_errors = list(error.messages)
            else:
                messages.success(
                    request,
                    _("%(name)s est lié(e) à votre société ; un e-mail lui a été envoyé.")
                    % {"name": person.display_name},
                )
                return redirect("accounts:advanced-list")
        else:
            rights_errors = [str(e) for e in rights_form.non_field_errors()]
    return render(
        request,
        "accounts/advanced/associate.html",
        {
            "search": search,
            "person": person,
            "linked": linked,
            "matrix": (
                selectors.advanced_matrix(offer=offer, ceiling=ceiling, checked=cells)
                if person is not None and linked is None
                else None
            ),
            "rights_errors": rights_errors,
        },
    )


# --- Rights, unlink, invitations ------------------------------------------------------------


@admin_object_view(_membership_or_404)
def advanced_rights(request, membership: Membership):
    offer = selectors.advanced_offer(company=request.company)
    ceiling = Ceiling.for_request(request)
    held = selectors.held_cells(selectors.advanced_rights_held(membership=membership))
    cells, rights_errors = held, []
    if request.method == "POST":
        rights_form = RightsForm(request.POST)
        if rights_form.is_valid():
            cells = rights_form.cleaned_data["cells"]
            try:
                rights = services.advanced_rights_build(
                    offer=offer, cells=cells, ceiling=ceiling, held=held
                )
                changed = services.advanced_rights_update(
                    membership=membership,
                    actor=request.user,
                    rights=rights,
                    applications=offer.applications,
                    ip_address=client_ip(request),
                )
            except ValidationError as error:
                rights_errors = list(error.messages)
            else:
                if changed:
                    messages.success(request, _("Droits enregistrés."))
                else:
                    messages.info(request, _("Aucun changement."))
                return redirect("accounts:advanced-rights", pk=membership.user_id)
        else:
            rights_errors = [str(e) for e in rights_form.non_field_errors()]
    return render(
        request,
        "accounts/advanced/rights.html",
        {
            "membership": membership,
            "person": membership.user,
            "status": selectors.advanced_status(membership),
            "matrix": selectors.advanced_matrix(
                offer=offer, ceiling=ceiling, checked=cells, held=held
            ),
            "rights_errors": rights_errors,
        },
    )


@admin_object_view(_membership_or_404)
def advanced_details(request, membership: Membership):
    """Details and the company's tag. The person is looked up in the selected company first
    (404 to everyone else), then the right to manage them is checked (403)."""
    person = membership.user
    initial = {name: getattr(person, name) for name in PersonDetailsForm.base_fields}
    form = AdvancedDetailsForm(request.POST or None, initial={**initial, "tag": membership.tag})
    if request.method == "POST" and form.is_valid():
        try:
            changed = services.advanced_details_update(
                membership=membership,
                actor=request.user,
                details=form.details(),
                tag=form.cleaned_data["tag"],
                ip_address=client_ip(request),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if changed:
                messages.success(request, _("Coordonnées enregistrées."))
            else:
                messages.info(request, _("Aucun changement."))
            return redirect("accounts:advanced-rights", pk=membership.user_id)
    return render(
        request,
        "accounts/advanced/details.html",
        {"membership": membership, "person": person, "form": form},
    )


@admin_object_view(_membership_or_404, methods=WRITE_ONLY)
def advanced_unlink(request, membership: Membership):
    services.advanced_user_unlink(
        membership=membership, actor=request.user, ip_address=client_ip(request)
    )
    messages.success(
        request,
        _("%(name)s n'est plus lié(e) à votre société. Ses autres sociétés ne changent pas.")
        % {"name": membership.user.get_full_name() or membership.user.email},
    )
    return redirect("accounts:advanced-list")


@admin_object_view(_membership_or_404, methods=WRITE_ONLY)
def advanced_invitation_resend(request, membership: Membership):
    try:
        services.advanced_invitation_resend(
            membership=membership, actor=request.user, ip_address=client_ip(request)
        )
    except ValidationError as error:
        service_messages(request, error)
    else:
        messages.success(
            request,
            _("Nouvelle invitation envoyée à %(email)s ; l'ancien lien ne fonctionne plus.")
            % {"email": membership.user.email},
        )
    return redirect("accounts:advanced-list")


@admin_object_view(_membership_or_404, methods=WRITE_ONLY)
def advanced_invitation_withdraw(request, membership: Membership):
    try:
        services.advanced_invitation_withdraw(
            membership=membership, actor=request.user, ip_address=client_ip(request)
        )
    except ValidationError as error:
        service_messages(request, error)
    else:
        messages.success(
            request,
            _("Invitation retirée : le lien envoyé à %(email)s ne fonctionne plus.")
            % {"email": membership.user.email},
        )
    return redirect("accounts:advanced-list")


# --- The invitation link (public) -----------------------------------------------------------


def _invitation_closed_words(state: str, invitation) -> ClosedLinkWords:
    """Unknown and expired links say nothing about the invitation (they may have leaked)."""
    if state == selectors.InvitationState.EXPIRED:
        return ClosedLinkWords(
            title=_("Invitation expirée"),
            paragraphs=[
                _("Ce lien d'invitation a expiré : il n'était valable que %(hours)s heures.")
                % {"hours": settings.INVITATION_VALID_HOURS},
                _(
                    "Demandez une nouvelle invitation à la personne qui vous l'a envoyée (son nom "
                    "figure dans l'e-mail d'invitation)."
                ),
            ],
        )
    if state == selectors.InvitationState.USED:
        return ClosedLinkWords(
            title=_("Invitation déjà utilisée"),
            paragraphs=[
                _(
                    "Ce lien a déjà servi à créer votre compte : il ne sert qu'une fois. "
                    "Connectez-vous avec le nom d'utilisateur et le mot de passe que vous avez "
                    "choisis."
                )
            ],
            action_label=_("Se connecter"),
            action_url=reverse("account_login"),
        )
    if state == selectors.InvitationState.WITHDRAWN:
        return ClosedLinkWords(
            title=_("Invitation retirée"),
            paragraphs=[
                _(
                    "%(company)s a retiré cette invitation, ou l'a remplacée par une plus "
                    "récente : ce lien ne fonctionne plus. Utilisez le lien du dernier e-mail "
                    "reçu, ou contactez la société."
                )
                % {"company": invitation.membership.company.name}
            ],
        )
    return ClosedLinkWords(
        title=_("Lien inconnu"),
        paragraphs=[
            _(
                "Ce lien d'invitation n'existe pas. Vérifiez qu'il a été copié en entier depuis "
                "l'e-mail reçu."
            )
        ],
    )


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def invitation_accept(request, key: str):
    """GET only shows the invitation and the form (mail scanners open links); POST finishes."""
    found = selectors.invitation_lookup(key=key)
    invitation = found.link
    if invitation is None or not found.is_open:
        return render_closed_link(
            request, state=found.state, words=_invitation_closed_words(found.state, invitation)
        )
    user = invitation.membership.user
    form = InvitationAcceptForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        details = {name: form.cleaned_data[name] for name in PersonDetailsForm.base_fields}
        try:
            person, api_key = services.advanced_invitation_accept(
                invitation=invitation,
                username=form.cleaned_data["username"],
                password=form.cleaned_data["password1"],
                details=details,
                ip_address=client_ip(request),
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                form.add_error(None, error)
            else:  # used or closed meanwhile (a second POST, a withdrawal)
                current = selectors.invitation_lookup(key=key)
                state = selectors.InvitationState.USED if current.is_open else current.state
                return render_closed_link(
                    request, state=state, words=_invitation_closed_words(state, invitation)
                )
        else:
            return render(
                request,
                "accounts/advanced/invitation_done.html",
                {"person": person, "company": invitation.membership.company, "api_key": api_key},
            )
    return render(
        request,
        "accounts/advanced/invitation_accept.html",
        {"invitation": invitation, "person": user, "form": form},
    )
