"""Text for search: words without accents or case, French stop words, near misses.

Knows nothing of Django or of a database: the search index (guichet/catalog/search.py)
uses it to index words and to correct a query's typing mistakes against the words it has.
"""

import re
import unicodedata

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


def within_one_edit(a: str, b: str) -> bool:
    """Whether `b` is `a` with at most one letter inserted, deleted, replaced, or two
    neighbours swapped (Damerau-Levenshtein distance <= 1)."""
    if a == b:
        return True
    la, lb = len(a), len(b)
    if abs(la - lb) > 1:
        return False
    if la == lb:
        diff = [i for i in range(la) if a[i] != b[i]]
        if len(diff) == 1:
            return True
        return (
            len(diff) == 2
            and diff[1] == diff[0] + 1
            and a[diff[0]] == b[diff[1]]
            and a[diff[1]] == b[diff[0]]
        )
    if la > lb:
        a, b, la, lb = b, a, lb, la
    # b has one more letter: skip it at the first difference, the rest must be equal.
    i = 0
    while i < la and a[i] == b[i]:
        i += 1
    return a[i:] == b[i + 1 :]


def near_words(word: str, vocabulary, *, min_length: int = 4) -> list[str]:
    """The words of `vocabulary` one edit away from `word` (a typing mistake), for words of
    at least `min_length` letters: shorter ones have too many neighbours to guess."""
    if len(word) < min_length:
        return []
    return sorted(other for other in vocabulary if other != word and within_one_edit(word, other))


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
