"""Search across the information pages, the FAQ and the procedures of one organization.

One interface, two engines, chosen by the database in use:

- PostgreSQL: a generated `tsvector` column (title weighted A, text B) with a GIN index, in
  a text search configuration `guichet_fr` (French stemming, accents removed by `unaccent`),
  ranked by `ts_rank`;
- SQLite: an FTS5 table (`unicode61 remove_diacritics 2`, prefix indexes) kept in step by
  triggers, ranked by `bm25` with the title weighing ten times the text.

Both are made by the migration (catalog/migrations/0004_search_engines.py). Rows of
SearchDocument are written by `index_page` and `index_procedure`, which the actions call.

A query is folded (case, accents), cleared of stop words, and each word is looked up as a
prefix (suggestions while one types) together with the known words a few typing mistakes
away (one for words of four to six letters, two from seven: guichet/lib/text.py), taken from
the organization's vocabulary (every indexed word, in either language, so that a French
reader who types "passport" gets "passeport"). A document matching the words as typed comes
before one found only through a correction, and one correction before two. The pages that
hold every word come first and alone; when none does (a whole sentence typed), those that
hold some of them, a page with more of them, or with them in its title, ranking higher.
"""

import dataclasses
import re

from django.core.cache import cache
from django.db import connection
from django.urls import reverse
from django.utils.translation import get_language

from guichet.lib.text import fts5_query, near_words, tsquery, words

from .markdown import plain_text
from .models import InfoPage, Procedure, SearchDocument

MAX_QUERY_WORDS = 12
# PostgreSQL's text search configuration for each language of the documents.
CONFIGURATIONS = {"fr": "guichet_fr", "en": "english"}
URL = re.compile(r"https?://\S+")


@dataclasses.dataclass
class Result:
    kind: str  # "page", "faq" or "procedure"
    title: str
    summary: str
    url: str
    object: object


def page_result(page: InfoPage) -> Result:
    return Result(
        kind=page.kind,
        title=page.display_title,
        summary=page.display_summary,
        url=reverse("portal:info_page", args=[page.slug]),
        object=page,
    )


# --- Writing the index ----------------------------------------------------------------------


def _vocabulary_key(organization_id: int) -> str:
    return f"guichet:search-vocabulary:v2:{organization_id}"


def _bump_vocabulary(organization_id: int) -> None:
    cache.delete(_vocabulary_key(organization_id))


def _document(obj, kind, language, title, text) -> SearchDocument:
    body = URL.sub(" ", text)
    return SearchDocument(
        organization_id=obj.organization_id,
        kind=kind,
        object_id=obj.pk,
        language=language,
        title=title,
        body=body,
        words=" ".join(sorted(set(words(f"{title} {body}")))),
    )


def _replace(kinds, obj, documents) -> None:
    SearchDocument.objects.filter(kind__in=kinds, object_id=obj.pk).delete()
    SearchDocument.objects.bulk_create(documents)
    _bump_vocabulary(obj.organization_id)


def index_page(page: InfoPage) -> None:
    """(Re)indexes a page in French and, when translated, in English. Unpublished pages
    leave the index; publication and expiry dates are checked when searching."""
    documents = []
    if page.is_published:
        documents.append(
            _document(
                page,
                page.kind,
                "fr",
                page.title,
                f"{page.summary}\n{plain_text(page.body)}",
            )
        )
        if page.title_en:
            documents.append(
                _document(
                    page,
                    page.kind,
                    "en",
                    page.title_en,
                    f"{page.summary_en}\n{plain_text(page.body_en or page.body)}",
                )
            )
    _replace(["page", "faq"], page, documents)


def index_procedure(procedure: Procedure) -> None:
    """(Re)indexes a procedure open to requests, in French and, where translated, English."""
    from .translations import procedure_text

    documents = []
    if procedure.is_published and procedure.current_version_id:
        text = f"{procedure.summary}\n{procedure.description}\n{procedure.to_prepare}"
        documents.append(_document(procedure, "procedure", "fr", procedure.title, text))
        english = (
            (procedure.translations or {}).get("en")
            if isinstance(procedure.translations, dict)
            else None
        )
        if isinstance(english, dict) and english.get("title"):
            parts = [
                procedure_text(procedure, name, "en")
                for name in ("summary", "description", "to_prepare")
            ]
            documents.append(
                _document(procedure, "procedure", "en", english["title"], "\n".join(parts))
            )
    _replace(["procedure"], procedure, documents)


def reindex(organization=None) -> int:
    """Rebuilds the index (of one organization, or all); returns the documents written."""
    pages = InfoPage.objects.all()
    procedures = Procedure.objects.all()
    if organization is not None:
        pages = pages.filter(organization=organization)
        procedures = procedures.filter(organization=organization)
    for page in pages:
        index_page(page)
    for procedure in procedures:
        index_procedure(procedure)
    documents = SearchDocument.objects.all()
    if organization is not None:
        documents = documents.filter(organization=organization)
    return documents.count()


# --- Reading it -------------------------------------------------------------------------------


def vocabulary(organization_id: int) -> tuple[str, ...]:
    """Every word the organization's index holds, sorted (cached until the index changes)."""
    key = _vocabulary_key(organization_id)
    known = cache.get(key)
    if known is None:
        found = set()
        for text in SearchDocument.objects.filter(organization_id=organization_id).values_list(
            "words", flat=True
        ):
            found.update(text.split())
        known = tuple(sorted(found))
        cache.set(key, known, 3600)
    return known


@dataclasses.dataclass(frozen=True)
class Term:
    """A word of the query, searched as a prefix, and the known words it may have been
    mistyped for, with their distance (closest first)."""

    word: str
    near: tuple[tuple[str, int], ...] = ()

    def within(self, edits: int) -> tuple[str, list[str]]:
        """The (word, near words) pair of lib.text's query builders, corrections of at most
        `edits` mistakes."""
        return self.word, [other for other, distance in self.near if distance <= edits]


def query_terms(text: str, organization_id: int) -> list[Term]:
    """Each word of the query with the known words it may have been mistyped for. A known
    word is corrected too ("license" in one page, "licence" in another): the documents that
    hold it as typed are ranked first."""
    known = vocabulary(organization_id)
    return [
        Term(word, tuple(near_words(word, known)))
        for word in list(dict.fromkeys(words(text)))[:MAX_QUERY_WORDS]
    ]


def _levels(terms) -> list[int]:
    """The numbers of corrections to rank by: 0 (as typed), then each distance in use."""
    return sorted({0} | {distance for term in terms for _other, distance in term.near})


def _edits_column(levels, matches: str) -> str:
    """SQL for the fewest corrections a hit needs: the level of the first of the narrower
    queries (`matches`, with its placeholders, once per level but the last) that it matches.
    The widest query, in the WHERE clause, matches them all."""
    cases = "".join(f"WHEN {matches} THEN {level} " for level in levels[:-1])
    return f"CASE {cases}ELSE {levels[-1]} END" if cases else str(levels[-1])


def _sqlite_hits(terms, organization_id, languages, limit, every):
    levels = _levels(terms)
    *narrower, widest = [
        fts5_query([term.within(level) for term in terms], every=every) for level in levels
    ]
    # The narrower queries are uncorrelated subqueries: SQLite runs each once.
    edits = _edits_column(
        levels, "d.id IN (SELECT rowid FROM catalog_search_fts WHERE catalog_search_fts MATCH %s)"
    )
    placeholders = ", ".join(["%s"] * len(languages))
    sql = f"""
        SELECT d.kind, d.object_id, d.language, -bm25(catalog_search_fts, 10.0, 1.0) AS score,
               d.title, {edits} AS edits
        FROM catalog_search_fts
        JOIN catalog_searchdocument d ON d.id = catalog_search_fts.rowid
        WHERE catalog_search_fts MATCH %s AND d.organization_id = %s
          AND d.language IN ({placeholders})
        ORDER BY edits, score DESC LIMIT %s
    """  # noqa: S608 (placeholders and integers only)
    with connection.cursor() as cursor:
        cursor.execute(sql, [*narrower, widest, organization_id, *languages, limit])
        return cursor.fetchall()


def _postgresql_hits(terms, organization_id, languages, limit, every):
    levels = _levels(terms)
    *narrower, widest = [
        tsquery([term.within(level) for term in terms], every=every) for level in levels
    ]
    edits = _edits_column(levels, "vector @@ to_tsquery(%s::regconfig, %s)")
    sql = f"""
        SELECT kind, object_id, language, ts_rank(vector, query, 1) AS score, title,
               {edits} AS edits
        FROM catalog_searchdocument, to_tsquery(%s::regconfig, %s) AS query
        WHERE vector @@ query AND organization_id = %s AND language = %s
        ORDER BY edits, score DESC LIMIT %s
    """  # noqa: S608 (placeholders and integers only)
    rows = []
    with connection.cursor() as cursor:
        for language in languages:  # one text search configuration per query: the index works
            configuration = CONFIGURATIONS[language]
            params = [value for query in narrower for value in (configuration, query)]
            cursor.execute(sql, [*params, configuration, widest, organization_id, language, limit])
            rows += cursor.fetchall()
    return sorted(rows, key=lambda row: (row[5], -row[3]))


def _rerank(hits, terms):
    """The engine's order, refined: the documents that need fewer corrections first (the
    words as typed before the words they may be mistyped for); then a title that holds more
    of the query's words, then one that starts with them ("Passeport et carte d'identité"
    before "Faut-il prendre rendez-vous pour un passeport ?"), then the engine's score."""
    options = [(term.word, {other for other, _distance in term.near}) for term in terms]

    def matches(word, near, title_word):
        return title_word.startswith(word) or title_word in near

    def key(hit):
        title_words = words(hit[4], keep_stop_words=True)
        found = sum(
            any(matches(word, near, title_word) for title_word in title_words)
            for word, near in options
        )
        leads = bool(title_words) and matches(*options[0], title_words[0])
        return (hit[5], -found, not leads, -hit[3])

    return sorted(hits, key=key)


def search(organization, text: str, *, limit: int = 20, kinds=None) -> list[Result]:
    """The published pages, FAQ and procedures of `organization` that match `text`, best
    first, in the active language (French where a page is not translated)."""
    terms = query_terms(text, organization.pk)
    if not terms:
        return []
    language = "en" if (get_language() or "fr").startswith("en") else "fr"
    languages = [language] if language == "fr" else ["en", "fr"]
    engine = _postgresql_hits if connection.vendor == "postgresql" else _sqlite_hits
    # Pages holding every word, if any; else those holding some (a sentence typed whole).
    hits = engine(terms, organization.pk, languages, limit * 3, True) if len(terms) > 1 else []
    if not hits:
        hits = engine(terms, organization.pk, languages, limit * 3, False)
    hits = _rerank(hits, terms)
    order, seen = [], set()
    for kind, object_id, _language, _score, _title, _edits in hits:  # best first; one per object
        if (kind, object_id) not in seen:
            seen.add((kind, object_id))
            order.append((kind, object_id))
    wanted = set(kinds) if kinds else {"page", "faq", "procedure"}
    page_ids = [pk for kind, pk in order if kind in ("page", "faq") and kind in wanted]
    procedure_ids = [pk for kind, pk in order if kind == "procedure" and kind in wanted]
    pages = InfoPage.objects.visible().filter(organization=organization).in_bulk(page_ids)
    procedures = (
        Procedure.objects.published().filter(organization=organization).in_bulk(procedure_ids)
    )
    results = []
    for kind, pk in order:
        if kind in ("page", "faq") and pk in pages:
            results.append(page_result(pages[pk]))
        elif kind == "procedure" and pk in procedures:
            procedure = procedures[pk]
            results.append(
                Result(
                    kind=kind,
                    title=procedure.title,
                    summary=procedure.summary,
                    url=reverse("portal:procedure", args=[procedure.slug]),
                    object=procedure,
                )
            )
    return results[:limit]
