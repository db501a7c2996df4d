import pytest

from guichet.lib.text import fold, near_words, within_one_edit, words


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
    ("a", "b", "expected"),
    [
        ("passeport", "passeport", True),
        ("pasport", "passport", True),  # a letter missing
        ("passeportt", "passeport", True),  # one too many
        ("passeprot", "passeport", True),  # two neighbours swapped
        ("passepirt", "passeport", True),  # one replaced
        ("pasepirt", "passeport", False),  # two mistakes
        ("carte", "cartes", True),
        ("carte", "porte", False),
    ],
)
def test_within_one_edit(a, b, expected):
    assert within_one_edit(a, b) is expected
    assert within_one_edit(b, a) is expected


def test_near_words_only_for_words_long_enough():
    vocabulary = {"passeport", "carte", "ecole", "eole"}
    assert near_words("passeprot", vocabulary) == ["passeport"]
    assert near_words("passeport", vocabulary) == []  # a known word needs no correction
    assert near_words("ecol", vocabulary) == ["ecole"]
    assert near_words("eole", vocabulary) == ["ecole"]
    assert near_words("eco", vocabulary) == []


def test_free_slug():
    from guichet.lib.text import free_slug

    assert free_slug("horaires", set()) == "horaires"
    assert free_slug("horaires", {"horaires", "horaires-2", "horaires-ete"}) == "horaires-3"
