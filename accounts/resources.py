"""django-import-export resources for support staff. Credentials and keys are never exported."""

from import_export import fields, resources
from import_export.widgets import ForeignKeyWidget

from .models import BillingAddress, Company, CustomerAccount, User


class CompanyResource(resources.ModelResource):
    class Meta:
        model = Company
        fields = (
            "id",
            "name",
            "vat_number",
            "address",
            "postcode",
            "city",
            "country",
            "is_router",
            "is_active",
        )
        import_id_fields = ("name",)
        skip_unchanged = True
        report_skipped = True


class CustomerAccountResource(resources.ModelResource):
    company = fields.Field(
        column_name="company", attribute="company", widget=ForeignKeyWidget(Company, field="name")
    )

    class Meta:
        model = CustomerAccount
        fields = ("number", "name", "company", "is_active")
        import_id_fields = ("number",)
        skip_unchanged = True
        report_skipped = True


class BillingAddressResource(resources.ModelResource):
    company = fields.Field(
        column_name="company", attribute="company", widget=ForeignKeyWidget(Company, field="name")
    )

    class Meta:
        model = BillingAddress
        fields = ("id", "company", "name", "address", "postcode", "city", "country", "is_active")
        skip_unchanged = True
        report_skipped = True


class UserResource(resources.ModelResource):
    class Meta:
        model = User
        # No password, no user key secret material: the user key is public, the password is not.
        fields = (
            "username",
            "email",
            "civility",
            "first_name",
            "last_name",
            "language",
            "function",
            "phone",
            "address",
            "postcode",
            "city",
            "country",
            "is_active",
        )
        import_id_fields = ("username",)
        skip_unchanged = True
        report_skipped = True
