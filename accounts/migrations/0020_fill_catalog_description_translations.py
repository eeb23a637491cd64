"""English, Dutch and German descriptions for the catalog entries that 0002 loaded.

Data only, inline. The French description stays as it is; its translations are filled only while
it is still the text 0002 wrote (a description support staff rewrote since would otherwise carry
translations of another text), and a translation already entered is kept.
"""

from django.db import migrations


def tr(fr, en, nl, de):
    return {"fr": fr, "en": en, "nl": nl, "de": de}


APPLICATIONS = {
    "emasspost": tr(
        "Préparation, validation et suivi des dépôts de courrier en nombre. Les droits se "
        "limitent par compte, par adresse de facturation et par produit.",
        "Preparing, validating and following up bulk mail deposits. Rights are limited by "
        "account, billing address and product.",
        "Voorbereiden, valideren en opvolgen van afgiftes van massapost. De rechten worden "
        "beperkt per account, per factuuradres en per product.",
        "Vorbereitung, Validierung und Verfolgung von Masseneinlieferungen. Die Rechte werden "
        "nach Konto, Rechnungsadresse und Produkt eingeschränkt.",
    ),
    "distriplanner": tr(
        "Planification des distributions d'imprimés non adressés : commandes et simulations "
        "de zones, par adresse de facturation.",
        "Planning the distribution of unaddressed printed matter: orders and area simulations, "
        "by billing address.",
        "Planning van de verspreiding van niet-geadresseerd drukwerk: bestellingen en "
        "simulaties van zones, per factuuradres.",
        "Planung der Verteilung unadressierter Drucksachen: Aufträge und Gebietssimulationen, "
        "je Rechnungsadresse.",
    ),
    "collect-stamp": tr(
        "Recherche des envois recommandés et des paquets déposés, récépissés de dépôt et "
        "factures, par contrat Collect & Stamp.",
        "Searching the registered items and parcels handed in, deposit receipts and invoices, "
        "by Collect & Stamp contract.",
        "Opzoeken van afgegeven aangetekende zendingen en pakjes, afgiftebewijzen en facturen, "
        "per Collect & Stamp-contract.",
        "Suche nach eingelieferten Einschreiben und Paketen, Einlieferungsbelegen und "
        "Rechnungen, je Collect & Stamp-Vertrag.",
    ),
    "parcels-national": tr(
        "Envoi et suivi de colis en Belgique avec e-Shipper, e-Tracker et Shipping Manager, "
        "par contrat.",
        "Sending and tracking parcels within Belgium with e-Shipper, e-Tracker and Shipping "
        "Manager, by contract.",
        "Verzenden en opvolgen van pakjes in België met e-Shipper, e-Tracker en Shipping "
        "Manager, per contract.",
        "Versand und Verfolgung von Paketen innerhalb Belgiens mit e-Shipper, e-Tracker und "
        "Shipping Manager, je Vertrag.",
    ),
    "parcels-international": tr(
        "Dépôts de courrier et de colis vers l'étranger avec eShipper. Chaque attribution "
        "doit correspondre à un profil d'accès et se limite par contrat et par type de "
        "bordereau.",
        "Mail and parcel deposits for abroad with eShipper. Each grant must match an access "
        "profile and is limited by contract and by service type.",
        "Afgiftes van brieven en pakjes naar het buitenland met eShipper. Elke toekenning moet "
        "overeenkomen met een toegangsprofiel en wordt beperkt per contract en per diensttype.",
        "Einlieferungen von Briefen und Paketen ins Ausland mit eShipper. Jede Zuweisung muss "
        "einem Zugriffsprofil entsprechen und wird nach Vertrag und Leistungsart eingeschränkt.",
    ),
    "invoice-reporter": tr(
        "Consultation des factures, limitée aux adresses de facturation choisies.",
        "Viewing invoices, limited to the chosen billing addresses.",
        "Facturen raadplegen, beperkt tot de gekozen factuuradressen.",
        "Einsicht in Rechnungen, beschränkt auf die gewählten Rechnungsadressen.",
    ),
    "coliship": tr(
        "Interface web d'affranchissement des colis, pour un ou plusieurs comptes.",
        "Web interface for franking parcels, for one or several accounts.",
        "Webinterface om pakketten te frankeren, voor een of meer accounts.",
        "Weboberfläche zum Frankieren von Paketen, für ein oder mehrere Konten.",
    ),
    "colissimo-web-services": tr(
        "Accès programmé : affranchissement, choix du point de livraison, suivi et "
        "éligibilité aux offres, au nom des comptes qui l'ont accordé.",
        "Programmatic access: franking, choice of delivery point, tracking and eligibility for "
        "offers, on behalf of the accounts that granted it.",
        "Geprogrammeerde toegang: frankering, keuze van het afleverpunt, tracking en "
        "geschiktheid voor aanbiedingen, namens de accounts die hem hebben toegekend.",
        "Programmierter Zugriff: Frankierung, Wahl des Zustellpunkts, Sendungsverfolgung und "
        "Angebotsberechtigung, im Namen der Konten, die ihn gewährt haben.",
    ),
    "colissimo-tracking": tr(
        "Suivi des colis sur un ou plusieurs comptes. Trois niveaux de visibilité (clé "
        "utilisateur, tag utilisateur, consolidé), chacun avec ou sans accès au service client.",
        "Tracking parcels on one or several accounts. Three levels of visibility (user key, "
        "user tag, consolidated), each with or without access to customer service.",
        "Pakketten opvolgen op een of meer accounts. Drie zichtbaarheidsniveaus "
        "(gebruikerssleutel, gebruikerstag, geconsolideerd), elk met of zonder toegang tot de "
        "klantendienst.",
        "Sendungsverfolgung auf einem oder mehreren Konten. Drei Sichtbarkeitsstufen "
        "(Benutzerschlüssel, Benutzer-Tag, konsolidiert), jeweils mit oder ohne Zugang zum "
        "Kundendienst.",
    ),
    "colissimo-invoices": tr(
        "Factures en ligne des comptes liés, à consulter et télécharger en PDF.",
        "Online invoices of the linked accounts, to view and download as PDF.",
        "Online facturen van de gekoppelde accounts, te raadplegen en als pdf te downloaden.",
        "Online-Rechnungen der verknüpften Konten, zum Ansehen und Herunterladen als PDF.",
    ),
    "colissimo-tariffs": tr(
        "Conditions tarifaires en vigueur sur les comptes liés.",
        "Pricing terms in force on the linked accounts.",
        "Tariefvoorwaarden die gelden voor de gekoppelde accounts.",
        "Die für die verknüpften Konten geltenden Preiskonditionen.",
    ),
    "dhl-shipping": tr(
        "Création d'envois express sur un compte DHL. Un compte protégé par eSecure "
        "n'accepte que les expéditeurs approuvés par ses administrateurs.",
        "Creating express shipments on a DHL account. An account protected by eSecure only "
        "accepts the senders its administrators approved.",
        "Expreszendingen aanmaken op een DHL-account. Een account dat door eSecure beschermd "
        "is, aanvaardt alleen afzenders die de beheerders ervan hebben goedgekeurd.",
        "Erstellung von Expresssendungen auf einem DHL-Konto. Ein durch eSecure geschütztes "
        "Konto akzeptiert nur Absender, die seine Administratoren genehmigt haben.",
    ),
    "swisspost-online-services": tr(
        "Services en ligne du Centre clientèle : commandes de produits contractuels et "
        "factures, limités par débiteur.",
        "Online services of the Customer Centre: orders of contract products and invoices, "
        "limited by debtor.",
        "Onlinediensten van het Klantencentrum: bestellingen van contractproducten en "
        "facturen, beperkt per debiteur.",
        "Online-Dienste des Kundencenters: Bestellungen von Vertragsprodukten und Rechnungen, "
        "nach Debitor eingeschränkt.",
    ),
}

PERMISSIONS = {
    # --- bpost e-Masspost
    ("emasspost", "admin-role"): tr(
        "Gérer les utilisateurs et les routeurs e-Masspost ainsi que leurs droits.",
        "Manage the e-Masspost users and routers and their rights.",
        "De gebruikers en routers van e-Masspost en hun rechten beheren.",
        "Die Benutzer und Router von e-Masspost und ihre Rechte verwalten.",
    ),
    ("emasspost", "price-visibility"): tr(
        "Voir le prix calculé d'un dépôt.",
        "See the calculated price of a deposit.",
        "De berekende prijs van een afgifte bekijken.",
        "Den berechneten Preis einer Einlieferung sehen.",
    ),
    ("emasspost", "create"): tr(
        "Préparer et enregistrer un nouveau dépôt.",
        "Prepare and save a new deposit.",
        "Een nieuwe afgifte voorbereiden en opslaan.",
        "Eine neue Einlieferung vorbereiten und speichern.",
    ),
    ("emasspost", "validate-price"): tr(
        "Confirmer un dépôt pour qu'il soit pris en charge, avec son prix.",
        "Confirm a deposit, with its price, so that it is taken in charge.",
        "Een afgifte bevestigen, met haar prijs, zodat ze in behandeling wordt genomen.",
        "Eine Einlieferung mit ihrem Preis bestätigen, damit sie übernommen wird.",
    ),
    ("emasspost", "global-view"): tr(
        "Suivre tous les dépôts des produits et adresses autorisés, avec leurs prix, "
        "y compris ceux créés par d'autres.",
        "Follow every deposit of the allowed products and addresses, with their prices, "
        "including those created by others.",
        "Alle afgiftes van de toegestane producten en adressen opvolgen, met hun prijzen, "
        "ook die welke anderen hebben aangemaakt.",
        "Alle Einlieferungen der erlaubten Produkte und Adressen mit ihren Preisen verfolgen, "
        "auch die von anderen erstellten.",
    ),
    ("emasspost", "deposit-declaration"): tr(
        "Consulter les déclarations des dépôts que l'on a créés soi-même.",
        "View the declarations of the deposits you created yourself.",
        "De afgiftebewijzen raadplegen van de afgiftes die u zelf hebt aangemaakt.",
        "Die Einlieferungserklärungen der selbst erstellten Einlieferungen einsehen.",
    ),
    ("emasspost", "mailing-list-create"): tr(
        "Charger un fichier Mail ID pour un dépôt.",
        "Upload a Mail ID file for a deposit.",
        "Een Mail ID-bestand opladen voor een afgifte.",
        "Eine Mail-ID-Datei für eine Einlieferung hochladen.",
    ),
    ("emasspost", "mailing-list-delete"): tr(
        "Retirer un fichier Mail ID chargé auparavant.",
        "Remove a Mail ID file uploaded earlier.",
        "Een eerder opgeladen Mail ID-bestand verwijderen.",
        "Eine zuvor hochgeladene Mail-ID-Datei entfernen.",
    ),
    ("emasspost", "deposit-summary"): tr(
        "Voir la composition des dépôts que l'on a créés soi-même.",
        "See the make-up of the deposits you created yourself.",
        "De samenstelling bekijken van de afgiftes die u zelf hebt aangemaakt.",
        "Die Zusammensetzung der selbst erstellten Einlieferungen sehen.",
    ),
    ("emasspost", "mailing-list-check"): tr(
        "Contrôler la qualité des adresses d'un fichier Mail ID avant le dépôt.",
        "Check the quality of the addresses in a Mail ID file before the deposit.",
        "De kwaliteit van de adressen in een Mail ID-bestand controleren vóór de afgifte.",
        "Die Qualität der Adressen einer Mail-ID-Datei vor der Einlieferung prüfen.",
    ),
    ("emasspost", "address-file-tool"): tr(
        "Préparer et nettoyer un fichier d'adresses avec l'outil en ligne.",
        "Prepare and clean an address file with the online tool.",
        "Een adressenbestand voorbereiden en opschonen met de onlinetool.",
        "Eine Adressdatei mit dem Online-Werkzeug vorbereiten und bereinigen.",
    ),
    ("emasspost", "contracts-prices"): tr(
        "Consulter les contrats du client et les prix qui s'y appliquent.",
        "View the customer's contracts and the prices that apply to them.",
        "De contracten van de klant en de prijzen die erop van toepassing zijn raadplegen.",
        "Die Verträge des Kunden und die dafür geltenden Preise einsehen.",
    ),
    ("emasspost", "yearly-plan"): tr(
        "Consulter et tenir à jour la prévision annuelle des volumes déposés.",
        "View and keep up to date the yearly forecast of the volumes deposited.",
        "De jaarlijkse prognose van de afgegeven volumes raadplegen en bijwerken.",
        "Die jährliche Prognose der eingelieferten Mengen einsehen und aktuell halten.",
    ),
    ("emasspost", "senders-management"): tr(
        "Identifier les expéditeurs pour qui l'on dépose ; réservé aux routeurs conventionnés.",
        "Identify the senders you deposit for; for routers under agreement only.",
        "De afzenders identificeren voor wie u afgeeft; alleen voor routers met een "
        "overeenkomst.",
        "Die Absender angeben, für die man einliefert; nur für Router mit Vertrag.",
    ),
    # --- bpost Distriplanner
    ("distriplanner", "order-entry"): tr(
        "Créer et gérer des commandes de distribution.",
        "Create and manage distribution orders.",
        "Verspreidingsorders aanmaken en beheren.",
        "Verteilaufträge erstellen und verwalten.",
    ),
    ("distriplanner", "quick-view"): tr(
        "Simuler des zones de distribution et consulter les commandes en cours.",
        "Simulate distribution areas and view the orders in progress.",
        "Verspreidingszones simuleren en de lopende orders raadplegen.",
        "Verteilgebiete simulieren und die laufenden Aufträge einsehen.",
    ),
    # --- bpost Collect & Stamp
    ("collect-stamp", "registered-advanced-search"): tr(
        "Rechercher des envois recommandés sur plusieurs critères.",
        "Search registered items on several criteria.",
        "Aangetekende zendingen zoeken op meerdere criteria.",
        "Einschreiben nach mehreren Kriterien suchen.",
    ),
    ("collect-stamp", "parcel-advanced-search"): tr(
        "Rechercher des paquets sur plusieurs critères.",
        "Search parcels on several criteria.",
        "Pakjes zoeken op meerdere criteria.",
        "Pakete nach mehreren Kriterien suchen.",
    ),
    ("collect-stamp", "registered-barcode-search"): tr(
        "Retrouver un envoi recommandé à partir de son code-barres.",
        "Find a registered item from its barcode.",
        "Een aangetekende zending terugvinden aan de hand van haar barcode.",
        "Ein Einschreiben anhand seines Barcodes finden.",
    ),
    ("collect-stamp", "parcel-barcode-search"): tr(
        "Retrouver un paquet à partir de son code-barres.",
        "Find a parcel from its barcode.",
        "Een pakje terugvinden aan de hand van zijn barcode.",
        "Ein Paket anhand seines Barcodes finden.",
    ),
    ("collect-stamp", "deposit-receipt-order"): tr(
        "Commander l'impression (payante) des récépissés électroniques de dépôt.",
        "Order the (paid) printing of the electronic deposit receipts.",
        "Het (betalende) afdrukken van de elektronische afgiftebewijzen bestellen.",
        "Den (kostenpflichtigen) Druck der elektronischen Einlieferungsbelege bestellen.",
    ),
    ("collect-stamp", "invoice-search"): tr(
        "Retrouver les factures liées au contrat.",
        "Find the invoices linked to the contract.",
        "De facturen terugvinden die bij het contract horen.",
        "Die zum Vertrag gehörenden Rechnungen finden.",
    ),
    # --- bpost Parcels National
    ("parcels-national", "user"): tr(
        "Utiliser e-Shipper, e-Tracker et Shipping Manager pour les contrats choisis.",
        "Use e-Shipper, e-Tracker and Shipping Manager for the chosen contracts.",
        "e-Shipper, e-Tracker en Shipping Manager gebruiken voor de gekozen contracten.",
        "e-Shipper, e-Tracker und Shipping Manager für die gewählten Verträge nutzen.",
    ),
    # --- bpost Parcels International
    ("parcels-international", "customs"): tr(
        "Sans usage à ce jour : admis dans aucun profil.",
        "Not in use at present: allowed in no profile.",
        "Momenteel niet in gebruik: in geen enkel profiel toegestaan.",
        "Derzeit ohne Verwendung: in keinem Profil zugelassen.",
    ),
    ("parcels-international", "eshipper-light"): tr(
        "Consultation seule des envois courrier et colis.",
        "View-only access to mail and parcel shipments.",
        "Brief- en pakketzendingen alleen raadplegen.",
        "Brief- und Paketsendungen nur einsehen.",
    ),
    ("parcels-international", "eshipper-pro2"): tr(
        "Créer des dépôts de colis dans eShipper Pro, y compris par chargement automatique.",
        "Create parcel deposits in eShipper Pro, automatic uploads included.",
        "Pakketafgiftes aanmaken in eShipper Pro, ook via automatisch opladen.",
        "Paketeinlieferungen in eShipper Pro erstellen, auch per automatischem Hochladen.",
    ),
    ("parcels-international", "eshipper-pro"): tr(
        "Sans usage à ce jour : admis dans aucun profil.",
        "Not in use at present: allowed in no profile.",
        "Momenteel niet in gebruik: in geen enkel profiel toegestaan.",
        "Derzeit ohne Verwendung: in keinem Profil zugelassen.",
    ),
    ("parcels-international", "etoe"): tr(
        "Prise en charge des envois, réservée aux partenaires ETOE.",
        "Handling of shipments, for ETOE partners only.",
        "Verwerking van zendingen, alleen voor ETOE-partners.",
        "Bearbeitung von Sendungen, nur für ETOE-Partner.",
    ),
    ("parcels-international", "general"): tr(
        "Créer des dépôts courrier et colis.",
        "Create mail and parcel deposits.",
        "Brief- en pakketafgiftes aanmaken.",
        "Brief- und Paketeinlieferungen erstellen.",
    ),
    ("parcels-international", "prices"): tr(
        "Rendre visibles les prix et les factures.",
        "Show prices and invoices.",
        "Prijzen en facturen zichtbaar maken.",
        "Preise und Rechnungen anzeigen.",
    ),
    # --- bpost Invoice Reporter
    ("invoice-reporter", "consult-invoices"): tr(
        "Voir les factures des adresses de facturation choisies.",
        "See the invoices of the chosen billing addresses.",
        "De facturen van de gekozen factuuradressen bekijken.",
        "Die Rechnungen der gewählten Rechnungsadressen sehen.",
    ),
    # --- Colissimo
    ("coliship", "franking-interface"): tr(
        "Affranchir des colis dans ColiShip au nom des comptes qui l'ont accordé.",
        "Frank parcels in ColiShip on behalf of the accounts that granted it.",
        "Pakketten frankeren in ColiShip namens de accounts die dit hebben toegekend.",
        "Pakete in ColiShip im Namen der Konten frankieren, die dies gewährt haben.",
    ),
    ("colissimo-web-services", "ws-franking"): tr(
        "Affranchir des colis par web service au nom des comptes qui l'ont accordé.",
        "Frank parcels through the web service on behalf of the accounts that granted it.",
        "Pakketten frankeren via webservice namens de accounts die dit hebben toegekend.",
        "Pakete per Webservice im Namen der Konten frankieren, die dies gewährt haben.",
    ),
    ("colissimo-web-services", "ws-delivery-point"): tr(
        "Proposer des points de livraison aux destinataires par web service.",
        "Offer delivery points to recipients through the web service.",
        "Afleverpunten voorstellen aan geadresseerden via webservice.",
        "Empfängern per Webservice Zustellpunkte anbieten.",
    ),
    ("colissimo-web-services", "ws-tracking"): tr(
        "Suivre l'acheminement des colis des comptes par web service.",
        "Track the accounts' parcels on their way through the web service.",
        "Het vervoer van de pakketten van de accounts opvolgen via webservice.",
        "Den Weg der Pakete der Konten per Webservice verfolgen.",
    ),
    ("colissimo-web-services", "ws-eligibility"): tr(
        "Interroger l'éligibilité aux offres ; une réponse par compte client rattaché.",
        "Query eligibility for offers; one answer per linked customer account.",
        "De geschiktheid voor aanbiedingen opvragen; één antwoord per gekoppeld klantaccount.",
        "Die Angebotsberechtigung abfragen; eine Antwort je verknüpftem Kundenkonto.",
    ),
    ("colissimo-invoices", "consult"): tr(
        "Rechercher et télécharger les factures des comptes liés.",
        "Search and download the invoices of the linked accounts.",
        "De facturen van de gekoppelde accounts zoeken en downloaden.",
        "Die Rechnungen der verknüpften Konten suchen und herunterladen.",
    ),
    ("colissimo-tariffs", "consult"): tr(
        "Voir les conditions tarifaires des comptes liés.",
        "See the pricing terms of the linked accounts.",
        "De tariefvoorwaarden van de gekoppelde accounts bekijken.",
        "Die Preiskonditionen der verknüpften Konten sehen.",
    ),
    # --- DHL
    ("dhl-shipping", "ship"): tr(
        "Créer des envois sur le compte dans MyDHL+ ou eMailship.",
        "Create shipments on the account in MyDHL+ or eMailship.",
        "Zendingen aanmaken op het account in MyDHL+ of eMailship.",
        "Sendungen auf dem Konto in MyDHL+ oder eMailship erstellen.",
    ),
    ("dhl-shipping", "sender-check"): tr(
        "Droit technique : une application d'expédition interroge eSecure pour savoir si "
        "un expéditeur peut utiliser le compte.",
        "Technical right: a shipping application asks eSecure whether a sender may use the "
        "account.",
        "Technisch recht: een verzendtoepassing vraagt eSecure of een afzender het account "
        "mag gebruiken.",
        "Technisches Recht: Eine Versandanwendung fragt eSecure, ob ein Absender das Konto "
        "nutzen darf.",
    ),
    # --- Swiss Post
    ("swisspost-online-services", "contract-orders"): tr(
        "Passer des commandes de produits sous contrat pour les débiteurs choisis.",
        "Place orders of contract products for the chosen debtors.",
        "Contractproducten bestellen voor de gekozen debiteuren.",
        "Vertragsprodukte für die gewählten Debitoren bestellen.",
    ),
    ("swisspost-online-services", "consult-invoices"): tr(
        "Voir les factures des débiteurs choisis.",
        "See the invoices of the chosen debtors.",
        "De facturen van de gekozen debiteuren bekijken.",
        "Die Rechnungen der gewählten Debitoren sehen.",
    ),
}

# Colissimo tracking: a visibility sentence, then whether customer service comes with it.
_TRACKING_VISIBILITY = {
    "user-key": tr(
        "Ne montre que les colis portant la clé de l'utilisateur ou affranchis par lui.",
        "Shows only the parcels carrying the user's key or franked by the user.",
        "Toont alleen de pakketten met de sleutel van de gebruiker of door hem gefrankeerd.",
        "Zeigt nur die Pakete mit dem Schlüssel des Benutzers oder von ihm frankierte.",
    ),
    "user-tag": tr(
        "Ne montre que les colis portant le même tag que l'utilisateur.",
        "Shows only the parcels carrying the same tag as the user.",
        "Toont alleen de pakketten met dezelfde tag als de gebruiker.",
        "Zeigt nur die Pakete mit demselben Tag wie der Benutzer.",
    ),
    "consolidated": tr(
        "Montre tous les colis des comptes clients auxquels l'utilisateur est lié.",
        "Shows every parcel of the customer accounts the user is linked to.",
        "Toont alle pakketten van de klantaccounts waaraan de gebruiker gekoppeld is.",
        "Zeigt alle Pakete der Kundenkonten, mit denen der Benutzer verknüpft ist.",
    ),
}
_TRACKING_CS = {
    "": tr(
        "Sans accès au service client.",
        "Without access to customer service.",
        "Zonder toegang tot de klantendienst.",
        "Ohne Zugang zum Kundendienst.",
    ),
    "-cs": tr(
        "Donne aussi accès au service client pour ces colis.",
        "Also gives access to customer service for these parcels.",
        "Geeft ook toegang tot de klantendienst voor deze pakketten.",
        "Gibt für diese Pakete auch Zugang zum Kundendienst.",
    ),
}
for _level, _visibility in _TRACKING_VISIBILITY.items():
    for _suffix, _cs in _TRACKING_CS.items():
        PERMISSIONS[("colissimo-tracking", f"tracking-{_level}{_suffix}")] = {
            lang: f"{_visibility[lang]} {_cs[lang]}" for lang in ("fr", "en", "nl", "de")
        }

PROFILES = {
    ("parcels-international", "read-only"): tr(
        "Courrier et colis : consultation seule.",
        "Mail and parcels: view only.",
        "Brieven en pakketten: alleen raadplegen.",
        "Briefe und Pakete: nur Einsicht.",
    ),
    ("parcels-international", "general-access"): tr(
        "Services courrier : lecture et écriture.",
        "Mail services: read and write.",
        "Briefdiensten: lezen en schrijven.",
        "Briefdienste: Lesen und Schreiben.",
    ),
    ("parcels-international", "eshipper-pro2"): tr(
        "Services colis : lecture, écriture et chargements automatiques.",
        "Parcel services: read, write and automatic uploads.",
        "Pakketdiensten: lezen, schrijven en automatisch opladen.",
        "Paketdienste: Lesen, Schreiben und automatisches Hochladen.",
    ),
    ("parcels-international", "etoe"): tr(
        "Traitement ETOE, pour les partenaires ETOE.",
        "ETOE handling, for ETOE partners.",
        "ETOE-verwerking, voor ETOE-partners.",
        "ETOE-Bearbeitung, für ETOE-Partner.",
    ),
}


def _fill(row, texts) -> bool:
    """Adds the missing translations of a description still as 0002 wrote it."""
    if row.description != texts["fr"]:
        return False
    filled = {lang: texts[lang] for lang in ("en", "nl", "de")}
    row.description_translations = {**filled, **(row.description_translations or {})}
    row.save(update_fields=["description_translations"])
    return True


def fill_description_translations(apps, schema_editor):
    Application = apps.get_model("accounts", "Application")
    Permission = apps.get_model("accounts", "Permission")
    AccessProfile = apps.get_model("accounts", "AccessProfile")
    for application in Application.objects.filter(code__in=APPLICATIONS):
        _fill(application, APPLICATIONS[application.code])
    for model, table in ((Permission, PERMISSIONS), (AccessProfile, PROFILES)):
        for row in model.objects.select_related("application"):
            texts = table.get((row.application.code, row.code))
            if texts is not None:
                _fill(row, texts)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0019_catalog_description_translations"),
    ]

    operations = [
        migrations.RunPython(fill_description_translations, migrations.RunPython.noop),
    ]
