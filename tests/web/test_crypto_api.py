"""The browser crypto API the pages rely on: every name a page imports from crypto/index.js
exists, and every module loads under the relay's script policy (no inline script)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from zivverdesk.crypto.errors import CryptoError

pytestmark = pytest.mark.browser

WEB = Path(__file__).resolve().parents[2] / "resources" / "web"
IMPORT_FROM_INDEX = re.compile(
    r"import\s*\{([^}]*)\}\s*from\s*[\"'](?:\./|/web/)crypto/index\.js[\"']"
)


def _names_pages_import() -> set[str]:
    names: set[str] = set()
    for path in WEB.glob("*.js"):
        for group in IMPORT_FROM_INDEX.findall(path.read_text(encoding="utf-8")):
            for item in group.split(","):
                if item.strip():
                    names.add(item.split(" as ")[0].strip())
    return names


def _subclasses(cls: type[CryptoError]) -> set[type[CryptoError]]:
    found: set[type[CryptoError]] = set(cls.__subclasses__())
    for sub in list(found):
        found |= _subclasses(sub)
    return found


def test_every_name_the_pages_import_is_exported(harness_page: Any) -> None:
    exported = set(
        harness_page.evaluate("async () => Object.keys(await import('/web/crypto/index.js'))")
    )
    imported = _names_pages_import()
    assert imported, "no page imports crypto/index.js any more: update this test"
    missing = imported - exported
    assert not missing, f"pages import names crypto/index.js does not export: {sorted(missing)}"


def test_every_module_loads_and_errors_carry_codes(harness_page: Any) -> None:
    modules = sorted(p.name for p in (WEB / "crypto").glob("*.js"))
    got = harness_page.evaluate(
        """async (modules) => {
          const loaded = [];
          for (const m of modules) { await import(`/web/crypto/${m}`); loaded.push(m); }
          const errors = await import("/web/crypto/errors.js");
          const codes = Object.values(errors)
            .filter((E) => E.prototype instanceof errors.CryptoError)
            .map((E) => new E("x", "y").code);
          return { loaded, codes };
        }""",
        modules,
    )
    assert got["loaded"] == modules
    python_codes = {cls.code for cls in _subclasses(CryptoError)}
    assert set(got["codes"]) <= python_codes, "a browser error code the Python side lacks"
    # The same vocabulary as zivverdesk/crypto/errors.py (docs/PROTOCOL.md §11).
    assert set(got["codes"]) == {
        "integrity",
        "truncated",
        "trailing_data",
        "unsupported_version",
        "unsupported_suite",
        "bad_header",
        "bad_encoding",
        "non_canonical",
        "invalid_manifest",
        "bad_parameters",
        "invalid_code",
        "wrong_code",
    }
