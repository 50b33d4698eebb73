"""A wrapper for secret values whose `repr` and `str` are masked.

Passwords, access codes, tokens and keys travel in a `Secret` so that an accidental log line,
f-string or traceback shows `Secret('***')` instead of the value.
"""

from __future__ import annotations

import hmac


class Secret[T: (str, bytes)]:
    __slots__ = ("_value",)

    _value: T

    def __init__(self, value: T) -> None:
        self._value = value

    def reveal(self) -> T:
        """The secret itself: call it only where the value is used, never to display it."""
        return self._value

    def __repr__(self) -> str:
        return "Secret('***')"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Secret):
            return NotImplemented
        mine, theirs = self._value, other._value
        if isinstance(mine, str) and isinstance(theirs, str):
            return hmac.compare_digest(mine.encode(), theirs.encode())
        if isinstance(mine, bytes) and isinstance(theirs, bytes):
            return hmac.compare_digest(mine, theirs)
        return False

    def __hash__(self) -> int:  # secrets are compared, never used as keys
        raise TypeError("Secret values are not hashable")

    def __bool__(self) -> bool:
        return bool(self._value)

    def __reduce__(self) -> str:  # never pickle a secret by accident
        raise TypeError("Secret values cannot be pickled")
