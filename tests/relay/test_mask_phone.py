"""What the recipient page shows of the number an SMS code goes to: a Dutch number reads as
people know their own (06 …), whether the desktop sent it in national or international form."""

from __future__ import annotations

import pytest

from zivverdesk.relay.sms import mask_phone


@pytest.mark.parametrize(
    ("phone", "shown"),
    [
        ("0612345678", "06 •• •• •• 78"),
        ("+31612345678", "06 •• •• •• 78"),
        ("0031612345678", "06 •• •• •• 78"),
        ("+32470123456", "32 •• •• •• 56"),
        ("12", "••"),
        (None, None),
    ],
)
def test_the_masked_number(phone: str | None, shown: str | None) -> None:
    assert mask_phone(phone) == shown
