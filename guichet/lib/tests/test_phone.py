"""Finding a telephone number whatever way it was typed."""

import re

import pytest

from guichet.lib.phone import phone_pattern


@pytest.mark.parametrize(
    ("stored", "found"),
    [
        ("0612345678", True),
        ("06 12 34 56 78", True),
        ("06.12.34.56.78", True),
        ("+33 6 12 34 56 78", True),
        ("+33612345678", True),
        ("0033612345678", True),
        ("0612345679", False),
        ("06123456780", False),
        ("+44612345678", False),
    ],
)
def test_a_number_is_found_however_it_was_typed(stored, found):
    assert bool(re.search(phone_pattern("+33612345678"), stored)) is found
