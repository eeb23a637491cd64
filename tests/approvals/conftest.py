import pytest

from accounts.models import AccountApplication, Application
from approvals.models import CustomerAdmin, ProtectedAccount
from tests.factories import AdminMembershipFactory, CustomerAccountFactory


@pytest.fixture
def protected(company):
    """Account 950000033 under active eSecure protection, with two customer admins."""
    account = CustomerAccountFactory(company=company, number="950000033")
    AccountApplication.objects.create(
        account=account, application=Application.objects.get(code="dhl-shipping")
    )
    protected = ProtectedAccount.objects.create(account=account, is_active=True)
    for name in ("anne", "bert"):
        admin = AdminMembershipFactory(
            company=company, user__username=name, user__phone="+32 2 000 00 00"
        ).user
        CustomerAdmin.objects.create(protected_account=protected, user=admin)
    return protected
