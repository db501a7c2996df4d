"""Finding a telephone number whatever way it was typed."""

import re

import pytest

from guichet.lib.phone import can_receive_sms, format_phone, phone_pattern


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


@pytest.mark.parametrize(
    ("number", "expected"),
    [
        ("+33612345678", True),
        ("+33712345678", True),
        ("+33639981234", True),  # ARCEP's fiction range: possible, a mobile's
        ("+33123456789", False),
        ("+33912345678", False),
        ("+447911123456", True),  # a British mobile
        ("+442079460000", False),  # a London landline
        ("", False),
        ("not a number", False),
    ],
)
def test_which_numbers_can_receive_sms(number, expected):
    assert can_receive_sms(number) is expected


def test_french_numbers_read_as_the_metadata_formats_them_in_every_range():
    import random

    import phonenumbers

    rng = random.Random(7)
    for prefix in range(10, 100):
        for _ in range(20):
            e164 = f"+33{prefix}{rng.randrange(10**7):07d}"
            expected = phonenumbers.format_number(
                phonenumbers.parse(e164), phonenumbers.PhoneNumberFormat.NATIONAL
            )
            assert format_phone(e164) == expected, e164
    assert format_phone("+33612345678") == "06 12 34 56 78"
    assert format_phone("+33800123456") == "0 800 12 34 56"
