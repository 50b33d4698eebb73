"""Mobile numbers for SMS verification (S2, S13): one rule for the address book and the send
path, so a typo is refused when a contact is saved rather than when a message goes out.

A number is kept in international form (E.164: `+` and 8 to 15 digits, no spaces), which is
what SMS gateways take. Dutch numbers may be typed the way people write them (`06-12345678`,
`+31 (0)6 1234 5678`, `0031 6 …`); a Dutch number must be a mobile one (`06`), because a
landline cannot receive the code. Numbers of other countries are checked for form only.
"""

from __future__ import annotations

import re

from zivverdesk.core.errors import ZivverdeskError

# What people put between digits: spaces, dashes, dots, slashes and brackets.
_SEPARATORS = re.compile(r"[\s\-./()]")
# "+31 (0)6 …": the national trunk 0 written after the country code, to be dropped.
_TRUNK_AFTER_CODE = re.compile(r"^(\+\d{1,3})\s*\(0\)")
_E164 = re.compile(r"^\+[1-9]\d{7,14}$")
_DUTCH_MOBILE = re.compile(r"^\+316\d{8}$")

EXAMPLE = "06 12345678 / +31 6 12345678"


class InvalidMobileNumber(ZivverdeskError):
    """A mobile number that no SMS gateway could deliver to."""

    code = "invalid_mobile"

    def __init__(self, number: str, reason: str) -> None:
        super().__init__(f"{number!r} {reason}")
        self.number = number


def normalise_mobile(number: str) -> str:
    """The number in international form (`+31612345678`), or `InvalidMobileNumber` saying
    why it is refused."""
    typed = number.strip()
    if not typed:
        raise InvalidMobileNumber(number, "is leeg. / is empty.")
    digits = _SEPARATORS.sub("", _TRUNK_AFTER_CODE.sub(r"\1", typed))
    if digits.startswith("00"):
        digits = "+" + digits[2:]
    elif digits.startswith("0"):
        digits = "+31" + digits[1:]  # a national number: this is a Dutch office
    if not _E164.match(digits):
        raise InvalidMobileNumber(
            typed,
            f"is geen geldig mobiel nummer (bijvoorbeeld {EXAMPLE}). / is not a valid mobile "
            f"number (for example {EXAMPLE}).",
        )
    if digits.startswith("+31") and not _DUTCH_MOBILE.match(digits):
        raise InvalidMobileNumber(
            typed,
            "is geen Nederlands mobiel nummer: dat begint met 06 en heeft 10 cijfers. / is not "
            "a Dutch mobile number: those start with 06 and have 10 digits.",
        )
    return digits
