"""The person's own account page: details, companies, rights per company and account, keys, MFA."""

from allauth.mfa.models import Authenticator
from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from ..models import ApiKey
from ..permissions import may_hold_api_key
from ..selectors.rights import membership_overview_for_user, rights_for_user


@login_required
def profile(request):
    user = request.user
    context = {
        "memberships": membership_overview_for_user(user=user),
        "company_rights": rights_for_user(user=user),
        "totp_active": Authenticator.objects.filter(
            user=user, type=Authenticator.Type.TOTP
        ).exists(),
        "may_hold_api_key": may_hold_api_key(user=user),
        "api_key": ApiKey.objects.usable().filter(user=user, expires_at__isnull=True).first(),
    }
    return render(request, "accounts/profile.html", context)
