import pytest

from guichet.lib.text import MAX_NEAR_WORDS, fold, max_edits, near_words, words


def test_fold_removes_case_and_accents():
    assert fold("Établissement scolaire, CŒUR, Noël") == "etablissement scolaire, coeur, noel"


def test_words_leave_out_stop_words():
    assert words("Comment obtenir un passeport pour mon enfant ?") == [
        "obtenir",
        "passeport",
        "enfant",
    ]
    assert words("l'école", keep_stop_words=True) == ["l", "ecole"]


@pytest.mark.parametrize(
    ("typed", "known", "edits"),
    [
        ("pasport", "passport", 1),  # a letter missing
        ("passeportt", "passeport", 1),  # one too many
        ("passeprot", "passeport", 1),  # two neighbours swapped
        ("passepirt", "passeport", 1),  # one replaced
        ("pasepirt", "passeport", 2),  # two mistakes
        ("pasesprot", "passeport", 2),  # two swaps
        ("encomrents", "encombrants", 2),
        ("encombrants", "encombrnats", 1),
        ("passeport", "passeports", None),  # found as a prefix, no correction needed
        ("pasepirtt", "passeport", None),  # three mistakes
        ("carte", "cartel", None),  # a prefix
        ("carte", "porte", None),  # two mistakes on a short word
        ("cartes", "carte", 1),
        ("mairue", "mairie", 1),
        ("nairue", "mairie", None),  # two mistakes on six letters
        ("oasseport", "passeport", 2),  # the first letter counts twice
        ("oaseport", "passeport", None),
        ("bairie", "mairie", None),
        ("poubelle", "nouvelle", None),
        ("licence", "silence", None),
    ],
)
def test_near_words_forgive_one_mistake_below_seven_letters_and_two_from_seven(typed, known, edits):
    vocabulary = ("identite", known, "ecole")
    assert near_words(typed, vocabulary) == ([(known, edits)] if edits else [])


@pytest.mark.parametrize(
    ("word", "edits"),
    [("eco", 0), ("ecol", 1), ("mairie", 1), ("passport", 2), ("2024", 0), ("75001", 0)],
)
def test_max_edits(word, edits):
    assert max_edits(word) == edits


def test_near_words_closest_first_and_bounded():
    assert near_words("pasport", ["passeport", "pasport", "passport"]) == [
        ("passport", 1),
        ("passeport", 2),
    ]  # the word itself, found as typed, is no correction
    one_away = [f"pa{letter}port" for letter in "abcdefghijklmnopq"]
    found = near_words("pasport", ["passeport", *one_away])
    assert len(found) == MAX_NEAR_WORDS
    assert {distance for _word, distance in found} == {1}  # the farther one is left out


def test_near_words_only_for_words_long_enough():
    vocabulary = ("passeport", "carte", "ecole", "eole")
    assert near_words("passeprot", vocabulary) == [("passeport", 1)]
    assert near_words("passeport", vocabulary) == []  # a known word has no other near word
    assert near_words("ecol", vocabulary) == []  # a prefix of "ecole": found as typed
    assert near_words("eole", vocabulary) == [("ecole", 1)]
    assert near_words("eco", vocabulary) == []


def test_free_slug():
    from guichet.lib.text import free_slug

    assert free_slug("horaires", set()) == "horaires"
    assert free_slug("horaires", {"horaires", "horaires-2", "horaires-ete"}) == "horaires-3"
