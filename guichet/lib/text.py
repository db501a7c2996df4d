"""Text for search: words without accents or case, French stop words, near misses.

Knows nothing of Django or of a database: the search index (guichet/catalog/search.py)
uses it to index words and to correct a query's typing mistakes against the words it has.
"""

import re
import unicodedata

from rapidfuzz import process
from rapidfuzz.distance import OSA

WORD = re.compile(r"\w+", re.UNICODE)

# Words that say nothing of a page's subject; PostgreSQL's French configuration drops much
# the same. Without accents, as `words` returns them.
STOP_WORDS = frozenset(
    """
    a ai au aux avec ce ces cet cette comment d dans de des du elle en et est etre il
    ils j je l la le les leur lui m ma mais me mes moi mon n ne nos notre nous on ou par
    pas pour qu que quel quelle qui s sa se ses si son sur t ta te tes toi ton tu un une
    vos votre vous y c ca faire fait peut puis veux voudrais dois doit the of and to for
    in is how what my i
    """.split()  # noqa: SIM905 (a list of words reads better as text)
)


def fold(text: str) -> str:
    """Lower case without accents: "Établissement" -> "etablissement", "cœur" -> "coeur"."""
    text = (text or "").replace("œ", "oe").replace("Œ", "oe").replace("æ", "ae")
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def words(text: str, *, keep_stop_words: bool = False) -> list[str]:
    """The folded words of `text`, in order, stop words left out unless asked."""
    found = WORD.findall(fold(text).replace("_", " "))
    return [w for w in found if keep_stop_words or w not in STOP_WORDS]


# Typing mistakes forgiven in a query's word, by its length: none below four letters (too
# many neighbours to guess), one up to six, two from seven, as search engines do
# (Elasticsearch's "AUTO" fuzziness: 0, 1, 2 edits).
ONE_EDIT_FROM = 4
TWO_EDITS_FROM = 7
# At most this many corrections of one word go into the query, the closest first.
MAX_NEAR_WORDS = 16


def max_edits(word: str) -> int:
    """How many typing mistakes are forgiven in `word`. Numbers are never corrected: 2025 is
    not a typo of 2024, nor one postcode of another."""
    if not word.isalpha() or len(word) < ONE_EDIT_FROM:
        return 0
    return 1 if len(word) < TWO_EDITS_FROM else 2


def near_words(word: str, vocabulary) -> list[tuple[str, int]]:
    """The words of `vocabulary` (a sequence) at most `max_edits(word)` typing mistakes away
    from `word`, with their distance, closest first. A mistake is a letter inserted, deleted,
    replaced, or two neighbours swapped (Damerau-Levenshtein distance, in its "optimal string
    alignment" form, as Lucene counts it). A first letter that differs costs one more, as in
    Meilisearch: people rarely mistype it, and most look-alikes a long word has in a
    vocabulary start otherwise ("poubelle" and "nouvelle", "licence" and "silence"). The words
    that start with `word` are left out: a prefix search finds them as typed.

    The scan is linear in the vocabulary but done in C++ by rapidfuzz, bit-parallel, the
    cut-off pruning most words on their length: about 1 ms for 10,000 words, 3 ms for 20,000
    on a loaded core."""
    edits = max_edits(word)
    if not edits:
        return []
    near = []
    for other, distance, _index in process.extract(
        word, vocabulary, scorer=OSA.distance, score_cutoff=edits, limit=None
    ):
        distance += other[:1] != word[:1]
        if distance <= edits and not other.startswith(word):
            near.append((distance, other))
    return [(other, distance) for distance, other in sorted(near)[:MAX_NEAR_WORDS]]


def free_slug(base: str, taken) -> str:
    """`base`, or `base-2`, `base-3`... the first that `taken` (the slugs in use starting
    with `base`) does not hold."""
    slug, number = base, 2
    while slug in taken:
        slug, number = f"{base}-{number}", number + 1
    return slug


# --- Full-text query expressions -------------------------------------------------------------
# `terms`: (word, [near words]) pairs, words folded by `words` (letters and digits only, so
# nothing of the engines' syntax can come from what a user typed).


def fts5_query(terms, *, every: bool) -> str:
    """SQLite FTS5: each word as a prefix, or one of its near words; AND-ed or OR-ed."""
    groups = ["(" + " OR ".join([f'"{w}"*', *(f'"{n}"' for n in near)]) + ")" for w, near in terms]
    return (" AND " if every else " OR ").join(groups)


def tsquery(terms, *, every: bool) -> str:
    """PostgreSQL to_tsquery: the same, in its syntax."""
    groups = ["(" + " | ".join([f"{w}:*", *near]) + ")" for w, near in terms]
    return (" & " if every else " | ").join(groups)


# The largest value of a BigAutoField (a 64-bit signed integer).
MAX_ID = 2**63 - 1


def parse_id(value) -> int | None:
    """The positive integer (a row's id) that `value` writes in ASCII digits, or None.

    str.isdigit() accepts "①" or "٣", which int() refuses or reads; and a database refuses
    numbers beyond 64 bits: what comes from a request is checked here before it is used.
    """
    if not isinstance(value, str) or not value.isascii() or not value.isdigit():
        return None
    if len(value) > 19 or int(value) > MAX_ID:
        return None
    return int(value)
