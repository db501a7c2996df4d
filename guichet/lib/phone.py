"""Telephone numbers: French ones as people type them, foreign ones with their "+" prefix.

Numbers are stored in E.164 (`+33123456789`) and shown the way a reader dials them: French
numbers in the national format (`01 23 45 67 89`), others in the international one.

A number is accepted when it is *possible* (the right length for its country), not only
when it is *valid* (in a range the metadata knows as allocated): the metadata of
`phonenumbers` lags behind new allocations, and a citizen must never be refused their own
number. The ranges that ARCEP keeps for fiction (06 39 98 …) are possible, not valid.
"""

import re

import phonenumbers

DEFAULT_REGION = "FR"
MAX_LENGTH = 32
FRANCE = 33
# A French number without its leading 0: nine digits, the first from 1 to 9.
FRENCH_NUMBER = re.compile(r"^[1-9]\d{8}$")


def normalize_phone(text: str, region: str = DEFAULT_REGION) -> str | None:
    """The number typed in `text` in E.164, or None when it cannot be a telephone number.

    National numbers are read in `region`; "+..." and "00..." numbers in their own country.
    """
    text = (text or "").strip()
    if not text or len(text) > MAX_LENGTH:
        return None
    if any(ch.isalpha() for ch in text):
        return None
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None
    if phonenumbers.region_code_for_number(number) in (None, "ZZ"):
        return None
    if number.country_code == FRANCE and (
        number.italian_leading_zero or not FRENCH_NUMBER.match(str(number.national_number))
    ):
        # "06 12 34 56 7" would pass as a 9-digit number with a leading zero.
        return None
    reason = phonenumbers.is_possible_number_with_reason(number)
    if reason != phonenumbers.ValidationResult.IS_POSSIBLE:
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


# Stored French numbers outside the 08 ranges read "0X XX XX XX XX": written directly,
# 40 µs less per number than through phonenumbers' metadata (an export formats thousands).
_FRENCH_PAIRS = re.compile(r"^\+33([1-79])(\d\d)(\d\d)(\d\d)(\d\d)$")


def format_phone(value: str) -> str:
    """A stored number for reading: national format in France, international elsewhere.
    Anything that does not parse comes back as it is."""
    pairs = _FRENCH_PAIRS.match(value or "")
    if pairs:
        return "0" + " ".join(pairs.groups())
    try:
        number = phonenumbers.parse(value or "", DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        return value or ""
    if number.country_code == FRANCE:
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def phone_pattern(e164: str) -> str:
    """A regular expression that finds the number `e164` however it was typed: French numbers
    with their leading 0 or +33, any separators between the digits."""
    digits = e164.lstrip("+")
    if e164.startswith("+33") and len(digits) == 11:
        national = digits[2:]
        return r"^\s*(\+33|0033|0)\D*" + r"\D*".join(national) + r"\s*$"
    return r"^\s*(\+|00)" + r"\D*".join(digits) + r"\s*$"


# Numbers that may be a mobile's: a text message can reach them.
_SMS_TYPES = {
    phonenumbers.PhoneNumberType.MOBILE,
    phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    phonenumbers.PhoneNumberType.UNKNOWN,
}


def can_receive_sms(value: str) -> bool:
    """Whether a stored (E.164) number may receive text messages: in France a 06 or 07
    number; elsewhere any number not known to be a landline or a service number."""
    try:
        number = phonenumbers.parse(value or "", DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        return False
    if number.country_code == FRANCE:
        return str(number.national_number)[:1] in ("6", "7")
    return phonenumbers.number_type(number) in _SMS_TYPES
