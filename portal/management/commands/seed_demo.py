"""Demo data: companies, accounts, people and rights to try every part of the portal.

Idempotent: everything is looked up by a stable natural key (company name, account number,
username, ...) and only created or corrected when it differs, so running the command twice
changes nothing the second time. Writes go straight through the ORM: this is seed data, not a
user action, so no audit rows and no e-mails.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from accounts.models import (
    AccountApplication,
    ApiKey,
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
from approvals.models import (
    AccessRequest,
    AuthorizedDomain,
    AuthorizedSender,
    CustomerAdmin,
    Origin,
    ProtectedAccount,
    RequestStatus,
    SenderStatus,
    Status,
    UsageRecord,
)
from common.apikeys import KEY_PREFIX, PREFIX_LENGTH, api_key_digest
from common.links import new_link_key
from delegation.models import ProviderAccess, ProviderAccessStatus

DEFAULT_PASSWORD = "Sesame-demo-2026!"
SITE_URL = settings.SITE_URL  # follows `make run PORT=…`

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
CARRIER = "Sésame Transporteur"
CARRIER_ACCOUNT = "950000001"
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
        name="Sésame Transporteur",
        address="Avenue du Port 86",
        postcode="1000",
        city="Bruxelles",
        country="BE",
        vat_number="BE0200000001",
        accounts=[(CARRIER_ACCOUNT, "Transporteur - Intégrations API")],
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

# The router directory support staff keep (bpost lists hundreds): about forty demo entries.
ROUTER_DIRECTORY_CITIES = [
    "Aalst",
    "Antwerpen",
    "Arlon",
    "Ath",
    "Bastogne",
    "Beringen",
    "Binche",
    "Brugge",
    "Charleroi",
    "Ciney",
    "Dinant",
    "Eupen",
    "Genk",
    "Geel",
    "Gembloux",
    "Hasselt",
    "Huy",
    "Ieper",
    "Kortrijk",
    "La Louvière",
    "Leuven",
    "Liège",
    "Lier",
    "Marche-en-Famenne",
    "Mechelen",
    "Mons",
    "Mouscron",
    "Nivelles",
    "Oostende",
    "Ottignies",
    "Roeselare",
    "Sint-Niklaas",
    "Soignies",
    "Spa",
    "Tournai",
    "Turnhout",
    "Verviers",
    "Waterloo",
]

# username: (civility, first name, last name, e-mail, language, country, function); an advanced
# user's tag is per company (on the membership).
PEOPLE = {
    "admin.lambert": ("mrs", "Claire", "Lambert", "claire.lambert@lambert.example", "fr", "BE",
                      "Directrice administrative"),
    "user.lambert": ("mr", "Pieter", "Claes", "pieter.claes@lambert.example", "nl", "BE",
                     "Préparateur de dépôts"),
    "ancien.lambert": ("mr", "Marc", "Dubois", "marc.dubois@lambert.example", "fr", "BE",
                       "Ancien opérateur"),
    "admin.verdier": ("mr", "Julien", "Verdier", "julien.verdier@verdier.example", "fr", "FR",
                      "Gérant"),
    "avance.martin": ("mrs", "Sophie", "Martin", "sophie.martin@logistique-martin.example", "fr",
                      "FR", "Responsable logistique"),
    "admin.roux": ("mx", "Camille", "Roux", "camille.roux@roux.example", "fr", "FR",
                   "Responsable expéditions"),
    "admin.helvetia": ("mr", "Lukas", "Meier", "lukas.meier@helvetia.example", "de", "CH",
                       "Leiter Logistik"),
    "admin.logiserv": ("mrs", "Anna", "Keller", "anna.keller@logiserv.example", "de", "CH",
                       "Account Manager"),
    "user.logiserv": ("mr", "Marco", "Brunner", "marco.brunner@logiserv.example", "de", "CH",
                      "Disponent"),
    "admin.nordic": ("mr", "Jan", "Peeters", "jan.peeters@nordic.example", "nl", "BE",
                     "Shipping manager"),
    "esecure.nordic": ("mrs", "Elise", "Janssens", "elise.janssens@nordicparts.example", "fr",
                       "BE", "Responsable sécurité des envois"),
    "user.routage": ("mrs", "Inès", "Haddad", "ines.haddad@routage.example", "fr", "BE",
                     "Opératrice de dépôt"),
    "admin.routage": ("mr", "Thomas", "Lejeune", "thomas.lejeune@routage.example", "fr", "BE",
                      "Chef de production"),
    "support": ("mrs", "Nadia", "Benali", "support@sesame.example", "fr", "BE",
                "Support clientèle"),
    "root": ("mr", "Admin", "Sésame", "root@sesame.example", "en", "BE",
             "Administrateur technique"),
}  # fmt: skip

INACTIVE_USERS = {"ancien.lambert"}
ADMIN_FLAGS = {"can_manage_users": True, "can_manage_admins": True, "can_recover_password": True}

# --- eSecure (DHL) ------------------------------------------------------------------------------
TECHNICAL_USER = "dhl.shipping.app"
PROTECTED_ACCOUNT = "950000033"
INACTIVE_ACCOUNT = "950000034"
HISTORY_DAYS = 395  # the usage history covers 13 months
# e-mail, name, status, origin, decided by ("jan", "elise" or ""), days since last change
SENDERS = [
    ("expedition@nordicparts.example", "Service expédition", SenderStatus.APPROVED,
     Origin.MANUAL, "jan", 28),
    ("magazijn@nordicparts.example", "Magazijn Antwerpen", SenderStatus.APPROVED,
     Origin.HISTORY, "jan", 27),
    ("l.devos@nordicparts.example", "Lotte De Vos", SenderStatus.APPROVED, Origin.UPLOAD,
     "elise", 20),
    ("orders@brugge-logistics.example", "Brugge Logistics (partenaire)", SenderStatus.APPROVED,
     Origin.REQUEST, "elise", 12),
    ("colis.rapide@webmail.example", "", SenderStatus.REJECTED, Origin.HISTORY, "jan", 26),
    ("k.wouters@nordicparts.example", "", SenderStatus.PENDING, Origin.HISTORY, "", 31),
    ("douane@nordicparts.example", "", SenderStatus.PENDING, Origin.HISTORY, "", 31),
    ("warehouse@antwerp-freight.example", "", SenderStatus.PENDING, Origin.HISTORY, "", 31),
    ("p.jacobs@webmail.example", "", SenderStatus.PENDING, Origin.HISTORY, "", 31),
    ("export.team@nordicparts.example", "", SenderStatus.PENDING, Origin.HISTORY, "", 31),
]  # fmt: skip
USAGE = [email for email, *_rest in SENDERS]
PENDING_REQUEST = ("nouveau.transitaire@antwerp-freight.example", "Tom Verhoeven", "nl")
SENDER_CHECK_URL = f"{SITE_URL}/api/v1/sender-checks"


class Command(BaseCommand):
    help = "Crée ou remet en état les données de démonstration (sociétés, personnes, droits)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--password",
            default=DEFAULT_PASSWORD,
            help=f"Mot de passe de toutes les personnes de démo (défaut : {DEFAULT_PASSWORD}).",
        )
        parser.add_argument(
            "--api-key",
            help=(
                f"Clé d'API à donner à l'utilisateur technique « {TECHNICAL_USER} » (commence "
                f"par « {KEY_PREFIX} », 24 caractères au moins) pour essayer l'API avec curl. "
                "Sans cette option, une clé existante est laissée telle quelle."
            ),
        )

    def handle(self, *args, **options):
        password = options["password"]
        try:
            validate_password(password)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        api_key = options.get("api_key")
        if api_key is not None and (problem := api_key_errors(api_key)):
            raise CommandError(problem)
        if not Application.objects.filter(code__in=BPOST_APPS).exists():
            raise CommandError("Catalogue d'applications absent : lancez d'abord « migrate ».")
        with transaction.atomic():
            seeder = Seeder(password=password)
            seeder.run()
            if api_key is not None:
                api_key_set(user=seeder.users[TECHNICAL_USER], key=api_key)
        self._report(password)
        self._report_esecure(api_key)

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
        write(
            "« user.logiserv » a un accès prestataire de Helvetia Uhren AG en attente : "
            "il l'accepte dans « Mon compte » › « Mes accès prestataire »."
        )
        write("« ancien.lambert » est désactivé et ne peut pas se connecter.")

    def _report_esecure(self, api_key: str | None) -> None:
        write = self.stdout.write
        write(self.style.MIGRATE_HEADING("\neSecure (DHL)"))
        for protected in ProtectedAccount.objects.filter(
            account__number__in=[PROTECTED_ACCOUNT, INACTIVE_ACCOUNT]
        ).select_related("account"):
            senders = dict(
                protected.senders.values_list("status").annotate(n=Count("pk")).order_by()
            )
            write(
                f"  {protected.account.number}  "
                + ("protection active" if protected.is_active else "protection inactive")
                + f", {protected.admins.filter(status=Status.ACTIVE).count()} administrateur(s), "
                f"{senders.get(SenderStatus.APPROVED, 0)} approuvé(s), "
                f"{senders.get(SenderStatus.PENDING, 0)} en attente, "
                f"{senders.get(SenderStatus.REJECTED, 0)} rejeté(s), "
                f"{protected.domains.filter(status=Status.ACTIVE).count()} domaine(s) actif(s)"
            )
        write("  Administrateurs clients : admin.nordic, esecure.nordic (portail, onglet eSecure)")
        has_key = ApiKey.objects.usable().filter(user__username=TECHNICAL_USER).exists()
        write(
            f"  Utilisateur technique : {TECHNICAL_USER} ({CARRIER}), droit "
            "« dhl-shipping / sender-check », "
            + ("clé d'API en place" if has_key else "sans clé d'API")
        )
        if api_key is None:
            write(
                f"  Pour essayer l'API : relancez avec --api-key {KEY_PREFIX}<au moins 20 "
                "caractères> (la clé n'est jamais réaffichée), puis :"
            )
        else:
            write("  Vérification expéditeur :")
        key = api_key or "<KEY>"
        body = f'{{"account_number": "{PROTECTED_ACCOUNT}", "email": "new.person@example.com"}}'
        write(
            f'  curl -s -X POST {SENDER_CHECK_URL} -H "Authorization: Api-Key {key}" '
            f"-H \"Content-Type: application/json\" -d '{body}'"
        )


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
        self.carrier()
        self.routage()
        self.esecure()

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
        civility, first, last, email, language, country, function = PEOPLE[username]
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
            "avance.martin",
            name,
            kind=MembershipKind.ADVANCED,
            created_by=admin.user,
            tag="ENTREPOT-NORD",
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
        advanced = self.membership(
            "avance.martin", name, kind=MembershipKind.ADVANCED, tag="ROUX-LYON"
        )
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
        self.provider_accesses(admin.user, provider)

    def provider_accesses(self, admin: User, provider: Membership) -> None:
        """admin.logiserv's access, accepted; one offered to user.logiserv, still pending (he
        accepts it from « Mes accès prestataire »). Kept as they are on a second run."""
        company = provider.company
        orders = self.applications["swisspost-online-services"].permissions.get(
            code="contract-orders"
        )
        invoices = self.applications["swisspost-online-services"].permissions.get(
            code="consult-invoices"
        )
        versand = CustomerAccount.objects.get(number="40001234")
        service = CustomerAccount.objects.get(number="40001235")
        now = timezone.now()
        if not ProviderAccess.objects.filter(company=company, membership=provider).exists():
            ProviderAccess.objects.create(
                company=company,
                email=provider.user.email.lower(),
                remark=provider.remark,
                requested_rights={str(orders.pk): {"accounts": [versand.pk]}},
                status=ProviderAccessStatus.ACTIVE,
                created_by=admin,
                created_at=now - timedelta(days=40),
                decided_at=now - timedelta(days=39),
                used_at=now - timedelta(days=39),
                expires_at=now - timedelta(days=10),
                key_hash=new_link_key()[1],  # the key itself was never kept
                user=provider.user,
                membership=provider,
            )
        self.membership("user.logiserv", "LogiServ Partner GmbH")
        marco = self.users["user.logiserv"]
        answered = ProviderAccess.objects.filter(
            company=company,
            email=marco.email,
            status__in=[ProviderAccessStatus.PENDING, ProviderAccessStatus.ACTIVE],
        )
        if not answered.exists():
            ProviderAccess.objects.create(
                company=company,
                email=marco.email,
                remark="Disposition : commandes et factures du débiteur Service.",
                requested_rights={
                    str(orders.pk): {"accounts": [service.pk]},
                    str(invoices.pk): {"accounts": [service.pk]},
                },
                created_by=admin,
                created_at=now - timedelta(days=2),
                expires_at=now + timedelta(days=28),
                key_hash=new_link_key()[1],
            )

    def nordic(self) -> None:
        self.admin("admin.nordic", "Nordic Parts NV", DHL_APPS)
        self.membership("esecure.nordic", "Nordic Parts NV", created_by=self.users["admin.nordic"])

    def carrier(self) -> None:
        """The carrier's shipping application: a technical user that calls the sender check."""
        user = upsert(
            User,
            {"username": TECHNICAL_USER},
            first_name="DHL Shipping",
            last_name="(application)",
            email="dhl.shipping.app@sesame.example",
            language="en",
            country="BE",
            function="Client machine de la vérification expéditeur",
            is_active=True,
            must_change_password=False,
        )
        if user.has_usable_password():  # a machine signs in with its API key only
            user.set_unusable_password()
            user.save(update_fields=["password"])
        self.users[TECHNICAL_USER] = user
        membership = self.membership(
            TECHNICAL_USER,
            CARRIER,
            kind=MembershipKind.TECHNICAL,
            remark="MyDHL+ / eMailship : interroge eSecure avant chaque envoi.",
        )
        self.grant(membership, "dhl-shipping", "sender-check", accounts=[CARRIER_ACCOUNT])

    # --- eSecure ----------------------------------------------------------------------------

    def esecure(self) -> None:
        """Nordic Parts' account 950000033 under active protection with its lists and 13 months
        of usage; 950000034 protected but not active. ORM only: no audit rows, no e-mails."""
        today = timezone.localdate()
        now = timezone.now()
        support, jan, elise = (self.users[n] for n in ("support", "admin.nordic", "esecure.nordic"))
        export = upsert(
            ProtectedAccount,
            {"account": CustomerAccount.objects.get(number=PROTECTED_ACCOUNT)},
            is_active=True,
            ends_on=None,
            show_admin_contacts=True,
            origin=Origin.SUPPORT,
            create_only={
                "starts_on": today - timedelta(days=30),
                "history_listed_at": now - timedelta(days=31),
                "created_at": now - timedelta(days=31),
                "assigned_by": support,
            },
        )
        samples = upsert(
            ProtectedAccount,
            {"account": CustomerAccount.objects.get(number=INACTIVE_ACCOUNT)},
            is_active=False,
            origin=Origin.SUPPORT,
            create_only={"assigned_by": support},
        )
        upsert(
            CustomerAdmin,
            {"protected_account": export, "user": jan},
            status=Status.ACTIVE,
            origin=Origin.SUPPORT,
            create_only={"assigned_by": support},
        )
        upsert(
            CustomerAdmin,
            {"protected_account": export, "user": elise},
            status=Status.ACTIVE,
            origin=Origin.MANUAL,
            create_only={"assigned_by": jan},
        )
        upsert(
            CustomerAdmin,
            {"protected_account": samples, "user": jan},
            status=Status.ACTIVE,
            origin=Origin.SUPPORT,
            create_only={"assigned_by": support},
        )
        upsert(
            AuthorizedDomain,
            {"protected_account": export, "domain": "nordicparts.example"},
            status=Status.ACTIVE,
            origin=Origin.MANUAL,
            create_only={"assigned_by": jan},
        )
        deciders = {"jan": jan, "elise": elise, "": None}
        for email, name, status, origin, by, days_ago in SENDERS:
            sender_upsert(
                protected=export,
                email=email,
                name=name,
                status=status,
                origin=origin,
                assigned_by=deciders[by],
                since=now - timedelta(days=days_ago),
            )
        self.usage_history(export.account, today)
        self.pending_request(export, now)

    def usage_history(self, account: CustomerAccount, today) -> None:
        """About 13 months of shipments by the e-mails of USAGE, one row per e-mail and day."""
        rows = [
            UsageRecord(account=account, email=email, used_on=today - timedelta(days=day))
            for i, email in enumerate(USAGE)
            for day in range(1 + (i * 5) % 17, HISTORY_DAYS, 9 + 2 * i)
        ]
        UsageRecord.objects.bulk_create(rows, ignore_conflicts=True)

    def pending_request(self, protected: ProtectedAccount, now) -> None:
        """A request waiting for the admins (decided in the portal: no e-mailed links here)."""
        email, name, language = PENDING_REQUEST
        if AccessRequest.objects.filter(protected_account=protected, email=email).exists():
            return
        AccessRequest.objects.create(
            protected_account=protected,
            email=email,
            name=name,
            language=language,
            status=RequestStatus.PENDING,
            created_at=now - timedelta(days=2),
            expires_at=now + timedelta(days=20),
        )
        sender_upsert(
            protected=protected,
            email=email,
            name=name,
            status=SenderStatus.PENDING,
            origin=Origin.REQUEST,
            assigned_by=None,
            since=now - timedelta(days=2),
        )

    def routage(self) -> None:
        """A router company with its administrator and a user, rights Lambert gave it on
        e-Masspost (accepted), one of them handed on to the user; and a directory of routers."""
        for number, city in enumerate(ROUTER_DIRECTORY_CITIES, start=1):
            upsert(
                Company,
                {"name": f"Routeur {city}"},
                address=f"Rue du Dépôt {number}",
                postcode=f"{1000 + number * 37}",
                city=city,
                country="BE",
                is_router=True,
                is_active=True,
            )
        router = self.companies["Routage Express SPRL"]
        self.admin("admin.routage", router.name, [])
        user = self.membership("user.routage", router.name)
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
            if code == "create":  # handed on to the router's user, within what was received
                child = upsert(
                    Grant,
                    {"membership": user, "permission": grant.permission, "parent": grant},
                    grantor_company=router,
                    status=GrantStatus.ACTIVE,
                    granted_by=self.users["admin.routage"],
                )
                self.set_scopes(
                    child,
                    emasspost,
                    lambert,
                    accounts=["999009"],
                    billing_addresses=["Imprimerie Lambert - Siège"],
                    products=["lettre"],
                    service_types=None,
                )


def sender_upsert(
    *, protected, email, name, status, origin, assigned_by, since
) -> AuthorizedSender:
    """An authorized user in its demo state; `modified_at` moves only when something changed."""
    fields = {"name": name, "status": status, "origin": origin, "assigned_by": assigned_by}
    sender, created = AuthorizedSender.objects.get_or_create(
        protected_account=protected,
        email=email,
        defaults={**fields, "created_at": since, "modified_at": since},
    )
    changed = [name for name, value in fields.items() if getattr(sender, name) != value]
    if not created and changed:
        for field_name in changed:
            setattr(sender, field_name, fields[field_name])
        sender.modified_at = timezone.now()
        sender.save(update_fields=[*changed, "modified_at"])
    return sender


def api_key_set(*, user: User, key: str) -> ApiKey:
    """Gives the technical user exactly this key (its other keys are revoked), so a person can
    try the API with a key they know. The key is stored hashed, like any other."""
    digest = api_key_digest(key)
    if ApiKey.objects.filter(key_hash=digest).exclude(user=user).exists():
        raise CommandError(
            "Cette clé appartient déjà à une autre personne : choisissez-en une autre."
        )
    now = timezone.now()
    row = ApiKey.objects.filter(user=user, key_hash=digest).first() or (
        ApiKey.objects.filter(user=user).order_by("-created_at").first()
    )
    if row is None:
        row = ApiKey.objects.create(user=user, prefix=key[:PREFIX_LENGTH], key_hash=digest)
    elif (row.key_hash, row.revoked_at, row.expires_at) != (digest, None, None):
        row.prefix, row.key_hash = key[:PREFIX_LENGTH], digest
        row.revoked_at = row.expires_at = None
        row.created_at = now
        row.save(update_fields=["prefix", "key_hash", "revoked_at", "expires_at", "created_at"])
    ApiKey.objects.filter(user=user, revoked_at__isnull=True).exclude(pk=row.pk).update(
        revoked_at=now
    )
    return row


def api_key_errors(key: str) -> str | None:
    if not key.startswith(KEY_PREFIX) or len(key) < 24:
        return (
            f"La clé doit commencer par « {KEY_PREFIX} » et compter au moins 24 caractères "
            f"(exemple : {KEY_PREFIX}demo-0123456789abcdef)."
        )
    if any(c.isspace() for c in key) or not key.isascii():
        return "La clé ne peut contenir ni espace ni caractère non ASCII."
    return None


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
