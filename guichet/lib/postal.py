"""French postal codes (codes postaux), as La Poste gives them.

Five digits; the first two are the département's number, with Corsica at 20 (20000 Ajaccio,
20200 Bastia: postal codes never use the 2A / 2B of INSEE's commune codes), overseas
departments and collectivities at 97 and 98 (Monaco, 98000, is in La Poste's plan too).
"""

import re

POSTAL_CODE = re.compile(r"^(0[1-9]|[1-8]\d|9[0-8])\d{3}$")


def clean_postal_code(text: str) -> str:
    """The code as typed, without spaces ("75 001" -> "75001")."""
    return "".join((text or "").split())


def is_valid_postal_code(value: str) -> bool:
    return bool(POSTAL_CODE.match(value or ""))
