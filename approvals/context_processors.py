from django.utils.functional import SimpleLazyObject

from .selectors import is_esecure_admin


def esecure(request):
    """`esecure_admin`: may this person open the eSecure area in the selected company? Lazy: the
    one query runs only when a template (the navigation) asks."""
    company = getattr(request, "company", None)
    user = getattr(request, "user", None)
    if company is None or user is None or not user.is_authenticated:
        return {"esecure_admin": False}
    if getattr(request, "esecure_admin", None) is not None:  # set by the eSecure pages
        return {"esecure_admin": request.esecure_admin}
    return {
        "esecure_admin": SimpleLazyObject(
            lambda: is_esecure_admin(user=user, company_id=company.pk)
        )
    }
