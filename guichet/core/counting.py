"""Several bounded counts in one statement.

The inbox counts each of its seven tabs up to a limit (`COUNT(*)` over the first rows of
each, so that a large inbox costs bounded reads). Asked one by one, that is seven round trips
to the database, each of which costs more than the count itself when the counts read a few
hundred index entries. Here they are scalar subqueries of one SELECT: each is planned as it
would be alone, the database answers them together.
"""

from django.core.exceptions import EmptyResultSet
from django.db import connections


def bounded_counts(querysets, limit: int) -> list[int]:
    """How many rows each queryset has, counting at most `limit` of each."""
    if not querysets:
        return []
    using = querysets[0].db
    parts, params = [], []
    for index, queryset in enumerate(querysets):
        bounded = queryset.order_by().values("pk")[:limit]
        try:
            sql, part_params = bounded.query.get_compiler(using=using).as_sql()
        except EmptyResultSet:  # a filter that matches nothing (`pk__in=[]`)
            parts.append("0")
            continue
        parts.append(f"(SELECT COUNT(*) FROM ({sql}) AS bounded_{index})")
        params.extend(part_params)
    with connections[using].cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts), params)
        return [int(count) for count in cursor.fetchone()]
