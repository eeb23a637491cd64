"""The application catalog loaded by migration 0002 holds what the carrier guides name."""

import pytest
from django.utils import translation

from accounts.models import AccessProfile, Application, Requirement, ServiceType

pytestmark = pytest.mark.django_db

PARCELS_INTERNATIONAL = "parcels-international"


def _rules(profile_code: str) -> dict[str, str]:
    profile = AccessProfile.objects.get(application__code=PARCELS_INTERNATIONAL, code=profile_code)
    return {rule.permission.code: rule.requirement for rule in profile.rules.all()}


def _admits(profile_code: str, number: int) -> bool:
    return ServiceType.objects.filter(
        application__code=PARCELS_INTERNATIONAL,
        number=number,
        profiles__code=profile_code,
    ).exists()


@pytest.mark.parametrize(
    ("code", "carrier", "permission_count"),
    [
        ("emasspost", "bpost", 14),
        ("distriplanner", "bpost", 2),
        ("collect-stamp", "bpost", 6),
        ("parcels-national", "bpost", 1),
        ("parcels-international", "bpost", 7),
        ("invoice-reporter", "bpost", 1),
        ("coliship", "Colissimo", 1),
        ("colissimo-web-services", "Colissimo", 4),
        ("colissimo-tracking", "Colissimo", 6),
        ("colissimo-invoices", "Colissimo", 1),
        ("colissimo-tariffs", "Colissimo", 1),
        ("dhl-shipping", "DHL", 2),
        ("swisspost-online-services", "Swiss Post", 2),
    ],
)
def test_catalog_holds_guide_application_with_its_permissions(code, carrier, permission_count):
    application = Application.objects.get(code=code)
    assert application.carrier == carrier
    assert application.is_active
    assert application.permissions.filter(is_active=True).count() == permission_count


def test_catalog_emasspost_scoped_by_billing_addresses_and_23_products():
    emasspost = Application.objects.get(code="emasspost")
    assert emasspost.uses_accounts
    assert emasspost.uses_billing_addresses
    assert emasspost.uses_products
    assert emasspost.products.count() == 23
    assert {"lettre", "recommande-prior", "kilopost", "non-prior"} <= set(
        emasspost.products.values_list("code", flat=True)
    )


def test_catalog_parcels_international_has_every_bordereau_with_its_family():
    application = Application.objects.get(code=PARCELS_INTERNATIONAL)
    assert application.uses_service_types
    assert application.uses_profiles
    families = dict(application.service_types.values_list("number", "family"))
    assert sorted(families) == [10, 12, 13, 14, 16, 17, 20, 21, 23, 31, 33, 35, 36, 37, 50]
    assert families[10] == "mail"
    assert families[23] == "mail"
    assert families[21] == "parcel"
    assert families[50] == "parcel"


def test_catalog_parcels_international_has_four_profiles():
    codes = AccessProfile.objects.filter(application__code=PARCELS_INTERNATIONAL).values_list(
        "code", flat=True
    )
    assert list(codes) == ["read-only", "general-access", "eshipper-pro2", "etoe"]


def test_catalog_read_only_profile_needs_eshipper_light_and_excludes_general_access():
    assert _rules("read-only") == {
        "eshipper-light": Requirement.MANDATORY,
        "prices": Requirement.OPTIONAL,
    }


def test_catalog_general_access_profile_needs_general_access_only():
    assert _rules("general-access") == {
        "general": Requirement.MANDATORY,
        "prices": Requirement.OPTIONAL,
    }


def test_catalog_pro2_profile_needs_pro2_and_general_access():
    assert _rules("eshipper-pro2") == {
        "eshipper-pro2": Requirement.MANDATORY,
        "general": Requirement.MANDATORY,
        "prices": Requirement.OPTIONAL,
    }


def test_catalog_etoe_profile_needs_etoe_and_general_with_pro2_optional():
    assert _rules("etoe") == {
        "etoe": Requirement.MANDATORY,
        "general": Requirement.MANDATORY,
        "eshipper-pro2": Requirement.OPTIONAL,
        "prices": Requirement.OPTIONAL,
    }


def test_catalog_customs_and_eshipper_pro_fit_no_profile():
    for profile in ("read-only", "general-access", "eshipper-pro2", "etoe"):
        rules = _rules(profile)
        assert "customs" not in rules
        assert "eshipper-pro" not in rules


@pytest.mark.parametrize("number", [21, 23, 50])
def test_catalog_read_only_profile_refuses_return_and_reply_services(number):
    assert not _admits("read-only", number)


@pytest.mark.parametrize("number", [10, 12, 13, 14, 16, 17, 20, 31, 33, 35, 36, 37])
def test_catalog_read_only_profile_admits_other_mail_and_parcel_services(number):
    assert _admits("read-only", number)


@pytest.mark.parametrize("number", [10, 12, 13, 14, 16, 17, 20, 23])
def test_catalog_pro2_profile_refuses_mail_services(number):
    assert not _admits("eshipper-pro2", number)


@pytest.mark.parametrize("number", [21, 31, 33, 35, 36, 37, 50])
def test_catalog_pro2_profile_admits_parcel_services(number):
    assert _admits("eshipper-pro2", number)


@pytest.mark.parametrize("profile", ["general-access", "etoe"])
def test_catalog_general_and_etoe_profiles_admit_every_service(profile):
    assert AccessProfile.objects.get(code=profile).service_types.count() == 15


def test_catalog_tracking_rights_describe_the_visibility_they_give():
    tracking = Application.objects.get(code="colissimo-tracking")
    descriptions = dict(tracking.permissions.values_list("code", "description"))
    assert "clé" in descriptions["tracking-user-key"]
    assert "tag" in descriptions["tracking-user-tag-cs"]
    assert "service client" in descriptions["tracking-consolidated-cs"]


def test_catalog_every_entry_has_a_name_in_english_dutch_and_german():
    applications = Application.objects.prefetch_related(
        "permissions", "products", "service_types", "profiles"
    )
    for application in applications:
        entries = [
            application,
            *application.permissions.all(),
            *application.products.all(),
            *application.service_types.all(),
            *application.profiles.all(),
        ]
        for entry in entries:
            for language in ("en", "nl", "de"):
                assert entry.translations.get(language), (entry, language)


def test_catalog_every_description_has_english_dutch_and_german_beside_the_french():
    applications = Application.objects.prefetch_related("permissions", "profiles")
    for application in applications:
        entries = [application, *application.permissions.all(), *application.profiles.all()]
        for entry in entries:
            assert entry.description, entry  # the French text is kept
            for language in ("en", "nl", "de"):
                translated = entry.description_translations.get(language)
                assert translated and translated != entry.description, (entry, language)


def test_catalog_description_reads_in_the_active_language_and_says_which():
    ship = Application.objects.get(code="dhl-shipping").permissions.get(code="ship")
    with translation.override("en"):
        assert ship.description_label == "Create shipments on the account in MyDHL+ or eMailship."
        assert ship.description_lang == "en"
    ship.description_translations = {}
    with translation.override("en"):
        assert ship.description_label == ship.description  # falls back to French...
        assert ship.description_lang == "fr"  # ...and says so, for a lang attribute
