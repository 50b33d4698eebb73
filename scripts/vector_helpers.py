"""Shared pieces of the vector generator: fixed pseudo-random inputs and error capture."""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from zivverdesk.core.errors import ZivverdeskError
from zivverdesk.crypto import keyschedule as ks

VECTOR_FORMAT = "zivverdesk-vectors/1"
ITERATIONS = ks.MIN_ITERATIONS  # the smallest accepted N keeps browser runs fast


def fixed(label: str, n: int) -> bytes:
    """n deterministic bytes named by `label` (SHA-256 in counter mode)."""
    out = b""
    counter = 0
    while len(out) < n:
        out += hashlib.sha256(f"{label}/{counter}".encode()).digest()
        counter += 1
    return out[:n]


def fixed_id(label: str) -> str:
    return fixed("id/" + label, 16).hex()


def error_code(fn: Callable[[], object]) -> str | None:
    try:
        fn()
    except ZivverdeskError as exc:
        return exc.code
    return None
