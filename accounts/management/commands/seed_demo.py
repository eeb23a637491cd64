"""Demo data: companies, accounts, people and rights to try every part of the portal.

Idempotent: everything is looked up by a stable natural key (company name, account number,
username, ...) and only created or corrected when it differs, so running the command twice
changes nothing the second time. Writes go straight through the ORM: this is seed data, not a
user action, so no audit rows and no e-mails.
"""

from dataclasses import dataclass, field

from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from accounts.models import (
    AccountApplication,
    Application,
    BillingAddress,
    Company,
    CustomerAccount,
    Grant,
    GrantStatus,
    Membership,
    MembershipKind,
    MembershipStatus,
    User,
)

DEFAULT_PASSWORD = "Sesame-demo-2026!"
SITE_URL = "http://127.0.0.1:8000"

BPOST_APPS = [
    "emasspost",
    "distriplanner",
    "collect-stamp",
    "parcels-national",
    "parcels-international",
    "invoice-reporter",
]
COLISSIMO_APPS = [
    "coliship",
    "colissimo-web-services",
    "colissimo-tracking",
    "colissimo-invoices",
    "colissimo-tariffs",
]
DHL_APPS = ["dhl-shipping"]
SWISSPOST_APPS = ["swisspost-online-services"]

# Parcels International: « Accès douane » and « Accès à eShipper Pro » fit no profile of the
# matrix, so nobody can hold them; administrators get every other right so that they can hand
# out any profile.
UNASSIGNABLE = {("parcels-international", "customs"), ("parcels-international", "eshipper-pro")}


@dataclass
class CompanySpec:
    name: str
    address: str
    postcode: str
    city: str
    country: str
    vat_number: str = ""
    is_router: bool = False
    accounts: list[tuple[str, str]] = field(default_factory=list)
    billing_addresses: list[tuple[str, str, str, str]] = field(default_factory=list)
    applications: list[str] = field(default_factory=list)


COMPANIES = [
    CompanySpec(
        name="Imprimerie Lambert SA",
        address="Rue de la Loi 42",
        postcode="1000",
        city="Bruxelles",
        country="BE",
        vat_number="BE0401234567",
        accounts=[
            ("999009", "Lambert - Siège"),
            ("999010", "Lambert - Atelier Anderlecht"),
            ("999200", "Lambert - Colis"),
        ],
        billing_addresses=[
            ("Imprimerie Lambert - Siège", "Rue de la Loi 42", "1000", "Bruxelles"),
            ("Imprimerie Lambert - Atelier", "Boulevard Industriel 9", "1070", "Anderlecht"),
            ("Imprimerie Lambert - Comptabilité", "Avenue Louise 120", "1050", "Ixelles"),
        ],
        applications=BPOST_APPS,
    ),
    CompanySpec(
        name="Maison Verdier SARL",
        address="12 rue du Faubourg Saint-Antoine",
        postcode="75012",
        city="Paris",
        country="FR",
        vat_number="FR40123456789",
        accounts=[
            ("820011", "Verdier - Boutique Paris"),
            ("820012", "Verdier - Entrepôt Nord"),
            ("820013", "Verdier - Retours"),
        ],
        applications=COLISSIMO_APPS,
    ),
    CompanySpec(
        name="Atelier Roux SAS",
        address="8 quai Saint-Vincent",
        postcode="69001",
        city="Lyon",
        country="FR",
        vat_number="FR72987654321",
        accounts=[("820101", "Roux - Lyon")],
        applications=COLISSIMO_APPS,
    ),
    CompanySpec(
        name="Helvetia Uhren AG",
        address="Marktgasse 15",
        postcode="3011",
        city="Bern",
        country="CH",
        vat_number="CHE-123.456.789",
        accounts=[("40001234", "Helvetia - Versand"), ("40001235", "Helvetia - Service")],
        applications=SWISSPOST_APPS,
    ),
    CompanySpec(
        name="LogiServ Partner GmbH",
        address="Hardturmstrasse 101",
        postcode="8005",
        city="Zürich",
        country="CH",
        vat_number="CHE-987.654.321",
    ),
    CompanySpec(
        name="Nordic Parts NV",
        address="Noorderlaan 133",
        postcode="2030",
        city="Antwerpen",
        country="BE",
        vat_number="BE0765432109",
        accounts=[("950000033", "Nordic Parts - Export"), ("950000034", "Nordic Parts - Samples")],
        applications=DHL_APPS,
    ),
    CompanySpec(
        name="Routage Express SPRL",
        address="Chaussée de Mons 200",
        postcode="1070",
        city="Anderlecht",
        country="BE",
        is_router=True,
    ),
    CompanySpec(
        name="Flandria Mailing NV",
        address="Kortrijksesteenweg 310",
        postcode="9000",
        city="Gent",
        country="BE",
        is_router=True,
    ),
    CompanySpec(
        name="Ardenne Routage SA",
        address="Rue de Namur 5",
        postcode="5000",
        city="Namur",
        country="BE",
        is_router=True,
    ),
]

# username: (civility, first name, last name, e-mail, language, country, function, tag)
PEOPLE = {
    "admin.lambert": ("mrs", "Claire", "Lambert", "claire.lambert@lambert.example", "fr", "BE",
                      "Directrice administrative", ""),
    "user.lambert": ("mr", "Pieter", "Claes", "pieter.claes@lambert.example", "nl", "BE",
                     "Préparateur de dépôts", ""),
    "ancien.lambert": ("mr", "Marc", "Dubois", "marc.dubois@lambert.example", "fr", "BE",
                       "Ancien opérateur", ""),
    "admin.verdier": ("mr", "Julien", "Verdier", "julien.verdier@verdier.example", "fr", "FR",
                      "Gérant", ""),
    "avance.martin": ("mrs", "Sophie", "Martin", "sophie.martin@logistique-martin.example", "fr",
                      "FR", "Responsable logistique", "ENTREPOT-NORD"),
    "admin.roux": ("mx", "Camille", "Roux", "camille.roux@roux.example", "fr", "FR",
                   "Responsable expéditions", ""),
    "admin.helvetia": ("mr", "Lukas", "Meier", "lukas.meier@helvetia.example", "de", "CH",
                       "Leiter Logistik", ""),
    "admin.logiserv": ("mrs", "Anna", "Keller", "anna.keller@logiserv.example", "de", "CH",
                       "Account Manager", ""),
    "admin.nordic": ("mr", "Jan", "Peeters", "jan.peeters@nordic.example", "nl", "BE",
                     "Shipping manager", ""),
    "admin.routage": ("mr", "Thomas", "Lejeune", "thomas.lejeune@routage.example", "fr", "BE",
                      "Chef de production", ""),
    "support": ("mrs", "Nadia", "Benali", "support@sesame.example", "fr", "BE",
                "Support clientèle", ""),
    "root": ("mr", "Admin", "Sésame", "root@sesame.example", "en", "BE",
             "Administrateur technique", ""),
}  # fmt: skip

INACTIVE_USERS = {"ancien.lambert"}
ADMIN_FLAGS = {"can_manage_users": True, "can_manage_admins": True, "can_recover_password": True}


class Command(BaseCommand):
    help = "Crée ou remet en état les données de démonstration (sociétés, personnes, droits)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--password",
            default=DEFAULT_PASSWORD,
            help=f"Mot de passe de toutes les personnes de démo (défaut : {DEFAULT_PASSWORD}).",
        )

    def handle(self, *args, **options):
        password = options["password"]
        try:
            validate_password(password)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        if not Application.objects.filter(code__in=BPOST_APPS).exists():
            raise CommandError("Catalogue d'applications absent : lancez d'abord « migrate ».")
        with transaction.atomic():
            Seeder(password=password).run()
        self._report(password)

    def _report(self, password: str) -> None:
        write = self.stdout.write
        for spec in COMPANIES:
            memberships = (
                Membership.objects.filter(company__name=spec.name)
                .select_related("user")
                .order_by("user__username")
            )
            write(
                self.style.MIGRATE_HEADING(
                    f"\n{spec.name}" + (" (routeur)" if spec.is_router else "")
                )
            )
            received = Grant.objects.filter(
                holder_company__name=spec.name, status=GrantStatus.ACTIVE
            ).select_related("grantor_company")
            for g in received:
                write(f"  reçu de {g.grantor_company.name} : {g.permission}")
            for m in memberships:
                admin = "admin" if m.is_admin else ""
                write(
                    f"  {m.user.username:<16} {m.user.get_full_name():<18} {m.kind:<10} "
                    f"{m.status:<12} {admin:<6} {m.user.language}  "
                    f"{m.grants.filter(status=GrantStatus.ACTIVE).count()} droit(s)"
                )
        write(self.style.MIGRATE_HEADING("\nPersonnel du transporteur"))
        in_group = User.objects.filter(username="support", groups__name="Support").exists()
        group = "groupe Support" if in_group else "groupe Support absent : à ajouter"
        write(f"  support          staff ({group}), sans droits de superutilisateur")
        write("  root             superutilisateur")
        write(self.style.SUCCESS(f"\nConnexion : {SITE_URL}  (admin Django : {SITE_URL}/admin/)"))
        write(f"Mot de passe de tous les comptes : {password}")
        write(
            "« admin.logiserv » et « avance.martin » agissent pour deux sociétés : "
            "ils en choisissent une après la connexion."
        )
        write("« ancien.lambert » est désactivé et ne peut pas se connecter.")


class Seeder:
    """Writes the demo data; every step finds its rows first and creates only what is missing."""

    def __init__(self, *, password: str):
        self.password = password
        self.companies: dict[str, Company] = {}
        self.users: dict[str, User] = {}
        self.applications = {app.code: app for app in Application.objects.all()}

    def run(self) -> None:
        for spec in COMPANIES:
            self.companies[spec.name] = self.company(spec)
        for username in PEOPLE:
            self.users[username] = self.user(username)
        self.staff()
        self.lambert()
        self.verdier()
        self.roux()
        self.helvetia()
        self.nordic()
        self.routage()

    # --- Rows -------------------------------------------------------------------------------

    def company(self, spec: CompanySpec) -> Company:
        company = upsert(
            Company,
            {"name": spec.name},
            address=spec.address,
            postcode=spec.postcode,
            city=spec.city,
            country=spec.country,
            vat_number=spec.vat_number,
            is_router=spec.is_router,
            is_active=True,
        )
        for number, label in spec.accounts:
            account = upsert(
                CustomerAccount, {"number": number}, company=company, name=label, is_active=True
            )
            for code in spec.applications:
                AccountApplication.objects.get_or_create(
                    account=account, application=self.applications[code]
                )
        for name, address, postcode, city in spec.billing_addresses:
            upsert(
                BillingAddress,
                {"company": company, "name": name},
                address=address,
                postcode=postcode,
                city=city,
                country=spec.country,
                is_active=True,
            )
        return company

    def user(self, username: str) -> User:
        civility, first, last, email, language, country, function, tag = PEOPLE[username]
        user = upsert(
            User,
            {"username": username},
            civility=civility,
            first_name=first,
            last_name=last,
            email=email,
            language=language,
            country=country,
            function=function,
            tag=tag,
            is_active=username not in INACTIVE_USERS,
            must_change_password=False,
        )
        if not user.check_password(self.password):
            user.set_password(self.password)
            user.save(update_fields=["password"])
        return user

    def membership(self, username: str, company_name: str, **fields) -> Membership:
        fields.setdefault("kind", MembershipKind.EMPLOYEE)
        fields.setdefault("status", MembershipStatus.ACTIVE)
        return upsert(
            Membership,
            {"user": self.users[username], "company": self.companies[company_name]},
            **fields,
        )

    def grant(
        self,
        membership: Membership,
        app_code: str,
        permission_code: str,
        *,
        accounts=None,
        billing_addresses=None,
        products=None,
        service_types=None,
        granted_by: User | None = None,
    ) -> Grant:
        """One active grant of the membership, scopes narrowed to the given rows (or all)."""
        application = self.applications[app_code]
        permission = application.permissions.get(code=permission_code)
        company = membership.company
        grant = upsert(
            Grant,
            {"membership": membership, "permission": permission, "status": GrantStatus.ACTIVE},
            grantor_company=company,
            granted_by=granted_by,
        )
        self.set_scopes(
            grant,
            application,
            company,
            accounts=accounts,
            billing_addresses=billing_addresses,
            products=products,
            service_types=service_types,
        )
        return grant

    def set_scopes(self, grant, application, company, **scopes) -> None:
        accounts = scopes["accounts"]
        if accounts is None:
            accounts = company.accounts.filter(applications=application)
        else:
            accounts = CustomerAccount.objects.filter(number__in=accounts)
        grant.accounts.set(accounts)
        if application.uses_billing_addresses:
            names = scopes["billing_addresses"]
            addresses = company.billing_addresses.all()
            grant.billing_addresses.set(
                addresses if names is None else addresses.filter(name__in=names)
            )
        if application.uses_products:
            codes = scopes["products"]
            products = application.products.all()
            grant.products.set(products if codes is None else products.filter(code__in=codes))
        if application.uses_service_types:
            codes = scopes["service_types"]
            types = application.service_types.all()
            grant.service_types.set(types if codes is None else types.filter(code__in=codes))

    def admin(self, username: str, company_name: str, app_codes: list[str]) -> Membership:
        """A full administrator holding every assignable right of the company's applications."""
        membership = self.membership(username, company_name, **ADMIN_FLAGS)
        for code in app_codes:
            for permission in self.applications[code].permissions.filter(is_active=True):
                if (code, permission.code) not in UNASSIGNABLE:
                    self.grant(membership, code, permission.code)
        return membership

    # --- Companies --------------------------------------------------------------------------

    def staff(self) -> None:
        support = upsert(User, {"username": "support"}, is_staff=True, is_superuser=False)
        group = Group.objects.filter(name="Support").first()
        if group is not None:
            support.groups.add(group)
        upsert(User, {"username": "root"}, is_staff=True, is_superuser=True)

    def lambert(self) -> None:
        name = "Imprimerie Lambert SA"
        admin = self.admin("admin.lambert", name, BPOST_APPS)
        by = admin.user
        user = self.membership("user.lambert", name, can_recover_password=True, created_by=by)
        siege = ["Imprimerie Lambert - Siège"]
        self.grant(
            user,
            "emasspost",
            "create",
            accounts=["999009"],
            billing_addresses=siege,
            products=["lettre", "imprime"],
            granted_by=by,
        )
        self.grant(
            user,
            "emasspost",
            "deposit-declaration",
            accounts=["999009"],
            billing_addresses=siege,
            products=["lettre", "imprime"],
            granted_by=by,
        )
        # A « Lecture seule » profile: eShipper light on mail and parcel bordereaux it admits.
        self.grant(
            user,
            "parcels-international",
            "eshipper-light",
            accounts=["999200"],
            service_types=["direct-mail", "volumail-sorted", "maxi-pack"],
            granted_by=by,
        )
        former = self.membership(
            "ancien.lambert",
            name,
            status=MembershipStatus.DEACTIVATED,
            created_by=by,
            create_only={"deactivated_at": timezone.now()},
        )
        self.grant(former, "emasspost", "global-view", accounts=["999009"], granted_by=by)

    def verdier(self) -> None:
        name = "Maison Verdier SARL"
        admin = self.admin("admin.verdier", name, COLISSIMO_APPS)
        advanced = self.membership(
            "avance.martin", name, kind=MembershipKind.ADVANCED, created_by=admin.user
        )
        self.grant(
            advanced,
            "colissimo-tracking",
            "tracking-user-tag",
            accounts=["820011", "820012"],
            granted_by=admin.user,
        )
        self.grant(
            advanced,
            "colissimo-web-services",
            "ws-tracking",
            accounts=["820012"],
            granted_by=admin.user,
        )

    def roux(self) -> None:
        name = "Atelier Roux SAS"
        admin = self.admin("admin.roux", name, COLISSIMO_APPS)
        advanced = self.membership("avance.martin", name, kind=MembershipKind.ADVANCED)
        self.grant(
            advanced,
            "colissimo-tracking",
            "tracking-consolidated",
            accounts=["820101"],
            granted_by=admin.user,
        )

    def helvetia(self) -> None:
        name = "Helvetia Uhren AG"
        admin = self.admin("admin.helvetia", name, SWISSPOST_APPS)
        self.admin("admin.logiserv", "LogiServ Partner GmbH", [])
        provider = self.membership(
            "admin.logiserv",
            name,
            kind=MembershipKind.PROVIDER,
            remark="Prestataire logistique : commandes pour le débiteur Versand.",
            created_by=admin.user,
        )
        self.grant(
            provider,
            "swisspost-online-services",
            "contract-orders",
            accounts=["40001234"],
            granted_by=admin.user,
        )

    def nordic(self) -> None:
        self.admin("admin.nordic", "Nordic Parts NV", DHL_APPS)

    def routage(self) -> None:
        """A router company with its administrator, and rights Lambert gave it on e-Masspost."""
        router = self.companies["Routage Express SPRL"]
        self.admin("admin.routage", router.name, [])
        lambert = self.companies["Imprimerie Lambert SA"]
        emasspost = self.applications["emasspost"]
        for code in ("create", "deposit-declaration"):
            grant = upsert(
                Grant,
                {
                    "holder_company": router,
                    "grantor_company": lambert,
                    "permission": emasspost.permissions.get(code=code),
                    "status": GrantStatus.ACTIVE,
                },
                granted_by=self.users["admin.lambert"],
            )
            self.set_scopes(
                grant,
                emasspost,
                lambert,
                accounts=["999009"],
                billing_addresses=["Imprimerie Lambert - Siège"],
                products=["lettre", "imprime"],
                service_types=None,
            )


def upsert(model, lookup: dict, *, create_only: dict | None = None, **fields):
    """Get the row by its natural key, create it if missing, save only the fields that differ."""
    obj, created = model.objects.get_or_create(**lookup, defaults={**fields, **(create_only or {})})
    if created:
        return obj
    changed = [name for name, value in fields.items() if getattr(obj, name) != value]
    if changed:
        for name in changed:
            setattr(obj, name, fields[name])
        obj.save(update_fields=changed)
    return obj
