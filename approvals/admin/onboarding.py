"""The onboarding flow of protected accounts: « Activer eSecure » puts an account under eSecure
with its first customer admin, « Ajouter un administrateur » registers another one."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from accounts.models import CustomerAccount, Language, User
from accounts.services import client_ip

from ..models import AdminInvitation, Origin, ProtectedAccount, Status
from ..services import onboarding
from .base import staff_actor

# A login that does not belong to the account's company is invited: it joins only by accepting.
INVITED = _(
    "%(email)s appartient à une autre société : une invitation lui est envoyée ; la personne "
    "deviendra membre de la société et administrateur client du compte seulement si elle "
    "l'accepte."
)


class CustomerAdminForm(forms.Form):
    """A customer admin to register: an existing login is found by e-mail; a new one needs
    its names."""

    admin_email = forms.EmailField(label=_("E-mail de l'administrateur client"))
    first_name = forms.CharField(
        label=_("Prénom"),
        max_length=150,
        required=False,
        help_text=_("Obligatoire pour un nouvel identifiant ; ignoré s'il existe déjà."),
    )
    last_name = forms.CharField(
        label=_("Nom"),
        max_length=150,
        required=False,
        help_text=_("Obligatoire pour un nouvel identifiant ; ignoré s'il existe déjà."),
    )
    language = forms.ChoiceField(
        label=_("Langue des e-mails"), choices=Language.choices, initial=Language.FR
    )

    existing_user: User | None = None  # found by clean()

    def clean(self):
        cleaned = super().clean()
        email = cleaned.get("admin_email")
        if not email:
            return cleaned
        existing = User.objects.filter(email__iexact=email).first()
        self.existing_user = existing
        if existing is not None and not existing.is_active:
            self.add_error(
                "admin_email",
                _(
                    "Cet identifiant est désactivé : réactivez-le avant d'en faire un "
                    "administrateur."
                ),
            )
        if existing is None:
            for name in ("first_name", "last_name"):
                if not cleaned.get(name, "").strip():
                    self.add_error(name, _("Obligatoire pour un nouvel identifiant."))
        return cleaned


class ProtectionEnableForm(CustomerAdminForm):
    """Puts a customer account under eSecure with its first customer admin."""

    account = forms.ModelChoiceField(
        label=_("Numéro de compte"),
        queryset=CustomerAccount.objects.filter(is_active=True).select_related("company"),
        widget=AutocompleteSelect(ProtectedAccount._meta.get_field("account"), admin.site),
        help_text=_("Recherchez par numéro, nom du compte ou société."),
    )

    field_order = ["account", "admin_email", "first_name", "last_name", "language"]

    def clean_account(self):
        account = self.cleaned_data["account"]
        if ProtectedAccount.objects.filter(account=account).exists():
            raise ValidationError(
                _(
                    "Ce numéro de compte est déjà sous eSecure : ajoutez un administrateur "
                    "depuis sa fiche."
                )
            )
        return account


class ProtectionOnboardingAdmin(admin.ModelAdmin):
    """The two support pages of the protected-account admin, beside its list and form."""

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "enable/",
                self.admin_site.admin_view(self.enable_view),
                name="{}_{}_enable".format(*info),
            ),
            path(
                "<path:object_id>/add-admin/",
                self.admin_site.admin_view(self.add_admin_view),
                name="{}_{}_add_admin".format(*info),
            ),
            *super().get_urls(),
        ]

    def add_view(self, request, form_url="", extra_context=None):
        """No protected account without its first admin: « Ajouter » leads to the flow."""
        return HttpResponseRedirect(reverse("admin:approvals_protectedaccount_enable"))

    def enable_view(self, request: HttpRequest):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = ProtectionEnableForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            is_new = form.existing_user is None
            try:
                protected = onboarding.protection_enable(
                    account=data["account"],
                    admin_email=data["admin_email"],
                    first_name=data["first_name"].strip(),
                    last_name=data["last_name"].strip(),
                    language=data["language"],
                    actor=staff_actor(request),
                    ip_address=client_ip(request),
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                listed = protected.senders.filter(origin=Origin.HISTORY).count()
                done = ngettext(
                    "eSecure mis en place pour le compte %(number)s : %(listed)d adresse de "
                    "l'historique listée en attente.",
                    "eSecure mis en place pour le compte %(number)s : %(listed)d adresses de "
                    "l'historique listées en attente.",
                    listed,
                ) % {"number": protected.account.number, "listed": listed}
                invited = (
                    protected.admin_invitations.pending().for_email(data["admin_email"]).exists()
                )
                if invited:
                    mail = str(INVITED)
                elif is_new:
                    mail = gettext("%(email)s reçoit un e-mail pour créer son mot de passe.")
                else:
                    mail = gettext("%(email)s reçoit un e-mail de bienvenue.")
                self.message_user(
                    request,
                    " ".join(
                        [
                            done,
                            mail % {"email": data["admin_email"]},
                            gettext("La protection reste inactive jusqu'à son activation."),
                        ]
                    ),
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(
                    reverse("admin:approvals_protectedaccount_change", args=[protected.pk])
                )
        return self._form_page(
            request,
            form,
            title=gettext("Activer eSecure sur un numéro de compte"),
            intro=gettext(
                "Le compte passe sous eSecure (protection inactive jusqu'à son activation) ; "
                "les adresses qui l'ont utilisé ces 13 derniers mois sont listées en attente "
                "(origine « historique »). Un nouvel identifiant reçoit un e-mail pour créer "
                "son mot de passe, un identifiant de la société un e-mail de bienvenue ; un "
                "identifiant d'une autre société est invité et ne devient administrateur "
                "qu'en acceptant."
            ),
            submit=gettext("Activer eSecure"),
        )

    def add_admin_view(self, request: HttpRequest, object_id: str):
        protected = get_object_or_404(
            ProtectedAccount.objects.select_related("account__company"), pk=object_id
        )
        if not self.has_change_permission(request, protected):
            raise PermissionDenied
        form = CustomerAdminForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            is_new = form.existing_user is None
            if protected.admins.filter(
                user__email__iexact=data["admin_email"], status=Status.ACTIVE
            ).exists():
                form.add_error(
                    "admin_email",
                    _("Cette personne est déjà administrateur client actif de ce compte."),
                )
                return self._add_admin_page(request, form, protected)
            try:
                added = onboarding.customer_admin_add(
                    protected=protected,
                    email=data["admin_email"],
                    first_name=data["first_name"].strip(),
                    last_name=data["last_name"].strip(),
                    language=data["language"],
                    actor=staff_actor(request),
                    origin=Origin.SUPPORT,
                    ip_address=client_ip(request),
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                if isinstance(added, AdminInvitation):
                    done = str(INVITED)
                elif is_new:
                    done = gettext(
                        "%(email)s est administrateur client du compte %(number)s ; "
                        "il reçoit un e-mail pour créer son mot de passe."
                    )
                else:
                    done = gettext(
                        "%(email)s est administrateur client du compte %(number)s ; "
                        "il reçoit un e-mail de bienvenue."
                    )
                self.message_user(
                    request,
                    done % {"email": data["admin_email"], "number": protected.account.number},
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(
                    reverse("admin:approvals_protectedaccount_change", args=[protected.pk])
                )
        return self._add_admin_page(request, form, protected)

    def _add_admin_page(self, request, form, protected):
        return self._form_page(
            request,
            form,
            title=gettext("Ajouter un administrateur client au compte %(number)s")
            % {"number": protected.account.number},
            intro=gettext(
                "Un nouvel identifiant reçoit un e-mail pour créer son mot de passe et devient "
                "membre de la société %(company)s ; un identifiant de cette société reçoit un "
                "e-mail de bienvenue. Un identifiant d'une autre société est invité : il ne "
                "devient membre et administrateur qu'en acceptant."
            )
            % {"company": protected.account.company.name},
            submit=gettext("Ajouter l'administrateur"),
            original=protected,
        )

    def _form_page(self, request, form, *, title, intro, submit, original=None):
        adminform = helpers.AdminForm(
            form, [(None, {"fields": list(form.fields)})], prepopulated_fields={}, model_admin=self
        )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": title,
            "intro": intro,
            "submit_label": submit,
            "adminform": adminform,
            "form": form,
            "errors": helpers.AdminErrorList(form, []),
            "media": self.media + adminform.media,
            "original": original,
        }
        return TemplateResponse(
            request, "admin/approvals/protectedaccount/support_form.html", context
        )
