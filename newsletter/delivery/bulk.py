"""Multi-row INSERTs and UPDATEs in one statement each, for the hot sending path.

A chunk writes hundreds of ledger rows and advances as many enrollments at once. Django's
bulk_update builds a CASE per row and field, and bulk_create with ignore_conflicts cannot
say which rows it inserted; these build one plain statement from a VALUES list.

A big broadcast adds rows far faster than PostgreSQL's autovacuum refreshes the planner's
statistics, which then believe the new "queued" rows are rare and read all of them for each
chunk; every LEDGER_ANALYZE_EVERY rows inserted, the table is analysed again.
"""

from collections import Counter

from django.conf import settings
from django.db import connections, router
from django.db.models import NOT_PROVIDED

_since_analyse: Counter = Counter()  # rows this process inserted since it last analysed, by table


def update_rows(model, objects: list, fields: list[str]) -> None:
    """UPDATE model SET fields FROM a VALUES list keyed by primary key (PostgreSQL, SQLite)."""
    if not objects:
        return
    connection = connections[router.db_for_write(model)]
    columns = [model._meta.get_field(name) for name in fields]
    quote = connection.ops.quote_name
    names = ", ".join(["pk_", *(quote(c.column) for c in columns)])
    row = (
        "("
        + ", ".join([_slot(model._meta.pk, connection)] + [_slot(c, connection) for c in columns])
        + ")"
    )
    assignments = ", ".join(f"{quote(c.column)} = v.{quote(c.column)}" for c in columns)
    table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
    sql = (
        f"WITH v({names}) AS (VALUES {', '.join([row] * len(objects))}) "
        f"UPDATE {table} SET {assignments} FROM v WHERE {table}.{pk} = v.pk_"
    )
    params = []
    for obj in objects:
        params.append(obj.pk)
        params += [c.get_db_prep_save(getattr(obj, c.attname), connection) for c in columns]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _slot(field, connection) -> str:
    # PostgreSQL types a VALUES column from its first row; NULLs need an explicit type.
    if connection.vendor == "postgresql":
        return f"CAST(%s AS {field.db_type(connection)})"
    return "%s"


def values_by_pk(model, pks, field: str) -> dict:
    """{pk: value of `field`} for the given primary keys, in one plain SELECT.

    For re-reads inside a send loop (every few messages), where building an ORM query
    would cost several times the query itself.
    """
    pks = list(pks)
    if not pks:
        return {}
    connection = connections[router.db_for_read(model)]
    quote = connection.ops.quote_name
    column = quote(model._meta.get_field(field).column)
    table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
    slots = ", ".join(["%s"] * len(pks))
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {pk}, {column} FROM {table} WHERE {pk} IN ({slots})", pks)
        return dict(cursor.fetchall())


def insert_rows(model, fields: list[str], rows: list[tuple], batch: int = 500) -> list[int]:
    """INSERT rows (values in `fields` order), skipping any that break a unique constraint.

    Returns the primary keys of the rows inserted, in order. Fields not named take their
    model default ("" or NULL where there is none), evaluated once for the statement, so a
    field whose default is made per row (a callable, auto_now, db_default) must be named.
    """
    connection = connections[router.db_for_write(model)]
    named = [model._meta.get_field(name) for name in fields]
    others = [f for f in model._meta.concrete_fields if f not in named and not f.primary_key]
    per_row = [f.name for f in others if _default_per_row(f)]
    if per_row:
        raise ValueError(f"insert_rows needs a value for {', '.join(per_row)} in every row.")
    defaults = [f.get_db_prep_save(f.get_default(), connection) for f in others]
    quote = connection.ops.quote_name
    table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
    names = ", ".join(quote(f.column) for f in named + others)
    aliases = ", ".join(f"v{n}" for n in range(len(named)))
    row_slots = "(" + ", ".join(_slot(f, connection) for f in named) + ")"
    # The defaults are sent once per statement, not once per row.
    constants = "".join(f", {_slot(f, connection)}" for f in others)
    inserted = []
    for start in range(0, len(rows), batch):
        part = rows[start : start + batch]
        sql = (
            f"WITH v({aliases}) AS (VALUES {', '.join([row_slots] * len(part))}) "
            f"INSERT INTO {table} ({names}) SELECT {aliases}{constants} FROM v WHERE true "
            f"ON CONFLICT DO NOTHING RETURNING {pk}"
        )
        params = []
        for row in part:
            params += [f.get_db_prep_save(v, connection) for f, v in zip(named, row, strict=True)]
        with connection.cursor() as cursor:
            cursor.execute(sql, params + defaults)
            inserted += [found for (found,) in cursor.fetchall()]
    _keep_statistics(connection, model._meta.db_table, len(inserted))
    return sorted(inserted)


def _keep_statistics(connection, table: str, added: int) -> None:
    _since_analyse[table] += added
    if connection.vendor != "postgresql" or _since_analyse[table] < settings.LEDGER_ANALYZE_EVERY:
        return
    _since_analyse[table] = 0
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")


def _default_per_row(field) -> bool:
    automatic = getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
    made = field.has_default() and callable(field.default)
    return made or automatic or field.db_default is not NOT_PROVIDED
