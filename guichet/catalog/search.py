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
prefix (suggestions while one types) and, when the index does not know it, together with
the known words one typing mistake away (guichet/lib/text.py). The pages that hold every
word come first and alone; when none does (a whole sentence typed), those that hold some of
them, a page with more of them, or with them in its title, ranking higher.
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


def _bump_vocabulary(organization_id: int) -> None:
    cache.delete(f"guichet:search-vocabulary:{organization_id}")


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
    """(Re)indexes a procedure open to requests (its texts are French only)."""
    documents = []
    if procedure.is_published and procedure.current_version_id:
        text = f"{procedure.summary}\n{procedure.description}\n{procedure.to_prepare}"
        documents.append(_document(procedure, "procedure", "fr", procedure.title, text))
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


def vocabulary(organization_id: int) -> frozenset[str]:
    """Every word the organization's index holds (cached until the index changes)."""
    key = f"guichet:search-vocabulary:{organization_id}"
    known = cache.get(key)
    if known is None:
        known = set()
        for text in SearchDocument.objects.filter(organization_id=organization_id).values_list(
            "words", flat=True
        ):
            known.update(text.split())
        known = frozenset(known)
        cache.set(key, known, 3600)
    return known


def query_terms(text: str, organization_id: int) -> list[tuple[str, list[str]]]:
    """Each word of the query with the known words it may have been mistyped for."""
    known = vocabulary(organization_id)
    terms = []
    for word in list(dict.fromkeys(words(text)))[:MAX_QUERY_WORDS]:
        if word in known or any(other.startswith(word) for other in known):
            terms.append((word, []))
        else:
            terms.append((word, near_words(word, known)))
    return terms


def _sqlite_hits(terms, organization_id, languages, limit, every):
    placeholders = ", ".join(["%s"] * len(languages))
    sql = f"""
        SELECT d.kind, d.object_id, d.language, -bm25(catalog_search_fts, 10.0, 1.0) AS score,
               d.title
        FROM catalog_search_fts
        JOIN catalog_searchdocument d ON d.id = catalog_search_fts.rowid
        WHERE catalog_search_fts MATCH %s AND d.organization_id = %s
          AND d.language IN ({placeholders})
        ORDER BY score DESC LIMIT %s
    """  # noqa: S608 (placeholders only)
    with connection.cursor() as cursor:
        match = fts5_query(terms, every=every)
        cursor.execute(sql, [match, organization_id, *languages, limit])
        return cursor.fetchall()


def _postgresql_hits(terms, organization_id, languages, limit, every):
    rows = []
    with connection.cursor() as cursor:
        for language in languages:  # one text search configuration per query: the index works
            cursor.execute(
                """
                SELECT kind, object_id, language, ts_rank(vector, query, 1) AS score, title
                FROM catalog_searchdocument, to_tsquery(%s::regconfig, %s) AS query
                WHERE vector @@ query AND organization_id = %s AND language = %s
                ORDER BY score DESC LIMIT %s
                """,
                [
                    CONFIGURATIONS[language],
                    tsquery(terms, every=every),
                    organization_id,
                    language,
                    limit,
                ],
            )
            rows += cursor.fetchall()
    return sorted(rows, key=lambda row: -row[3])


def _rerank(hits, terms):
    """The engine's order, refined by the titles: a title that holds more of the query's
    words comes first, then one that starts with them ("Passeport et carte d'identité"
    before "Faut-il prendre rendez-vous pour un passeport ?"), then the engine's score."""

    def matches(word, options, title_word):
        return title_word.startswith(word) or title_word in options

    def key(hit):
        title_words = words(hit[4], keep_stop_words=True)
        found = sum(
            any(matches(word, near, title_word) for title_word in title_words)
            for word, near in terms
        )
        first = terms[0]
        leads = bool(title_words) and matches(first[0], first[1], title_words[0])
        return (-found, not leads, -hit[3])

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
    for kind, object_id, _language, _score, _title in hits:  # best first; one per object
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
