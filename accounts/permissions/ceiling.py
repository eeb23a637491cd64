"""The rights ceiling: what an actor may hand out, with the reason when not; the validity of a
requested scope and of a profile-matrix combination; user-management rights."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from ..models import (
    AccountApplication,
    Application,
    BillingAddress,
    CustomerAccount,
    Grant,
    Membership,
    Permission,
    Product,
    ServiceType,
    User,
)
from .holdings import holdings_for, member_counts, member_counts_q

# --- The rights ceiling -------------------------------------------------------------------

SCOPE_DIMENSIONS = ("accounts", "billing_addresses", "products", "service_types")


@dataclass(frozen=True)
class Scope:
    """What a grant is narrowed to: ids of accounts, billing addresses, products, service types."""

    accounts: frozenset[int] = frozenset()
    billing_addresses: frozenset[int] = frozenset()
    products: frozenset[int] = frozenset()
    service_types: frozenset[int] = frozenset()

    @classmethod
    def of(cls, **dims: Iterable[int]) -> "Scope":
        return cls(**{name: frozenset(int(i) for i in ids) for name, ids in dims.items()})

    @classmethod
    def of_grant(cls, grant: Grant) -> "Scope":
        """From a grant whose scope relations were prefetched (see `grants_with_scopes`)."""
        return cls(
            **{
                name: frozenset(o.pk for o in getattr(grant, name).all())
                for name in SCOPE_DIMENSIONS
            }
        )

    def __or__(self, other: "Scope") -> "Scope":
        return Scope(**{n: getattr(self, n) | getattr(other, n) for n in SCOPE_DIMENSIONS})

    def __and__(self, other: "Scope") -> "Scope":
        return Scope(**{n: getattr(self, n) & getattr(other, n) for n in SCOPE_DIMENSIONS})

    def __sub__(self, other: "Scope") -> "Scope":
        return Scope(**{n: getattr(self, n) - getattr(other, n) for n in SCOPE_DIMENSIONS})

    def __le__(self, other: "Scope") -> bool:
        return all(getattr(self, n) <= getattr(other, n) for n in SCOPE_DIMENSIONS)

    def is_empty(self) -> bool:
        return not any(getattr(self, n) for n in SCOPE_DIMENSIONS)

    def as_dict(self) -> dict[str, list[int]]:
        return {n: sorted(getattr(self, n)) for n in SCOPE_DIMENSIONS if getattr(self, n)}


@dataclass(frozen=True)
class Decision:
    """A yes or no, with the reason when no."""

    allowed: bool
    reason: str = ""

    def __bool__(self) -> bool:
        return self.allowed


ALLOWED = Decision(True)


def grants_with_scopes(queryset):
    """Grants with permission, application and the four scope relations loaded in 5 queries."""
    return queryset.select_related("permission__application").prefetch_related(
        Prefetch("accounts", queryset=CustomerAccount.objects.only("pk", "number", "company_id")),
        Prefetch("billing_addresses", queryset=BillingAddress.objects.only("pk", "name")),
        Prefetch("products", queryset=Product.objects.only("pk", "name")),
        Prefetch("service_types", queryset=ServiceType.objects.only("pk", "name", "number")),
    )


def held_rights(*, membership: Membership | None) -> dict[int, Scope]:
    """What a membership holds: permission id → scope, counting only what the one definition of
    a holding counts (see `holdings`): nothing for an inactive person, membership or company,
    only active accounts of the company on which the application is enabled."""
    if not member_counts(membership):
        return {}
    held: dict[int, Scope] = {}
    for holding in holdings_for(membership=membership):
        grant = holding.grant
        scope = Scope.of_grant(grant) - Scope.of(accounts=[a.pk for a in grant.accounts.all()])
        scope = scope | Scope.of(accounts=[a.pk for a in holding.accounts])
        held[grant.permission_id] = held.get(grant.permission_id, Scope()) | scope
    return held


@dataclass
class Ceiling:
    """What an actor may hand out in a company: their own active grants, loaded once.

    Support staff (carrier employees) have no ceiling. Everyone else may grant a permission on a
    scope item only when they hold that permission on that item themselves.
    """

    company_id: int
    unlimited: bool
    held: dict[int, Scope] = field(default_factory=dict)
    management: dict[str, bool] = field(default_factory=dict)

    @classmethod
    def for_actor(cls, *, actor: User, company, membership: Membership | None = None) -> "Ceiling":
        """The actor's ceiling in `company`, from their own membership there (looked up when
        not given, or when the one given is not theirs in that company)."""
        if actor.is_staff:
            return cls(company_id=company.pk, unlimited=True)
        if (
            membership is None
            or membership.company_id != company.pk
            or membership.user_id != actor.pk
        ):
            membership = (
                Membership.objects.filter(member_counts_q(), user=actor, company=company)
                .select_related("user", "company")
                .first()
            )
        if membership is None:
            return cls(company_id=company.pk, unlimited=False)
        return cls(
            company_id=company.pk,
            unlimited=False,
            held=held_rights(membership=membership),
            management={
                name: getattr(membership, name) and member_counts(membership)
                for name in MANAGEMENT_RIGHTS
            },
        )

    @classmethod
    def for_request(cls, request) -> "Ceiling":
        """The ceiling of the person signed in, in the company selected in their session."""
        return cls.for_actor(
            actor=request.user, company=request.company, membership=request.membership
        )

    def holds(self, permission: Permission) -> bool:
        return self.unlimited or permission.pk in self.held

    def scope_of(self, permission: Permission) -> Scope:
        return self.held.get(permission.pk, Scope())

    def can_grant(self, permission: Permission, scope: Scope) -> Decision:
        """May the actor add `scope` of `permission`? The reason names the first item missing."""
        if self.unlimited:
            return ALLOWED
        if permission.pk not in self.held:
            return Decision(
                False,
                _("Vous ne détenez pas « %(permission)s » (%(application)s).")
                % {"permission": permission.label, "application": permission.application.label},
            )
        missing = scope - self.held[permission.pk]
        if missing.is_empty():
            return ALLOWED
        return Decision(False, _missing_reason(permission, missing))


def _missing_reason(permission: Permission, missing: Scope) -> str:
    params = {"permission": permission.label}
    if missing.accounts:
        numbers = CustomerAccount.objects.filter(pk__in=missing.accounts).order_by("number")
        params["item"] = ", ".join(a.number for a in numbers)
        return _("Vous ne détenez pas « %(permission)s » sur le compte %(item)s.") % params
    if missing.billing_addresses:
        names = BillingAddress.objects.filter(pk__in=missing.billing_addresses).order_by("name")
        params["item"] = ", ".join(b.name for b in names)
        return (
            _("Vous ne détenez pas « %(permission)s » sur l'adresse de facturation %(item)s.")
            % params
        )
    if missing.products:
        products = Product.objects.filter(pk__in=missing.products).order_by("position")
        params["item"] = ", ".join(p.label for p in products)
        return _("Vous ne détenez pas « %(permission)s » pour le produit %(item)s.") % params
    types = ServiceType.objects.filter(pk__in=missing.service_types).order_by("position")
    params["item"] = ", ".join(t.label for t in types)
    return _("Vous ne détenez pas « %(permission)s » pour le type de bordereau %(item)s.") % params


def can_grant(
    *, actor: User, membership: Membership | None, company, permission: Permission, scope: Scope
) -> Decision:
    """The single question of the rights ceiling, for one permission on one scope."""
    return Ceiling.for_actor(actor=actor, membership=membership, company=company).can_grant(
        permission, scope
    )


# --- Validity of a requested scope (independent of who asks) --------------------------------


def scope_errors(*, company, application: Application, scope: Scope) -> list[str]:
    """Why a scope cannot be granted on an application of this company, whoever asks."""
    errors: list[str] = []
    if application.uses_accounts and not scope.accounts:
        errors.append(
            _("%(application)s : choisissez au moins un compte client.")
            % {"application": application.label}
        )
    if scope.accounts:
        enabled = set(
            AccountApplication.objects.filter(
                application=application,
                account__company=company,
                account__is_active=True,
                account_id__in=scope.accounts,
            ).values_list("account_id", flat=True)
        )
        for account in CustomerAccount.objects.filter(pk__in=scope.accounts - enabled):
            errors.append(
                _("L'application %(application)s n'est pas activée sur le compte %(account)s.")
                % {"application": application.label, "account": account.number}
            )
    if scope.billing_addresses:
        own = BillingAddress.objects.filter(
            company=company, is_active=True, pk__in=scope.billing_addresses
        ).count()
        if own != len(scope.billing_addresses) or not application.uses_billing_addresses:
            errors.append(_("Adresse de facturation inconnue pour cette société."))
    if application.uses_billing_addresses and not scope.billing_addresses:
        errors.append(
            _("%(application)s : choisissez au moins une adresse de facturation.")
            % {"application": application.label}
        )
    for name, model in (("products", Product), ("service_types", ServiceType)):
        ids = getattr(scope, name)
        if ids and model.objects.filter(application=application, pk__in=ids).count() != len(ids):
            errors.append(_("Choix inconnu pour cette application."))
    return errors


def profile_errors(*, application: Application, rights: Mapping[Permission, Scope]) -> list[str]:
    """A grant set on a profile-matrix application must fit one profile (SPEC C1, bpost 2.3.5)."""
    if not application.uses_profiles or not rights:
        return []
    wanted = {p.pk for p in rights}
    service_types = frozenset().union(*(s.service_types for s in rights.values()))
    if not service_types and application.uses_service_types:
        return [
            _("%(application)s : cochez au moins un type de bordereau.")
            % {"application": application.label}
        ]
    for profile in application.profiles.prefetch_related("rules", "service_types"):
        rules = {r.permission_id: r.requirement for r in profile.rules.all()}
        mandatory = {pk for pk, req in rules.items() if req == "mandatory"}
        allowed_types = {t.pk for t in profile.service_types.all()}
        if mandatory <= wanted <= set(rules) and service_types <= allowed_types:
            return []
    return [
        _(
            "%(application)s : cette combinaison de droits et de types de bordereaux ne correspond "
            "à aucun profil d'accès. Choisissez les droits d'un profil, avec ses droits "
            "obligatoires, et des types de bordereaux qu'il admet."
        )
        % {"application": application.label}
    ]


# --- User-management rights ---------------------------------------------------------------


def _management_label(name: str) -> str:
    return str(getattr(Membership._meta.get_field(name), "verbose_name", name))


MANAGEMENT_RIGHTS = (
    "can_manage_users",
    "can_manage_admins",
    "can_recover_password",
    "has_ftp_access",
)


def management_errors(
    *, ceiling: Ceiling, target: Membership | None, wanted: Mapping[str, bool]
) -> list[str]:
    """An admin changes user-management rights only within their own; only an admin who may
    manage administrators makes, changes or unmakes one."""
    if ceiling.unlimited:
        return []
    errors: list[str] = []
    if not ceiling.management.get("can_manage_users") and not ceiling.management.get(
        "can_manage_admins"
    ):
        return [_("Vous n'avez pas le droit de gérer les utilisateurs.")]
    target_is_admin = target is not None and target.is_admin
    makes_admin = wanted.get("can_manage_users") or wanted.get("can_manage_admins")
    if (target_is_admin or makes_admin) and not ceiling.management.get("can_manage_admins"):
        errors.append(
            _("Seul un administrateur autorisé à gérer les administrateurs peut faire cela.")
        )
    for name in MANAGEMENT_RIGHTS:
        current = bool(target and getattr(target, name))
        if wanted.get(name) and not current and not ceiling.management.get(name):
            errors.append(
                _("Vous ne pouvez pas donner un droit que vous n'avez pas : %(right)s.")
                % {"right": _management_label(name)}
            )
    return errors
