"""Full-text search of cases for the back office, on the database's own engine.

The indexed text of a case (`case_text`) holds its reference, the citizen's name, e-mail and
phone (in E.164 and in national digits), the address, the text answers of its form and its
messages. `index_case` rewrites it; the domain actions call it with every journal event, so
the index follows every change, anonymization included.

Queries are folded (case, accents) and every word must match, as a prefix ("ecol" finds
"École"); a query that is a telephone number, however typed, is looked up as that number.
"""

import functools

from django.db import connection
from django.db.models import F, Func, Q, TextField
from django.db.models.expressions import RawSQL
from django.db.models.lookups import Contains

from guichet.lib.phone import normalize_phone
from guichet.lib.text import fold, fts5_query, tsquery, words

from .models import CaseSearch, Message

MAX_QUERY_WORDS = 10
MAX_TEXT = 200_000


@functools.lru_cache(maxsize=4096)
def _phone_forms(value: str) -> tuple[str, ...]:
    """The forms a number is found by (cached: parsing a number is slow, and a bulk write
    such as the benchmark's meets the same few numbers again and again)."""
    number = normalize_phone(value or "")
    if not number:
        return (value,) if value else ()
    digits = number.lstrip("+")
    if number.startswith("+33"):
        return (digits, "0" + number[3:])
    return (digits,)


def _answers(data) -> list[str]:
    texts = []
    values = data.values() if isinstance(data, dict) else []
    for value in values:
        if isinstance(value, str):
            texts.append(value)
        elif isinstance(value, list):
            texts += [item for item in value if isinstance(item, str)]
        elif isinstance(value, dict):
            texts += _answers(value)
    return texts


def searchable(parts) -> str:
    """The folded words of `parts`, separated by spaces: both engines then cut the text
    where `words` cuts the queries (PostgreSQL's parser would otherwise keep an e-mail
    address whole, or read "-000012" in a reference as a negative number)."""
    return " ".join(words("\n".join(part for part in parts if part), keep_stop_words=True))[
        :MAX_TEXT
    ]


def case_text(case, bodies=None) -> str:
    """The indexed text of `case`; `bodies`, its messages' in order, when the caller has
    them (the benchmark's bulk rows), else read from the database."""
    if bodies is None:
        bodies = Message.objects.filter(case=case).order_by("pk").values_list("body", flat=True)
    parts = [
        case.reference,
        case.contact_name,
        case.contact_email,
        *_phone_forms(case.contact_phone),
        case.address,
        *_answers(case.data),
        *bodies,
    ]
    return searchable(parts)


def index_case(case) -> None:
    CaseSearch.objects.update_or_create(case=case, defaults={"text": case_text(case)})


def query_terms(text: str) -> list[tuple[str, list[str]]]:
    text = (text or "").strip()
    number = normalize_phone(text) if any(ch.isdigit() for ch in text) else None
    if number and len([ch for ch in text if ch.isdigit()]) >= 9:
        national = "0" + number[3:] if number.startswith("+33") else number.lstrip("+")
        return [(national, [])]
    found = list(dict.fromkeys(words(text, keep_stop_words=True)))
    return [(word, []) for word in found[:MAX_QUERY_WORDS]]


def matching_ids(text: str) -> RawSQL | None:
    """The ids of the cases whose text holds every word of `text` (a subquery for
    `Case.objects.filter(pk__in=...)`), or None when `text` holds no word."""
    terms = query_terms(text)
    if not terms:
        return None
    if connection.vendor == "postgresql":
        return RawSQL(
            "SELECT case_id FROM cases_casesearch "
            "WHERE vector @@ to_tsquery('guichet_fr'::regconfig, %s)",
            [tsquery(terms, every=True)],
        )
    return RawSQL(
        "SELECT rowid FROM cases_search_fts WHERE cases_search_fts MATCH %s",
        [fts5_query(terms, every=True)],
    )


class Folded(Func):
    """A text column folded as `guichet.lib.text.fold` folds (lower case, no accents):
    PostgreSQL's `unaccent`, and on SQLite the same Python function, registered on every
    connection (`register_sqlite_functions`)."""

    function = "guichet_fold"
    output_field = TextField()

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, template="unaccent(lower(%(expressions)s))")


def register_sqlite_functions(sender, connection, **kwargs) -> None:
    """Connected to `connection_created` (CasesConfig.ready)."""
    if connection.vendor == "sqlite":
        connection.connection.create_function("guichet_fold", 1, fold, deterministic=True)


def name_matching(text: str, field: str = "contact_name") -> Q | None:
    """The cases whose `field` holds every word of `text`, whatever their accents and case
    ("lefevre" finds "Lefèvre"); None when `text` holds no word. The full-text index picks
    the candidates first, so this stays fast on a large table; the name itself is then
    checked, so that a word found only in the answers or messages does not count."""
    ids = matching_ids(text)
    if ids is None:
        return None
    condition = Q(pk__in=ids)
    for word in dict.fromkeys(words(text, keep_stop_words=True)):
        condition &= Q(Contains(Folded(F(field)), word))
    return condition
