from . import selectors


def inbox(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_messages_count": selectors.unread_count(user=user)}
