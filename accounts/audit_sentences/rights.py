"""Sentences and differences of the rights' events: rights of members, routers and providers."""

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ..models import AuditKind
from .core import Context, where
from .names import SCOPE_DIMENSIONS
from .values import Change, field_changes, moment, rights_changes, scope_text

_NOT_RIGHTS = {"application", "copied_from"}


def _rights_of(payload) -> dict:
    return {k: v for k, v in payload.items() if k not in _NOT_RIGHTS and isinstance(v, dict)}


def _rights_changed(c: Context) -> str:
    application = c.after.get("application") or c.before.get("application")
    before, after = _rights_of(c.before), _rights_of(c.after)
    added = [k for k in after if k not in before]
    removed = [k for k in before if k not in after]
    changed = [k for k in after if k in before and after[k] != before[k]]
    app_name = c.names.application(application)
    if len(added) == 1 and not removed and not changed:
        sentence = c.say(
            _("%(actor)s a donné à %(person)s « %(right)s » de %(application)s %(where)s"),
            right=c.names.permission(added[0], application=application),
            application=app_name,
            where=where(after[added[0]], c.names),
        )
    elif len(removed) == 1 and not added and not changed:
        sentence = c.say(
            _("%(actor)s a retiré à %(person)s « %(right)s » de %(application)s"),
            right=c.names.permission(removed[0], application=application),
            application=app_name,
        )
    else:
        sentence = c.say(
            _("%(actor)s a modifié les droits %(application)s de %(person)s"),
            application=app_name,
        )
    if c.after.get("copied_from"):
        sentence += " " + c.say(_("(copiés de %(source)s)"), source=c.after["copied_from"])
    return sentence


def _rights_changed_diff(c: Context) -> list[Change]:
    application = c.after.get("application") or c.before.get("application")
    return rights_changes(
        _rights_of(c.before),
        _rights_of(c.after),
        c.names,
        right_name=lambda code: c.names.permission(code, application=application),
    )


def _scope_of(payload) -> dict:
    return {d: payload[d] for d in SCOPE_DIMENSIONS if d in payload}


def _right(c: Context) -> str:
    return c.names.permission(c.after.get("permission") or c.before.get("permission"))


def _handed_on(c: Context) -> str:
    return c.say(
        _("%(actor)s a transmis à %(person)s « %(right)s », reçu de %(customer)s %(where)s"),
        right=_right(c),
        customer=c.names.company(c.after.get("from_customer")),
        where=where(_scope_of(c.after), c.names),
    )


def _cascaded(c: Context) -> str:
    customer = c.names.company(c.after.get("from_customer"))
    if c.after.get("revoked"):
        message = _("« %(right)s » retiré à %(person)s : %(customer)s ne le donne plus")
    else:
        message = _("« %(right)s » de %(person)s réduit : %(customer)s l'a réduit")
    return c.say(message, right=_right(c), customer=customer)


def _scope_diff(c: Context) -> list[Change]:
    label = _right(c)
    before, after = _scope_of(c.before), _scope_of(c.after)
    if not before:
        return [Change("added", label, after=scope_text(after, c.names))]
    if c.after.get("revoked"):
        return [Change("removed", label, before=scope_text(before, c.names))]
    return [Change("changed", label, scope_text(before, c.names), scope_text(after, c.names))]


def _router_offered(c: Context) -> str:
    application = c.after.get("application")
    rights = c.after.get("rights") or {}
    names = ", ".join(f"« {c.names.permission(code, application=application)} »" for code in rights)
    sentence = c.say(
        _("%(actor)s a proposé au routeur %(router)s des droits %(application)s : %(rights)s"),
        router=c.after.get("router") or c.event.target_repr,
        application=c.names.application(application),
        rights=names or "—",
    )
    if c.after.get("ends_at"):
        sentence += " " + _("(jusqu'au %(date)s)") % {"date": moment(c.after["ends_at"])}
    return sentence


def _router_offered_diff(c: Context) -> list[Change]:
    application = c.after.get("application")
    changes = rights_changes(
        {},
        c.after.get("rights") or {},
        c.names,
        right_name=lambda code: c.names.permission(code, application=application),
    )
    return changes + field_changes(None, c.after, c.names, skip={"rights", "application"})


def _router(message: str):
    def build(c: Context) -> str:
        return c.say(
            message,
            customer=c.after.get("customer") or c.event.target_repr,
            router=c.after.get("router") or c.event.target_repr,
            rights=c.rights_list(c.after.get("rights")) or "—",
        )

    return build


def _router_ended(c: Context) -> str:
    return c.say(
        _("Les droits « %(right)s » du routeur %(router)s sont arrivés à échéance"),
        right=_right(c),
        router=c.after.get("router") or c.event.target_repr,
    )


def _provider_rights_diff(c: Context) -> list[Change]:
    def name(pk) -> str:
        application, right = c.names.permission_by_pk(pk)
        return f"{application} · {right}" if application else right

    before, after = c.before.get("rights"), c.after.get("rights")
    before = before if isinstance(before, dict) else {}
    after = after if isinstance(after, dict) else {}
    changes = rights_changes(before, after, c.names, right_name=name)
    return changes + field_changes(
        None if not c.before else c.before, c.after, c.names, skip={"rights"}
    )


def _provider(message: str):
    return lambda c: c.say(message, email=c.email())


def _provider_offered(c: Context) -> str:
    count = len(c.after.get("rights") or {})
    return c.say(
        ngettext(
            "%(actor)s a proposé à %(email)s un accès prestataire avec %(count)d droit",
            "%(actor)s a proposé à %(email)s un accès prestataire avec %(count)d droits",
            count,
        ),
        email=c.email(),
        count=count,
    )


def _provider_end_changed(c: Context) -> str:
    ends_at = c.after.get("ends_at")
    if ends_at:
        return c.say(
            _("%(actor)s a fixé au %(date)s la fin de l'accès prestataire de %(email)s"),
            date=moment(str(ends_at)),
            email=c.email(),
        )
    return c.say(
        _("%(actor)s a retiré la date de fin de l'accès prestataire de %(email)s"),
        email=c.email(),
    )


def sentences() -> dict:
    return {
        AuditKind.RIGHTS_CHANGED: _rights_changed,
        AuditKind.RIGHTS_HANDED_ON: _handed_on,
        AuditKind.RIGHTS_CASCADED: _cascaded,
        AuditKind.ROUTER_RIGHTS_OFFERED: _router_offered,
        AuditKind.ROUTER_RIGHTS_ACCEPTED: _router(
            _("%(actor)s a accepté les droits proposés par %(customer)s : %(rights)s")
        ),
        AuditKind.ROUTER_RIGHTS_REFUSED: _router(
            _("%(actor)s a refusé les droits proposés par %(customer)s : %(rights)s")
        ),
        AuditKind.ROUTER_RIGHTS_WITHDRAWN: _router(
            _("%(actor)s a retiré les droits de %(customer)s au routeur %(router)s : %(rights)s")
        ),
        AuditKind.ROUTER_RIGHTS_GIVEN_UP: _router(
            _("%(actor)s a abandonné les droits reçus de %(customer)s : %(rights)s")
        ),
        AuditKind.ROUTER_RIGHTS_ENDED: _router_ended,
        AuditKind.PROVIDER_OFFERED: _provider_offered,
        AuditKind.PROVIDER_ACCEPTED: _provider(_("Accès prestataire accepté par %(email)s")),
        AuditKind.PROVIDER_REFUSED: _provider(_("Accès prestataire refusé par %(email)s")),
        AuditKind.PROVIDER_WITHDRAWN: _provider(
            _("%(actor)s a retiré l'accès prestataire de %(email)s")
        ),
        AuditKind.PROVIDER_GIVEN_UP: _provider(_("Accès prestataire abandonné par %(email)s")),
        AuditKind.PROVIDER_EXPIRED: _provider(
            _("L'accès prestataire proposé à %(email)s a expiré sans réponse")
        ),
        AuditKind.PROVIDER_END_CHANGED: _provider_end_changed,
        AuditKind.PROVIDER_ENDED: _provider(
            _("L'accès prestataire de %(email)s est arrivé à sa date de fin")
        ),
        AuditKind.PROVIDER_RIGHTS_CHANGED: _provider(
            _("%(actor)s a modifié les droits du prestataire %(email)s")
        ),
        AuditKind.PROVIDER_REQUESTED: lambda c: c.say(
            _("%(actor)s a demandé un accès prestataire sur le compte %(number)s"),
            number=c.account(),
        ),
        AuditKind.PROVIDER_REQUEST_DECLINED: _provider(
            _("%(actor)s a décliné la demande d'accès prestataire de %(email)s")
        ),
    }


def changes() -> dict:
    """Kinds whose difference is not a plain key-by-key comparison."""
    return {
        AuditKind.RIGHTS_CHANGED: _rights_changed_diff,
        AuditKind.RIGHTS_HANDED_ON: _scope_diff,
        AuditKind.RIGHTS_CASCADED: _scope_diff,
        AuditKind.ROUTER_RIGHTS_OFFERED: _router_offered_diff,
        AuditKind.PROVIDER_OFFERED: _provider_rights_diff,
        AuditKind.PROVIDER_RIGHTS_CHANGED: _provider_rights_diff,
        # The sentence already names the customer, the router and the rights.
        AuditKind.ROUTER_RIGHTS_ACCEPTED: lambda c: [],
        AuditKind.ROUTER_RIGHTS_REFUSED: lambda c: [],
        AuditKind.ROUTER_RIGHTS_WITHDRAWN: lambda c: [],
        AuditKind.ROUTER_RIGHTS_GIVEN_UP: lambda c: [],
        AuditKind.ROUTER_RIGHTS_ENDED: lambda c: [],
    }
