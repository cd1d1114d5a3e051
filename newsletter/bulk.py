"""Multi-row UPDATEs in one statement (Django's bulk_update builds a CASE per row and field).

Used on the hot sending path, where a chunk advances hundreds of enrollments at once.
"""

from django.db import connections, router


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
