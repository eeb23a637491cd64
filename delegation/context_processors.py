from accounts import selectors


def current_company(request):
    """The selected company and the others this person may switch to (for the header)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "current_membership": getattr(request, "membership", None),
        "current_company": getattr(request, "company", None),
        "switchable_memberships": selectors.membership_list_for_user(user=user),
    }
