"""Telephone numbers, SIRET numbers and postal codes (guichet/lib/phone.py, siret.py,
postal.py)."""

import pytest

from guichet.lib.phone import format_phone, normalize_phone
from guichet.lib.postal import clean_postal_code, is_valid_postal_code
from guichet.lib.siret import format_siret, is_valid_siret, luhn_valid


@pytest.mark.parametrize(
    "typed, stored",
    [
        ("01 23 45 67 89", "+33123456789"),
        ("01.23.45.67.89", "+33123456789"),
        ("+33 (0)1 23 45 67 89", "+33123456789"),
        ("0033123456789", "+33123456789"),
        ("+32 2 123 45 67", "+3221234567"),
        ("+1 202 555 0143", "+12025550143"),
        ("01 23 45 67", None),
        ("06 12 34 56 7", None),
        ("0 123 456 789 0", None),
        ("+0 123", None),
        ("appelez-moi", None),
        ("", None),
        ("1" * 40, None),
    ],
)
def test_normalize_phone(typed, stored):
    assert normalize_phone(typed) == stored


def test_format_phone_reads_french_numbers_nationally():
    assert format_phone("+33123456789") == "01 23 45 67 89"
    assert format_phone("+3221234567") == "+32 2 123 45 67"
    assert format_phone("n'importe quoi") == "n'importe quoi"


def test_siret():
    assert luhn_valid("732829320") and luhn_valid("73282932000074")
    assert is_valid_siret("73282932000074")
    assert not is_valid_siret("73282932000073")
    assert not is_valid_siret("7328293200007")
    assert not is_valid_siret("７３２８２９３２０００７４")  # full-width digits
    # La Poste: the sum of the digits is a multiple of 5, Luhn or not.
    assert is_valid_siret("35600000000048")
    assert is_valid_siret("35600000010000") and not luhn_valid("35600000010000")
    assert not is_valid_siret("35600000010001")
    assert format_siret("73282932000074") == "732 829 320 00074"


@pytest.mark.parametrize(
    "code, valid",
    [
        ("75001", True),
        ("01000", True),
        ("20000", True),  # Ajaccio: Corsica is 20 in postal codes
        ("20200", True),
        ("97400", True),
        ("98000", True),
        ("2A000", False),
        ("00100", False),
        ("99000", False),
        ("7500", False),
        ("750011", False),
    ],
)
def test_postal_codes(code, valid):
    assert is_valid_postal_code(code) is valid


def test_postal_codes_as_typed():
    assert clean_postal_code(" 75 001 ") == "75001"
