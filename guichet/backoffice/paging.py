"""Keyset pagination of the inbox: a page starts after (or ends before) the row a link names,
whatever its depth, without OFFSET, and without counting the list.

A cursor holds the sort keys of that row (e.g. the due date, the filing date and the id for
the default sort), base64-encoded JSON; a cursor that does not parse is ignored (the first
page). Links of an earlier version (`?page=N` alone) still work, by offset.
"""

import base64
import datetime
import json
from dataclasses import dataclass

from django.db.models import F, Q


@dataclass(frozen=True)
class Key:
    field: str
    descending: bool = False
    nullable: bool = False  # NULLs sort last in the ascending order

    def order(self, reverse=False):
        descending = self.descending != reverse
        expression = F(self.field)
        if self.nullable:  # NULLs last going forward, hence first going back
            return (
                expression.desc(nulls_first=True) if descending else expression.asc(nulls_last=True)
            )
        return expression.desc() if descending else expression.asc()


# The keys of each sort of the inbox (InboxFilterForm.ORDERINGS), ending with the id.
SORT_KEYS = {
    "": (Key("due_at", nullable=True), Key("created_at"), Key("pk")),
    "created": (Key("created_at", descending=True), Key("pk", descending=True)),
    "updated": (Key("updated_at", descending=True), Key("pk", descending=True)),
}


def _value(case, key: Key):
    return getattr(case, key.field)


def encode(case, keys) -> str:
    values = []
    for key in keys:
        value = _value(case, key)
        values.append(value.isoformat() if isinstance(value, datetime.datetime) else value)
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")


def decode(cursor: str, keys):
    """The values a cursor holds, or None when it is not one of these keys'."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        values = json.loads(raw)
    except (ValueError, TypeError):
        return None
    if not isinstance(values, list) or len(values) != len(keys):
        return None
    result = []
    for key, value in zip(keys, values, strict=True):
        if key.field == "pk":
            if not isinstance(value, int) or isinstance(value, bool):
                return None
        elif value is None:
            if not key.nullable:
                return None
        else:
            try:
                value = datetime.datetime.fromisoformat(value)
            except (TypeError, ValueError):
                return None
            if value.tzinfo is None:
                return None
        result.append(value)
    return result


def _beyond(keys, values, *, backwards: bool) -> Q:
    """The rows after the cursor in the keys' order (before it when `backwards`), among
    those whose keys all hold a value. Written as "first key at or past the cursor's, and
    then...", so that the database reads an index from the cursor on."""
    condition, equal = Q(pk__in=[]), Q()
    for key, value in zip(keys, values, strict=True):
        later = key.descending == backwards  # on this key, "after" means greater
        condition |= equal & Q(**{f"{key.field}__{'gt' if later else 'lt'}": value})
        equal &= Q(**{key.field: value})
    first, value = keys[0], values[0]
    later = first.descending == backwards
    return Q(**{f"{first.field}__{'gte' if later else 'lte'}": value}) & condition


def rows_beyond(cases, keys, values, *, backwards: bool, limit: int) -> list:
    """At most `limit` rows of `cases` (ordered by `keys`, reversed when `backwards`) past
    the cursor `values`. A first key that may be NULL (the due date: NULLs last) splits the
    list in two parts, each read in index order: the rows with a value, then those without
    (the other way round going back), rather than one OR the database would sort."""
    first = keys[0]
    if not first.nullable:
        return list(cases.filter(_beyond(keys, values, backwards=backwards))[:limit])
    empty = Q(**{f"{first.field}__isnull": True})
    if values[0] is None:  # the cursor is among the rows without a value
        rows = list(
            cases.filter(empty & _beyond(keys[1:], values[1:], backwards=backwards))[:limit]
        )
        if backwards and len(rows) < limit:  # then every row with a value, last first
            rows += list(cases.filter(~empty)[: limit - len(rows)])
        return rows
    rows = list(cases.filter(_beyond(keys, values, backwards=backwards))[:limit])
    if not backwards and len(rows) < limit:  # then the rows without a value
        rows += list(cases.filter(empty)[: limit - len(rows)])
    return rows


# `?page=N` alone (links of an earlier version) is read by offset up to this page only: an
# offset costs what it skips (minutes at millions of cases, docs/performance.md).
MAX_OFFSET_PAGE = 20


class OffsetPage:
    """One page of a list by offset (`?page=N`), without counting the whole list: whether a
    next page exists is read from one row more. For short lists (the access log); `count`
    and `more` are a bounded count of the list, when the caller has one."""

    def __init__(self, rows, number, *, count: int, more: bool, size: int):
        self.number = _number(number)
        self._show(self._by_offset(rows, size), count=count, more=more, size=size)

    def _by_offset(self, rows, size) -> list:
        start = (self.number - 1) * size
        found = list(rows[start : start + size + 1])
        if not found and self.number > 1:  # past the end (a stale link): the first page
            self.number = 1
            found = list(rows[: size + 1])
        return found

    def _show(self, rows, *, count, more, size, has_next=None, has_previous=None) -> None:
        self.has_next = len(rows) > size if has_next is None else has_next
        self.has_previous = self.number > 1 if has_previous is None else has_previous
        self.object_list = rows[:size]
        self.count, self.more = count, more
        # The number of pages, when the count is known.
        self.num_pages = None if more else max((count + size - 1) // size, 1)

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self):
        return len(self.object_list)

    @property
    def previous_page_number(self):
        return self.number - 1

    @property
    def next_page_number(self):
        return self.number + 1


def _number(value) -> int:
    try:
        return max(int(value or 1), 1)
    except (TypeError, ValueError):
        return 1


class InboxPage(OffsetPage):
    """One page of the inbox, after (`apres`) or before (`avant`) the row a cursor names.
    `count`/`more` are the current tab's bounded count; whether a next (or previous) page
    exists is read from one row more than the page holds."""

    def __init__(self, cases, params, *, sort: str, count: int, more: bool, size: int):
        keys = SORT_KEYS[sort]
        self.number = _number(params.get("page"))
        after = decode(params.get("apres", ""), keys) if params.get("apres") else None
        before = decode(params.get("avant", ""), keys) if params.get("avant") else None
        if before is not None:
            ordering = [key.order(reverse=True) for key in keys]
            rows = rows_beyond(
                cases.order_by(*ordering), keys, before, backwards=True, limit=size + 1
            )
            has_previous = len(rows) > size
            if not has_previous:
                self.number = 1
            rows = list(reversed(rows[:size]))
            self._show(
                rows, count=count, more=more, size=size, has_next=True, has_previous=has_previous
            )
        elif after is not None:
            rows = rows_beyond(cases, keys, after, backwards=False, limit=size + 1)
            if not rows:  # nothing after it any more (a stale link): the first page
                self.number = 1
                rows = list(cases[: size + 1])
            self._show(rows, count=count, more=more, size=size)
        else:  # the first page, or an offset link of an earlier version (not too deep)
            if self.number > MAX_OFFSET_PAGE:
                self.number = 1
            self._show(self._by_offset(cases, size), count=count, more=more, size=size)
        rows = self.object_list
        self.next_cursor = encode(rows[-1], keys) if rows else ""
        self.previous_cursor = encode(rows[0], keys) if rows else ""
