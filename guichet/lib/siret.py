"""SIRET numbers: the 14 digits that identify a French business's establishment.

A SIRET is the company's SIREN (9 digits) and the establishment's NIC (5 digits). Both the
SIREN and the whole SIRET carry a Luhn check digit, except for La Poste, whose thousands of
establishments (SIREN 356 000 000) outgrew the scheme: INSEE checks theirs by the sum of the
digits, which must be a multiple of 5.
"""

LA_POSTE_SIREN = "356000000"


def clean_siret(text: str) -> str:
    """The digits of a SIRET as typed, without the spaces, dots and dashes people put in."""
    return "".join(ch for ch in (text or "") if ch not in " .-\u00a0\u202f")


def luhn_valid(digits: str) -> bool:
    """The Luhn checksum (ISO/IEC 7812) of a string of digits."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        digit = int(char)
        if position % 2 == 1:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return total % 10 == 0


def is_valid_siret(value: str) -> bool:
    """Whether `value` (digits only) is a well-formed SIRET with the right checksum."""
    if len(value) != 14 or not value.isascii() or not value.isdigit():
        return False
    if value.startswith(LA_POSTE_SIREN):
        return luhn_valid(value) or sum(int(digit) for digit in value) % 5 == 0
    return luhn_valid(value[:9]) and luhn_valid(value)


def format_siret(value: str) -> str:
    """`73282932000074` -> `732 829 320 00074` (the SIREN in threes, then the NIC)."""
    if len(value) != 14:
        return value
    return f"{value[:3]} {value[3:6]} {value[6:9]} {value[9:]}"
