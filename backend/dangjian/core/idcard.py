"""Citizen ID numbers (GB 11643-1999): checksum, and the birth date and gender they encode."""

from __future__ import annotations

import re
from datetime import date

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
# ASCII digits only, whole string (no trailing newline, no full-width digits).
_PATTERN = re.compile(r"[0-9]{17}[0-9X]")


def check_digit(first17: str) -> str:
    return _CHECK[sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True)) % 11]


def birth_date_of(number: str) -> date | None:
    try:
        return date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return None


def is_valid(number: str) -> bool:
    number = number.upper()
    return (
        _PATTERN.fullmatch(number) is not None
        and check_digit(number[:17]) == number[17]
        and birth_date_of(number) is not None
    )


def gender_of(number: str) -> str:
    """'male' when the 17th digit is odd, else 'female'."""
    return "male" if int(number[16]) % 2 else "female"


def make(area: str, born: date, sequence: int, male: bool) -> str:
    """Build a valid number from its parts (sequence 0–99; the gender digit is appended)."""
    body = f"{area}{born:%Y%m%d}{sequence % 100:02d}{_gender_digit(sequence, male)}"
    return body + check_digit(body)


def _gender_digit(sequence: int, male: bool) -> int:
    digit = (sequence * 7) % 10
    return digit if (digit % 2 == 1) == male else (digit + 1) % 10
