from accounts import selectors

SESSION_KEY = "sesame_company_id"


class CurrentCompanyMiddleware:
    """Sets request.membership and request.company: the company the person acts for.

    The choice lives in the session; a person with a single active membership gets it at once.
    Every page and action reads the company from here, never from the URL.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.membership = None
        request.company = None
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            membership = selectors.membership_current(
                user=user, company_id=request.session.get(SESSION_KEY)
            )
            if membership is not None:
                request.session[SESSION_KEY] = membership.company_id
                request.membership = membership
                request.company = membership.company
            elif SESSION_KEY in request.session:
                del request.session[SESSION_KEY]
        return self.get_response(request)
