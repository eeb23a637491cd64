import factory
from factory.django import DjangoModelFactory

from accounts import models

PASSWORD = "Correct-horse-battery-9"


class CompanyFactory(DjangoModelFactory):
    class Meta:
        model = models.Company

    name = factory.Sequence(lambda n: f"Société {n}")
    city = "Bruxelles"


class CustomerAccountFactory(DjangoModelFactory):
    class Meta:
        model = models.CustomerAccount

    company = factory.SubFactory(CompanyFactory)
    number = factory.Sequence(lambda n: f"{700000 + n}")
    name = factory.Sequence(lambda n: f"Compte {n}")


class BillingAddressFactory(DjangoModelFactory):
    class Meta:
        model = models.BillingAddress

    company = factory.SubFactory(CompanyFactory)
    name = factory.Sequence(lambda n: f"Facturation {n}")
    address = "Rue de la Loi 1"
    postcode = "1000"
    city = "Bruxelles"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = models.User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.com")
    first_name = factory.Sequence(lambda n: f"Prénom{n}")
    last_name = factory.Sequence(lambda n: f"Nom{n}")
    language = "fr"

    @factory.post_generation
    def password(obj, create, extracted, **kwargs):
        obj.set_password(extracted or PASSWORD)
        if create:
            obj.save(update_fields=["password"])


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = models.Membership

    user = factory.SubFactory(UserFactory)
    company = factory.SubFactory(CompanyFactory)
    kind = models.MembershipKind.EMPLOYEE
    status = models.MembershipStatus.ACTIVE


class AdminMembershipFactory(MembershipFactory):
    can_manage_users = True
    can_manage_admins = True
    can_recover_password = True
