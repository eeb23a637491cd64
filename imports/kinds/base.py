"""The interface and registry of import kinds. The engine (upload checks, jobs, chunks, result
files) knows a kind only through this interface; each kind says which columns it reads, writes
its template and turns a chunk of rows into outcomes through its app's services."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..models import ImportJob, ImportRow
from ..parsing import Column


@dataclass
class Outcome:
    status: str  # a RowStatus value
    message: str
    user_id: int | None = None


class ImportKindSpec:
    """What an import kind provides to the engine."""

    kind: str = ""
    # The explanations of the kind's page (columns, rules), under « 1. Préparer le fichier ».
    help_template: str = ""

    def may_use(self, *, request) -> bool:
        """May the person signed in, in the selected company, import this kind? (else 403).
        By default: its administrators."""
        return bool(request.membership and request.membership.is_admin)

    def columns(self, *, company, actor) -> list[Column]:
        """Every column a file may have (headers in French and English), for upload checks."""
        raise NotImplementedError

    def template(self, *, company, actor) -> tuple[list[str], list[str]]:
        """The template's header (in the active language) and its example row."""
        raise NotImplementedError

    def prepare(self, *, job: ImportJob) -> Any:
        """What every chunk of a run is checked against, loaded once per run."""
        return None

    def process(
        self, *, job: ImportJob, rows: Sequence[ImportRow], apply: bool, context: Any
    ) -> list[Outcome]:
        """One outcome per row, in order; writes only with `apply`, in the caller's
        transaction, which also records the outcomes."""
        raise NotImplementedError


_REGISTRY: dict[str, ImportKindSpec] = {}


def register(spec: ImportKindSpec) -> ImportKindSpec:
    _REGISTRY[spec.kind] = spec
    return spec


def kind_get(kind: str) -> ImportKindSpec | None:
    return _REGISTRY.get(kind)
