from django.utils.functional import SimpleLazyObject

from .selectors import is_esecure_admin


def esecure(request):
    """`esecure_admin`: may this person open the eSecure area in the selected company? Lazy: the
    one query runs only when a template (the navigation) asks."""
    membership = getattr(request, "membership", None)
    if membership is None:
        return {"esecure_admin": False}
    if getattr(request, "esecure_admin", None) is not None:  # set by the eSecure pages
        return {"esecure_admin": request.esecure_admin}
    return {"esecure_admin": SimpleLazyObject(lambda: is_esecure_admin(membership=membership))}
