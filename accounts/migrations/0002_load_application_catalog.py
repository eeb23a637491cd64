"""Load the application catalog named in the carrier guides (bpost, Colissimo, DHL, Swiss Post).

Data only, inline: applications with their permissions, the e-Masspost products, the Parcels
International service types (« bordereaux ») and its profile matrix. Every row carries a stable
slug code so that other data (grants, imports, the API) can refer to it. The reverse removes
exactly the rows added here, by code.
"""

from django.db import migrations

MANDATORY = "mandatory"
OPTIONAL = "optional"


def tr(en, nl, de):
    return {"en": en, "nl": nl, "de": de}


# --- bpost ---------------------------------------------------------------------------------

EMASSPOST_PERMISSIONS = [
    (
        "admin-role",
        "Rôle administrateur e-Masspost",
        tr(
            "e-Masspost administrator role",
            "Beheerdersrol e-Masspost",
            "e-Masspost-Administratorrolle",
        ),
        "Gérer les utilisateurs et les routeurs e-Masspost ainsi que leurs droits.",
    ),
    (
        "price-visibility",
        "Visibilité des tarifs",
        tr("Price visibility", "Zichtbaarheid van de tarieven", "Preisanzeige"),
        "Voir le prix calculé d'un dépôt.",
    ),
    (
        "create",
        "Création",
        tr("Creation", "Aanmaken", "Erstellung"),
        "Préparer et enregistrer un nouveau dépôt.",
    ),
    (
        "validate-price",
        "Validation + prix",
        tr("Validation + price", "Validatie + prijs", "Validierung + Preis"),
        "Confirmer un dépôt pour qu'il soit pris en charge, avec son prix.",
    ),
    (
        "global-view",
        "Consultation globale",
        tr("Global overview", "Globaal overzicht", "Gesamtübersicht"),
        "Suivre tous les dépôts des produits et adresses autorisés, avec leurs prix, "
        "y compris ceux créés par d'autres.",
    ),
    (
        "deposit-declaration",
        "Déclaration de dépôt",
        tr("Deposit declaration", "Afgiftebewijs", "Einlieferungserklärung"),
        "Consulter les déclarations des dépôts que l'on a créés soi-même.",
    ),
    (
        "mailing-list-create",
        "Création de mailing list",
        tr("Create mailing list", "Mailinglijst aanmaken", "Mailingliste erstellen"),
        "Charger un fichier Mail ID pour un dépôt.",
    ),
    (
        "mailing-list-delete",
        "Suppression de mailing list",
        tr("Delete mailing list", "Mailinglijst verwijderen", "Mailingliste löschen"),
        "Retirer un fichier Mail ID chargé auparavant.",
    ),
    (
        "deposit-summary",
        "Résumé de dépôt",
        tr("Deposit summary", "Samenvatting van de afgifte", "Einlieferungsübersicht"),
        "Voir la composition des dépôts que l'on a créés soi-même.",
    ),
    (
        "mailing-list-check",
        "Vérification de mailing list",
        tr("Check mailing list", "Mailinglijst controleren", "Mailingliste prüfen"),
        "Contrôler la qualité des adresses d'un fichier Mail ID avant le dépôt.",
    ),
    (
        "address-file-tool",
        "Address File Tool",
        tr("Address File Tool", "Address File Tool", "Address File Tool"),
        "Préparer et nettoyer un fichier d'adresses avec l'outil en ligne.",
    ),
    (
        "contracts-prices",
        "Contrats + prix",
        tr("Contracts + prices", "Contracten + prijzen", "Verträge + Preise"),
        "Consulter les contrats du client et les prix qui s'y appliquent.",
    ),
    (
        "yearly-plan",
        "Plan annuel (Yearly Plan)",
        tr("Yearly Plan", "Jaarplan (Yearly Plan)", "Jahresplan (Yearly Plan)"),
        "Consulter et tenir à jour la prévision annuelle des volumes déposés.",
    ),
    (
        "senders-management",
        "Gestion des expéditeurs (Senders Management)",
        tr(
            "Senders Management",
            "Beheer van afzenders (Senders Management)",
            "Absenderverwaltung (Senders Management)",
        ),
        "Identifier les expéditeurs pour qui l'on dépose ; réservé aux routeurs conventionnés.",
    ),
]

# Names as bpost lists them; « Lettre » is Admin Mail and « Imprimé » is Direct Mail.
EMASSPOST_PRODUCTS = [
    ("lettre", "Lettre", tr("Letter (Admin Mail)", "Brief (Admin Mail)", "Brief (Admin Mail)")),
    (
        "recommande-prior",
        "Recommandé prior",
        tr("Registered prior", "Aangetekend prior", "Einschreiben Prior"),
    ),
    ("periodique", "Périodique", tr("Periodical", "Periodiek", "Periodikum")),
    ("kilopost", "Kilopost", tr("Kilopost", "Kilopost", "Kilopost")),
    ("uv-rd", "UV/RD", tr("UV/RD", "UV/RD", "UV/RD")),
    (
        "distripost-convention",
        "Distripost sous convention",
        tr("Distripost under agreement", "Distripost onder overeenkomst", "Distripost mit Vertrag"),
    ),
    (
        "kilopost-convention",
        "Kilopost sous convention",
        tr("Kilopost under agreement", "Kilopost onder overeenkomst", "Kilopost mit Vertrag"),
    ),
    ("bpack", "bPack", tr("bPack", "bPack", "bPack")),
    ("bpack-international", "bPack International", tr(*["bPack International"] * 3)),
    ("distripost-2008", "Distripost 2008", tr(*["Distripost 2008"] * 3)),
    (
        "distripost-periodique",
        "Distripost périodique",
        tr("Distripost periodical", "Distripost periodiek", "Distripost Periodikum"),
    ),
    ("clean-mail", "Clean Mail", tr(*["Clean Mail"] * 3)),
    ("uv-rd-rp-plus", "UV/RD RP+", tr(*["UV/RD RP+"] * 3)),
    (
        "international-parcels-deferred",
        "International Parcels Deferred",
        tr(*["International Parcels Deferred"] * 3),
    ),
    (
        "international-parcels-express",
        "International Parcels Express",
        tr(*["International Parcels Express"] * 3),
    ),
    (
        "reserve-product-1",
        "Produit de réserve 1",
        tr("Reserve product 1", "Reserveproduct 1", "Reserveprodukt 1"),
    ),
    (
        "reserve-product-2",
        "Produit de réserve 2",
        tr("Reserve product 2", "Reserveproduct 2", "Reserveprodukt 2"),
    ),
    (
        "distripost-imprime",
        "Distripost imprimé",
        tr("Distripost printed matter", "Distripost drukwerk", "Distripost Drucksache"),
    ),
    ("selectapost", "Selectapost", tr(*["Selectapost"] * 3)),
    (
        "envois-commerciaux-non-urgents",
        "Envois commerciaux non urgents",
        tr(
            "Non-urgent commercial mail",
            "Niet-dringende commerciële zendingen",
            "Nicht dringende Geschäftssendungen",
        ),
    ),
    (
        "imprime",
        "Imprimé",
        tr("Printed matter (Direct Mail)", "Drukwerk (Direct Mail)", "Drucksache (Direct Mail)"),
    ),
    ("prior", "Prior", tr("Prior", "Prior", "Prior")),
    ("non-prior", "Non prior", tr("Non prior", "Non prior", "Non Prior")),
]

DISTRIPLANNER_PERMISSIONS = [
    (
        "order-entry",
        "Saisie des commandes (Order Entry)",
        tr("Order Entry", "Orderinvoer (Order Entry)", "Auftragserfassung (Order Entry)"),
        "Créer et gérer des commandes de distribution.",
    ),
    (
        "quick-view",
        "Aperçu rapide (Quick view)",
        tr("Quick view", "Snel overzicht (Quick view)", "Schnellansicht (Quick view)"),
        "Simuler des zones de distribution et consulter les commandes en cours.",
    ),
]

COLLECT_STAMP_PERMISSIONS = [
    (
        "registered-advanced-search",
        "Recherche avancée des envois recommandés",
        tr(
            "Advanced search for registered items",
            "Geavanceerd zoeken naar aangetekende zendingen",
            "Erweiterte Suche nach Einschreiben",
        ),
        "Rechercher des envois recommandés sur plusieurs critères.",
    ),
    (
        "parcel-advanced-search",
        "Recherche avancée des paquets",
        tr(
            "Advanced search for parcels",
            "Geavanceerd zoeken naar pakjes",
            "Erweiterte Suche nach Paketen",
        ),
        "Rechercher des paquets sur plusieurs critères.",
    ),
    (
        "registered-barcode-search",
        "Recherche par code-barres des envois recommandés",
        tr(
            "Barcode search for registered items",
            "Zoeken op barcode naar aangetekende zendingen",
            "Barcodesuche nach Einschreiben",
        ),
        "Retrouver un envoi recommandé à partir de son code-barres.",
    ),
    (
        "parcel-barcode-search",
        "Recherche par code-barres des paquets",
        tr(
            "Barcode search for parcels",
            "Zoeken op barcode naar pakjes",
            "Barcodesuche nach Paketen",
        ),
        "Retrouver un paquet à partir de son code-barres.",
    ),
    (
        "deposit-receipt-order",
        "Commande de récépissés de dépôt imprimés",
        tr(
            "Order printed deposit receipts",
            "Gedrukte afgiftebewijzen bestellen",
            "Gedruckte Einlieferungsbelege bestellen",
        ),
        "Commander l'impression (payante) des récépissés électroniques de dépôt.",
    ),
    (
        "invoice-search",
        "Recherche de factures",
        tr("Invoice search", "Facturen zoeken", "Rechnungssuche"),
        "Retrouver les factures liées au contrat.",
    ),
]

PARCELS_NATIONAL_PERMISSIONS = [
    (
        "user",
        "Utilisateur",
        tr("User", "Gebruiker", "Benutzer"),
        "Utiliser e-Shipper, e-Tracker et Shipping Manager pour les contrats choisis.",
    ),
]

PARCELS_INTERNATIONAL_PERMISSIONS = [
    (
        "customs",
        "Accès douane",
        tr("Customs access", "Toegang tot douane", "Zugang Zoll"),
        "Sans usage à ce jour : admis dans aucun profil.",
    ),
    (
        "eshipper-light",
        "Accès à eShipper light",
        tr("Access to eShipper light", "Toegang tot eShipper light", "Zugang zu eShipper light"),
        "Consultation seule des envois courrier et colis.",
    ),
    (
        "eshipper-pro2",
        "Accès à eShipper Pro 2",
        tr("Access to eShipper Pro 2", "Toegang tot eShipper Pro 2", "Zugang zu eShipper Pro 2"),
        "Créer des dépôts de colis dans eShipper Pro, y compris par chargement automatique.",
    ),
    (
        "eshipper-pro",
        "Accès à eShipper Pro",
        tr("Access to eShipper Pro", "Toegang tot eShipper Pro", "Zugang zu eShipper Pro"),
        "Sans usage à ce jour : admis dans aucun profil.",
    ),
    (
        "etoe",
        "Traitement ETOE",
        tr("ETOE handling", "ETOE-verwerking", "ETOE-Bearbeitung"),
        "Prise en charge des envois, réservée aux partenaires ETOE.",
    ),
    (
        "general",
        "Accès général",
        tr("General access", "Algemene toegang", "Allgemeiner Zugang"),
        "Créer des dépôts courrier et colis.",
    ),
    (
        "prices",
        "Voir les prix",
        tr("View prices", "Prijzen bekijken", "Preise anzeigen"),
        "Rendre visibles les prix et les factures.",
    ),
]

# (code, number, name, family) — names as bpost spells them.
PARCELS_INTERNATIONAL_SERVICE_TYPES = [
    ("direct-mail", 10, "Direct Mail", "mail"),
    ("volumail-sorted", 12, "Volumail Sorted", "mail"),
    ("volumail-registered", 13, "Volumail Registered", "mail"),
    ("volumail-unsorted", 14, "Volumail Unsorted", "mail"),
    ("volumail-sorted-tt", 16, "Volumail Sorted Track and Trace on receptacle", "mail"),
    ("volumail-unsorted-tt", 17, "Volumail Unsorted Track and Trace", "mail"),
    ("practimail", 20, "Practimail", "mail"),
    ("easyreturn", 21, "EasyReturn", "parcel"),
    ("maxreply", 23, "MaxReply", "mail"),
    ("maxi-pack", 31, "Maxi Pack", "parcel"),
    ("mini-pack-scan", 33, "Mini Pack Scan", "parcel"),
    ("mini-pack-sorted", 35, "Mini Pack Sorted", "parcel"),
    ("mini-pack-sorted-tt", 36, "Mini Pack Sorted Track and Trace on receptacle", "parcel"),
    ("mini-pack-unsorted", 37, "Mini Pack Unsorted", "parcel"),
    ("easy-return-plus", 50, "Easy Return+", "parcel"),
]

ALL_SERVICE_TYPES = [code for code, *_ in PARCELS_INTERNATIONAL_SERVICE_TYPES]
MAIL_SERVICE_TYPES = [
    code for code, _n, _l, family in PARCELS_INTERNATIONAL_SERVICE_TYPES if family == "mail"
]
PARCEL_SERVICE_TYPES = [
    code for code, _n, _l, family in PARCELS_INTERNATIONAL_SERVICE_TYPES if family == "parcel"
]

# The matrix of the bpost guide (§ 2.3.5): X = mandatory, O = optional, NA = absent.
# Read only admits every mail and parcel bordereau except EasyReturn 21, MaxReply 23 and
# Easy Return+ 50; eShipper Pro 2 admits parcel bordereaux only; the other two admit all.
PARCELS_INTERNATIONAL_PROFILES = [
    {
        "code": "read-only",
        "name": "Lecture seule",
        "translations": tr("Read only", "Alleen lezen", "Nur Lesen"),
        "description": "Courrier et colis : consultation seule.",
        "rules": {"eshipper-light": MANDATORY, "prices": OPTIONAL},
        "service_types": [
            code
            for code in ALL_SERVICE_TYPES
            if code not in ("easyreturn", "maxreply", "easy-return-plus")
        ],
    },
    {
        "code": "general-access",
        "name": "Accès général",
        "translations": tr("General access", "Algemene toegang", "Allgemeiner Zugang"),
        "description": "Services courrier : lecture et écriture.",
        "rules": {"general": MANDATORY, "prices": OPTIONAL},
        "service_types": ALL_SERVICE_TYPES,
    },
    {
        "code": "eshipper-pro2",
        "name": "Accès à eShipper Pro 2",
        "translations": tr(
            "Access to eShipper Pro 2", "Toegang tot eShipper Pro 2", "Zugang zu eShipper Pro 2"
        ),
        "description": "Services colis : lecture, écriture et chargements automatiques.",
        "rules": {"eshipper-pro2": MANDATORY, "general": MANDATORY, "prices": OPTIONAL},
        "service_types": PARCEL_SERVICE_TYPES,
    },
    {
        "code": "etoe",
        "name": "Post international ETOE",
        "translations": tr(
            "Post international ETOE", "Post international ETOE", "Post international ETOE"
        ),
        "description": "Traitement ETOE, pour les partenaires ETOE.",
        "rules": {
            "eshipper-pro2": OPTIONAL,
            "etoe": MANDATORY,
            "general": MANDATORY,
            "prices": OPTIONAL,
        },
        "service_types": ALL_SERVICE_TYPES,
    },
]

INVOICE_REPORTER_PERMISSIONS = [
    (
        "consult-invoices",
        "Consultation des factures",
        tr("View invoices", "Facturen raadplegen", "Rechnungen einsehen"),
        "Voir les factures des adresses de facturation choisies.",
    ),
]

# --- Colissimo -----------------------------------------------------------------------------

COLISHIP_PERMISSIONS = [
    (
        "franking-interface",
        "Interface d'affranchissement ColiShip",
        tr(
            "ColiShip franking interface",
            "ColiShip-frankeerinterface",
            "ColiShip-Frankieroberfläche",
        ),
        "Affranchir des colis dans ColiShip au nom des comptes qui l'ont accordé.",
    ),
]

COLISSIMO_WS_PERMISSIONS = [
    (
        "ws-franking",
        "WS Affranchissement",
        tr("Franking web service", "Webservice frankering", "Webservice Frankierung"),
        "Affranchir des colis par web service au nom des comptes qui l'ont accordé.",
    ),
    (
        "ws-delivery-point",
        "WS Choix du point de livraison",
        tr(
            "Delivery point choice web service",
            "Webservice keuze afleverpunt",
            "Webservice Wahl des Zustellpunkts",
        ),
        "Proposer des points de livraison aux destinataires par web service.",
    ),
    (
        "ws-tracking",
        "WS Suivi",
        tr("Tracking web service", "Webservice tracking", "Webservice Sendungsverfolgung"),
        "Suivre l'acheminement des colis des comptes par web service.",
    ),
    (
        "ws-eligibility",
        "WS Éligibilité",
        tr("Eligibility web service", "Webservice geschiktheid", "Webservice Berechtigung"),
        "Interroger l'éligibilité aux offres ; une réponse par compte client rattaché.",
    ),
]

_CS_NO = "sans accès au service client"
_CS_YES = "avec accès au service client"
_TRACKING_LEVELS = [
    (
        "user-key",
        "limité à la clé utilisateur",
        (
            "limited to the user key",
            "beperkt tot de gebruikerssleutel",
            "auf den Benutzerschlüssel beschränkt",
        ),
        "Ne montre que les colis portant la clé de l'utilisateur ou affranchis par lui.",
    ),
    (
        "user-tag",
        "limité au tag utilisateur",
        (
            "limited to the user tag",
            "beperkt tot de gebruikerstag",
            "auf den Benutzer-Tag beschränkt",
        ),
        "Ne montre que les colis portant le même tag que l'utilisateur.",
    ),
    (
        "consolidated",
        "consolidé",
        ("consolidated", "geconsolideerd", "konsolidiert"),
        "Montre tous les colis des comptes clients auxquels l'utilisateur est lié.",
    ),
]
_CS_WORDS = {
    False: ("without customer service", "zonder klantendienst", "ohne Kundendienst"),
    True: ("with customer service", "met klantendienst", "mit Kundendienst"),
}


def _tracking_permissions():
    rows = []
    for with_cs in (False, True):
        en_cs, nl_cs, de_cs = _CS_WORDS[with_cs]
        for code, fr_level, (en, nl, de), visibility in _TRACKING_LEVELS:
            suffix = "-cs" if with_cs else ""
            cs_text = (
                "Donne aussi accès au service client pour ces colis."
                if with_cs
                else "Sans accès au service client."
            )
            rows.append(
                (
                    f"tracking-{code}{suffix}",
                    f"Suivi {fr_level} ({_CS_YES if with_cs else _CS_NO})",
                    tr(
                        f"Tracking {en} ({en_cs})",
                        f"Tracking {nl} ({nl_cs})",
                        f"Sendungsverfolgung {de} ({de_cs})",
                    ),
                    f"{visibility} {cs_text}",
                )
            )
    return rows


COLISSIMO_INVOICES_PERMISSIONS = [
    (
        "consult",
        "Consultation des factures",
        tr("View invoices", "Facturen raadplegen", "Rechnungen einsehen"),
        "Rechercher et télécharger les factures des comptes liés.",
    ),
]

COLISSIMO_TARIFFS_PERMISSIONS = [
    (
        "consult",
        "Consultation des conditions tarifaires",
        tr("View pricing terms", "Tariefvoorwaarden raadplegen", "Preiskonditionen einsehen"),
        "Voir les conditions tarifaires des comptes liés.",
    ),
]

# --- DHL -----------------------------------------------------------------------------------

DHL_PERMISSIONS = [
    (
        "ship",
        "Expédier",
        tr("Ship", "Verzenden", "Versenden"),
        "Créer des envois sur le compte dans MyDHL+ ou eMailship.",
    ),
    (
        "sender-check",
        "Vérification expéditeur (API eSecure)",
        tr(
            "Sender check (eSecure API)",
            "Afzendercontrole (eSecure-API)",
            "Absenderprüfung (eSecure-API)",
        ),
        "Droit technique : une application d'expédition interroge eSecure pour savoir si "
        "un expéditeur peut utiliser le compte.",
    ),
]

# --- Swiss Post ----------------------------------------------------------------------------

SWISSPOST_PERMISSIONS = [
    (
        "contract-orders",
        "Commandes de produits contractuels",
        tr(
            "Orders of contract products",
            "Bestellingen van contractproducten",
            "Bestellungen von Vertragsprodukten",
        ),
        "Passer des commandes de produits sous contrat pour les débiteurs choisis.",
    ),
    (
        "consult-invoices",
        "Consultation des factures",
        tr("View invoices", "Facturen raadplegen", "Rechnungen einsehen"),
        "Voir les factures des débiteurs choisis.",
    ),
]

# --- The catalog ---------------------------------------------------------------------------

APPLICATIONS = [
    {
        "code": "emasspost",
        "name": "e-Masspost",
        "translations": tr("e-Masspost", "e-Masspost", "e-Masspost"),
        "carrier": "bpost",
        "description": (
            "Préparation, validation et suivi des dépôts de courrier en nombre. Les droits se "
            "limitent par compte, par adresse de facturation et par produit."
        ),
        "uses_billing_addresses": True,
        "uses_products": True,
        "position": 10,
        "permissions": EMASSPOST_PERMISSIONS,
        "products": EMASSPOST_PRODUCTS,
    },
    {
        "code": "distriplanner",
        "name": "Distriplanner",
        "translations": tr("Distriplanner", "Distriplanner", "Distriplanner"),
        "carrier": "bpost",
        "description": (
            "Planification des distributions d'imprimés non adressés : commandes et simulations "
            "de zones, par adresse de facturation."
        ),
        "uses_billing_addresses": True,
        "position": 20,
        "permissions": DISTRIPLANNER_PERMISSIONS,
    },
    {
        "code": "collect-stamp",
        "name": "Collect & Stamp / UVRD+",
        "translations": tr(
            "Collect & Stamp / UVRD+", "Collect & Stamp / UVRD+", "Collect & Stamp / UVRD+"
        ),
        "carrier": "bpost",
        "description": (
            "Recherche des envois recommandés et des paquets déposés, récépissés de dépôt et "
            "factures, par contrat Collect & Stamp."
        ),
        "position": 30,
        "permissions": COLLECT_STAMP_PERMISSIONS,
    },
    {
        "code": "parcels-national",
        "name": "Parcels National",
        "translations": tr("Parcels National", "Parcels National", "Parcels National"),
        "carrier": "bpost",
        "description": (
            "Envoi et suivi de colis en Belgique avec e-Shipper, e-Tracker et Shipping Manager, "
            "par contrat."
        ),
        "position": 40,
        "permissions": PARCELS_NATIONAL_PERMISSIONS,
    },
    {
        "code": "parcels-international",
        "name": "Parcels International",
        "translations": tr(
            "Parcels International", "Parcels International", "Parcels International"
        ),
        "carrier": "bpost",
        "description": (
            "Dépôts de courrier et de colis vers l'étranger avec eShipper. Chaque attribution "
            "doit correspondre à un profil d'accès et se limite par contrat et par type de "
            "bordereau."
        ),
        "uses_service_types": True,
        "uses_profiles": True,
        "position": 50,
        "permissions": PARCELS_INTERNATIONAL_PERMISSIONS,
        "service_types": PARCELS_INTERNATIONAL_SERVICE_TYPES,
        "profiles": PARCELS_INTERNATIONAL_PROFILES,
    },
    {
        "code": "invoice-reporter",
        "name": "Invoice Reporter",
        "translations": tr("Invoice Reporter", "Invoice Reporter", "Invoice Reporter"),
        "carrier": "bpost",
        "description": "Consultation des factures, limitée aux adresses de facturation choisies.",
        "uses_billing_addresses": True,
        "position": 60,
        "permissions": INVOICE_REPORTER_PERMISSIONS,
    },
    {
        "code": "coliship",
        "name": "ColiShip",
        "translations": tr("ColiShip", "ColiShip", "ColiShip"),
        "carrier": "Colissimo",
        "description": "Interface web d'affranchissement des colis, pour un ou plusieurs comptes.",
        "position": 110,
        "permissions": COLISHIP_PERMISSIONS,
    },
    {
        "code": "colissimo-web-services",
        "name": "Web services Colissimo",
        "translations": tr(
            "Colissimo web services", "Colissimo-webservices", "Colissimo-Webservices"
        ),
        "carrier": "Colissimo",
        "description": (
            "Accès programmé : affranchissement, choix du point de livraison, suivi et "
            "éligibilité aux offres, au nom des comptes qui l'ont accordé."
        ),
        "position": 120,
        "permissions": COLISSIMO_WS_PERMISSIONS,
    },
    {
        "code": "colissimo-tracking",
        "name": "Outil de suivi colis",
        "translations": tr(
            "Parcel tracking tool", "Tool voor pakkettracking", "Sendungsverfolgung"
        ),
        "carrier": "Colissimo",
        "description": (
            "Suivi des colis sur un ou plusieurs comptes. Trois niveaux de visibilité (clé "
            "utilisateur, tag utilisateur, consolidé), chacun avec ou sans accès au service client."
        ),
        "position": 130,
        "permissions": _tracking_permissions(),
    },
    {
        "code": "colissimo-invoices",
        "name": "Factures",
        "translations": tr("Invoices", "Facturen", "Rechnungen"),
        "carrier": "Colissimo",
        "description": "Factures en ligne des comptes liés, à consulter et télécharger en PDF.",
        "position": 140,
        "permissions": COLISSIMO_INVOICES_PERMISSIONS,
    },
    {
        "code": "colissimo-tariffs",
        "name": "Conditions tarifaires",
        "translations": tr("Pricing terms", "Tariefvoorwaarden", "Preiskonditionen"),
        "carrier": "Colissimo",
        "description": "Conditions tarifaires en vigueur sur les comptes liés.",
        "position": 150,
        "permissions": COLISSIMO_TARIFFS_PERMISSIONS,
    },
    {
        "code": "dhl-shipping",
        "name": "Expédition DHL (MyDHL+ / eMailship)",
        "translations": tr(
            "DHL shipping (MyDHL+ / eMailship)",
            "DHL-verzending (MyDHL+ / eMailship)",
            "DHL-Versand (MyDHL+ / eMailship)",
        ),
        "carrier": "DHL",
        "description": (
            "Création d'envois express sur un compte DHL. Un compte protégé par eSecure "
            "n'accepte que les expéditeurs approuvés par ses administrateurs."
        ),
        "position": 210,
        "permissions": DHL_PERMISSIONS,
    },
    {
        "code": "swisspost-online-services",
        "name": "Centre clientèle – services en ligne",
        "translations": tr(
            "Customer centre – online services",
            "Klantencentrum – onlinediensten",
            "Kundencenter – Online-Dienste",
        ),
        "carrier": "Swiss Post",
        "description": (
            "Services en ligne du Centre clientèle : commandes de produits contractuels et "
            "factures, limités par débiteur."
        ),
        "position": 310,
        "permissions": SWISSPOST_PERMISSIONS,
    },
]

APPLICATION_FLAGS = (
    "uses_billing_addresses",
    "uses_products",
    "uses_service_types",
    "uses_profiles",
)


def _service_type_translations(number, name):
    return tr(
        f"{name} (form {number})",
        f"{name} (borderel {number})",
        f"{name} (Einlieferungsschein {number})",
    )


def load_catalog(apps, schema_editor):
    Application = apps.get_model("accounts", "Application")
    Permission = apps.get_model("accounts", "Permission")
    Product = apps.get_model("accounts", "Product")
    ServiceType = apps.get_model("accounts", "ServiceType")
    AccessProfile = apps.get_model("accounts", "AccessProfile")
    ProfilePermission = apps.get_model("accounts", "ProfilePermission")

    for spec in APPLICATIONS:
        application, _ = Application.objects.update_or_create(
            code=spec["code"],
            defaults={
                "name": spec["name"],
                "translations": spec["translations"],
                "carrier": spec["carrier"],
                "description": spec["description"],
                "uses_accounts": True,
                "position": spec["position"],
                "is_active": True,
                **{flag: spec.get(flag, False) for flag in APPLICATION_FLAGS},
            },
        )
        permissions = {}
        for position, (code, name, translations, description) in enumerate(
            spec["permissions"], start=1
        ):
            permissions[code], _ = Permission.objects.update_or_create(
                application=application,
                code=code,
                defaults={
                    "name": name,
                    "translations": translations,
                    "description": description,
                    "position": position * 10,
                    "is_active": True,
                },
            )
        for position, (code, name, translations) in enumerate(spec.get("products", []), start=1):
            Product.objects.update_or_create(
                application=application,
                code=code,
                defaults={"name": name, "translations": translations, "position": position * 10},
            )
        service_types = {}
        for position, (code, number, label, family) in enumerate(
            spec.get("service_types", []), start=1
        ):
            service_types[code], _ = ServiceType.objects.update_or_create(
                application=application,
                code=code,
                defaults={
                    "name": f"{label} (bordereau {number})",
                    "translations": _service_type_translations(number, label),
                    "number": number,
                    "family": family,
                    "position": position * 10,
                },
            )
        for position, profile_spec in enumerate(spec.get("profiles", []), start=1):
            profile, _ = AccessProfile.objects.update_or_create(
                application=application,
                code=profile_spec["code"],
                defaults={
                    "name": profile_spec["name"],
                    "translations": profile_spec["translations"],
                    "description": profile_spec["description"],
                    "position": position * 10,
                },
            )
            ProfilePermission.objects.filter(profile=profile).delete()
            ProfilePermission.objects.bulk_create(
                ProfilePermission(
                    profile=profile, permission=permissions[code], requirement=requirement
                )
                for code, requirement in profile_spec["rules"].items()
            )
            profile.service_types.set(
                [service_types[code] for code in profile_spec["service_types"]]
            )


def unload_catalog(apps, schema_editor):
    Application = apps.get_model("accounts", "Application")
    Permission = apps.get_model("accounts", "Permission")
    Product = apps.get_model("accounts", "Product")
    ServiceType = apps.get_model("accounts", "ServiceType")
    AccessProfile = apps.get_model("accounts", "AccessProfile")
    ProfilePermission = apps.get_model("accounts", "ProfilePermission")

    for spec in APPLICATIONS:
        application = Application.objects.filter(code=spec["code"]).first()
        if application is None:
            continue
        profile_codes = [profile["code"] for profile in spec.get("profiles", [])]
        profiles = AccessProfile.objects.filter(application=application, code__in=profile_codes)
        ProfilePermission.objects.filter(profile__in=profiles).delete()
        for profile in profiles:
            profile.service_types.clear()
        profiles.delete()
        ServiceType.objects.filter(
            application=application,
            code__in=[code for code, *_ in spec.get("service_types", [])],
        ).delete()
        Product.objects.filter(
            application=application, code__in=[code for code, *_ in spec.get("products", [])]
        ).delete()
        Permission.objects.filter(
            application=application, code__in=[code for code, *_ in spec["permissions"]]
        ).delete()
        leftovers = (
            application.permissions.exists()
            or application.products.exists()
            or application.service_types.exists()
            or application.profiles.exists()
        )
        if not leftovers:
            application.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial_schema"),
    ]

    operations = [
        migrations.RunPython(load_catalog, unload_catalog),
    ]
