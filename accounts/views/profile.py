"""The person's own account page: details, companies, rights per company and account, keys, MFA;
changing their own details and their e-mail address (through a link sent to the new one)."""

from allauth.mfa.models import Authenticator
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from common.links import ClosedLinkWords, LinkState, render_closed_link

from .. import selectors, services
from ..forms.profile import EmailChangeForm, OwnDetailsForm
from ..models import ApiKey
from ..permissions import may_hold_api_key
from ..selectors.profile import rights_summary
from ..selectors.rights import membership_overview_for_user, rights_for_user
from ..services import limits
from ..services.profile import OWN_FIELDS


@login_required
def profile(request):
    user = request.user
    context = {
        "memberships": membership_overview_for_user(user=user),
        "company_rights": [
            {"entry": entry, "groups": rights_summary(entry.accounts)}
            for entry in rights_for_user(user=user)
        ],
        "totp_active": Authenticator.objects.filter(
            user=user, type=Authenticator.Type.TOTP
        ).exists(),
        "may_hold_api_key": may_hold_api_key(user=user),
        "api_key": ApiKey.objects.usable().filter(user=user, expires_at__isnull=True).first(),
    }
    return render(request, "accounts/profile.html", context)


@login_required
def profile_edit(request):
    user = request.user
    initial = {name: getattr(user, name) for name in OWN_FIELDS}
    form = OwnDetailsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.profile_update(
            user=user, details=form.details(), ip_address=services.client_ip(request)
        )
        messages.success(request, _("Vos coordonnées ont été enregistrées."))
        return redirect("accounts:profile")
    return render(request, "accounts/profile_edit.html", {"form": form})


def _password_checked(request, form: EmailChangeForm) -> bool:
    """The current password, counted like a sign-in: guesses here lock the sign-in too."""
    login = request.user.username
    usage = limits.limit_consume(request, action=limits.LOGIN_FAILED, login=login)
    if usage is None:
        form.add_error("password", limits.sign_in_locked_message(request, login=login))
        return False
    if not request.user.check_password(form.cleaned_data["password"]):
        form.add_error("password", _("Mot de passe incorrect."))
        return False
    usage.rollback()
    return True


@login_required
def email_change(request):
    form = EmailChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and _password_checked(request, form):
        try:
            change = services.email_change_request(
                user=request.user,
                new_email=form.cleaned_data["new_email"],
                ip_address=services.client_ip(request),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _(
                    "Un e-mail de confirmation a été envoyé à %(email)s. Votre adresse change "
                    "quand vous ouvrez le lien qu'il contient."
                )
                % {"email": change.new_email},
            )
            return redirect("accounts:profile")
    return render(request, "accounts/email_change.html", {"form": form})


def _email_change_closed_words(state: str) -> ClosedLinkWords:
    again_label, again_url = _("Changer mon adresse e-mail"), reverse("accounts:email-change")
    if state == selectors.EmailChangeState.UNAVAILABLE:
        return ClosedLinkWords(
            title=_("Adresse impossible à utiliser"),
            paragraphs=[
                _(
                    "Cette adresse e-mail ne peut pas être utilisée pour votre compte. Votre "
                    "adresse n'a pas changé ; choisissez-en une autre depuis votre compte."
                )
            ],
            action_label=again_label,
            action_url=again_url,
        )
    if state == LinkState.USED:
        return ClosedLinkWords(
            title=_("Lien déjà utilisé"),
            paragraphs=[_("Ce lien de confirmation a déjà servi.")],
        )
    if state == LinkState.EXPIRED:
        return ClosedLinkWords(
            title=_("Lien expiré"),
            paragraphs=[
                _(
                    "Ce lien de confirmation n'est plus valable : il a expiré, ou une demande "
                    "plus récente l'a remplacé. Votre adresse e-mail n'a pas changé."
                )
            ],
            action_label=again_label,
            action_url=again_url,
        )
    return ClosedLinkWords(
        title=_("Lien inconnu"),
        paragraphs=[
            _("Ce lien n'existe pas. Vérifiez qu'il a été copié en entier depuis l'e-mail reçu.")
        ],
    )


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def email_change_confirm(request, key: str):
    """GET only shows the new address and a button (mail scanners open links); POST changes it.
    The key is the credential: no sign-in needed, the link names its person."""
    if request.method == "POST":
        state, change = services.email_change_confirm(
            key=key, ip_address=services.client_ip(request)
        )
        if state == LinkState.OPEN:
            return render(request, "accounts/email_change_done.html", {"change": change})
    else:
        found = selectors.email_change_lookup(key=key)
        state, change = found.state, found.link
        if found.is_open:
            return render(request, "accounts/email_change_confirm.html", {"change": change})
    return render_closed_link(request, state=state, words=_email_change_closed_words(state))


def allauth_email_closed(request, *args, **kwargs):
    """allauth's address confirmation pages: the portal keeps one address per person."""
    raise Http404
