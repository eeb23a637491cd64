"""The eSecure area (four tabs). Being written: see the eSecure issue."""

from django.http import HttpResponse

from accounts.permissions import company_required


@company_required
def sender_list(request):  # replaced by the authorized-users tab
    return HttpResponse(status=501)
