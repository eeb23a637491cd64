"""Hot-path SQL: parameterised statements that PostgreSQL prepares once per connection.

Django's cursors on psycopg 3 bind parameters on the client (the ORM does not always write
SQL that the server could prepare, Django ticket #20516), so PostgreSQL parses and plans each
statement again on every call. The machine API's few statements (API-key lookup, rights check,
sender check) are written by hand for server-side binding: on `prepared_cursor()` psycopg
prepares each of them on the connection after `OPTIONS["prepare_threshold"]` executions
(settings: `DB_PREPARE_THRESHOLD`), and later calls only send `EXECUTE` with the values. Planning
a statement costs 1-3 ms; executing the prepared one 0.02-0.05 ms more than the query itself.

Statements keep their text exactly the same from call to call (psycopg keys its cache on it):
build them once with `sql_text`. Queries run here are logged and counted like any other.
Elsewhere than PostgreSQL, or with preparation turned off (a pgbouncer older than 1.21 in
transaction mode), this is Django's ordinary cursor.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache
from typing import Any, Generic, TypeVar

from django.db import connection
from django.db.models import Model

M = TypeVar("M", bound=Model)


def prepares_statements() -> bool:
    return (
        connection.vendor == "postgresql"
        and connection.settings_dict.get("OPTIONS", {}).get("prepare_threshold") is not None
    )


@contextmanager
def prepared_cursor() -> Iterator:
    """A cursor (Django's wrapper: logged, counted) whose statements the server prepares."""
    if not prepares_statements():
        with connection.cursor() as cursor:
            yield cursor
        return
    from django.db.backends.postgresql.base import ServerBindingCursor

    connection.ensure_connection()
    connection.validate_thread_sharing()
    raw: Any = ServerBindingCursor(connection.connection)  # type: ignore[call-arg]
    cursor = (
        connection.make_debug_cursor(raw)
        if connection.queries_logged
        else connection.make_cursor(raw)
    )
    with cursor:
        yield cursor


def sql_text(template: str, tables: dict[str, type[Model]], **extra: str) -> str:
    """`template` with `{name}` replaced by the quoted table of each model (and `extra` as is)."""
    quote = connection.ops.quote_name
    return template.format(
        **{name: quote(model._meta.db_table) for name, model in tables.items()}, **extra
    )


def per_vendor(build: Callable[[], str]) -> Callable[[], str]:
    """Builds a statement's text once per database vendor (quoting differs), then reuses it."""

    @cache
    def built(vendor: str) -> str:
        return build()

    return lambda: built(connection.vendor)


class ModelColumns(Generic[M]):
    """A model's columns in a hand-written SELECT, and its instance built back from the values
    with the conversions the ORM would apply (SQLite returns dates as text, booleans as 0/1)."""

    def __init__(self, model: type[M], alias: str):
        self.model = model
        self.alias = alias
        self.fields = list(model._meta.concrete_fields)
        self.attnames = [field.attname for field in self.fields]

    def columns(self) -> str:
        quote = connection.ops.quote_name
        return ", ".join(f"{self.alias}.{quote(str(field.column))}" for field in self.fields)

    def build(self, values) -> M:
        values = list(values)
        for index, converters in _converters(self.model, connection.vendor):
            column = self.fields[index].get_col(self.alias)
            for convert in converters:
                values[index] = convert(values[index], column, connection)
        return self.model.from_db(connection.alias, self.attnames, values)


def convert_value(model: type[Model], attname: str, value):
    """One column's value as the ORM would have returned it."""
    for index, converters in _converters(model, connection.vendor):
        field = model._meta.concrete_fields[index]
        if field.attname == attname:
            column = field.get_col(model._meta.db_table)
            for convert in converters:
                value = convert(value, column, connection)
    return value


@cache
def _converters(model: type[Model], vendor: str) -> list[tuple[int, list]]:
    result = []
    for index, field in enumerate(model._meta.concrete_fields):
        column = field.get_col(model._meta.db_table)
        converters = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
        if converters:
            result.append((index, converters))
    return result
