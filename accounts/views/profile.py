"""The person's own account page."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from .. import selectors


@login_required
def profile(request):
    memberships = selectors.membership_list_for_user(user=request.user)
    return render(request, "accounts/profile.html", {"memberships": memberships})
