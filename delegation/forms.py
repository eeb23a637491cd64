"""Forms of the delegation app: they check shape; the services check the rules."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class RouterEndForm(forms.Form):
    """The optional end date of what a router receives."""

    ends_on = forms.DateField(
        label=_("Date de fin (facultative)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Vide : sans fin. Le routeur et vous serez prévenus 14 jours avant."),
    )

    def ends_at(self) -> datetime.datetime | None:
        """The end of the chosen day, in the portal's time zone."""
        day = self.cleaned_data.get("ends_on")
        if day is None:
            return None
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time.max))


class HandOnForm(forms.Form):
    """Who receives (part of) a received right, on which of the customer's accounts."""

    person = forms.TypedChoiceField(label=_("Utilisateur"), coerce=int)
    accounts = forms.TypedMultipleChoiceField(
        label=_("Comptes clients"), coerce=int, required=False
    )

    def __init__(self, data=None, *, people: dict, account_ids=None):
        super().__init__(data)
        person = self.fields["person"]
        assert isinstance(person, forms.TypedChoiceField)
        person.choices = [(pk, m.user.username) for pk, m in people.items()]
        accounts = self.fields["accounts"]
        assert isinstance(accounts, forms.TypedMultipleChoiceField)
        # Any id is passed on: the service refuses what the router did not receive.
        accounts.choices = [(pk, pk) for pk in (account_ids or self._posted_accounts(data))]

    @staticmethod
    def _posted_accounts(data) -> list[int]:
        if data is None:
            return []
        return [int(v) for v in data.getlist("accounts") if str(v).isdigit()]
