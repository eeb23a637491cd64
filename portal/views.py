from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import redirect, render

from accounts import selectors as account_selectors
from accounts.audit_sentences import audit_entries
from notifications import selectors as notification_selectors


@login_required
def home(request):
    """The dashboard of the selected company."""
    if request.membership is None:
        if account_selectors.membership_list_for_user(user=request.user):
            return redirect("delegation:company-select")
        return render(request, "portal/no_company.html")
    company = request.company
    context = {
        "overview": account_selectors.company_overview(company=company),
        "applications": account_selectors.company_application_list(company=company),
        "recent_messages": notification_selectors.message_list(user=request.user)[:5],
        "recent_events": audit_entries(account_selectors.audit_event_list(company=company)[:8])
        if request.membership.is_admin
        else [],
    }
    return render(request, "portal/home.html", context)


def health(request):
    return JsonResponse({"status": "ok"})
