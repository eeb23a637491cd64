import pytest

from accounts.models import AccountApplication, Application, Membership, User
from accounts.permissions import Scope
from accounts.services.grants import rights_set
from tests.factories import CustomerAccountFactory, UserFactory

COLISSIMO = [
    "coliship",
    "colissimo-web-services",
    "colissimo-tracking",
    "colissimo-invoices",
    "colissimo-tariffs",
]


def perm(app_code, code):
    return Application.objects.get(code=app_code).permissions.get(code=code)


@pytest.fixture
def world(company, admin):
    """Maison Verdier: Colissimo on 820011-820013. The admin holds every Colissimo right on
    every account, except « WS Affranchissement » on 820013 and no « Consultation des
    conditions tarifaires » at all."""
    accounts = {
        n: CustomerAccountFactory(company=company, number=n) for n in ("820011", "820012", "820013")
    }
    apps = {code: Application.objects.get(code=code) for code in COLISSIMO}
    for account in accounts.values():
        for app in apps.values():
            AccountApplication.objects.create(account=account, application=app)
    staff = User.objects.filter(is_staff=True).first() or UserFactory(is_staff=True)
    membership = Membership.objects.get(user=admin, company=company)
    every = {a.pk for a in accounts.values()}
    for app in apps.values():
        if app.code == "colissimo-tariffs":
            continue
        rights = {}
        for permission in app.permissions.all():
            scope = every - {accounts["820013"].pk} if permission.code == "ws-franking" else every
            rights[permission] = Scope.of(accounts=scope)
        rights_set(membership=membership, application=app, rights=rights, actor=staff, notify=False)
    return {"accounts": accounts, "apps": apps, "company": company, "admin": admin}


HEADER = (
    "Nom;Prénom;Fonction;E-mail;Téléphone;Adresse;Code postal;Ville;"
    "WS Affranchissement;Suivi consolidé (sans accès au service client)"
)


def person_line(i: int, franking: str = "oui", tracking: str = "non", **over) -> str:
    cells = {
        "last_name": f"Martin{i}",
        "first_name": "Claire",
        "function": "Logistique",
        "email": f"claire.{i}@example.com",
        "phone": "0102030405",
        "address": "3 rue des Lilas",
        "postcode": "75011",
        "city": "Paris",
        **over,
    }
    return ";".join([*cells.values(), franking, tracking])


def csv_file(n: int, *, header: str = HEADER, start: int = 1, **over) -> bytes:
    lines = [header, *(person_line(i, **over) for i in range(start, start + n))]
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")
