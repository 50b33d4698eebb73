"""Generate the test vectors in tests/vectors/ from the Python implementation.

    python scripts/gen_vectors.py [OUT_DIR]     (default: tests/vectors)

Deterministic: every key, salt, nonce and ephemeral key comes from a fixed label, so running
it twice gives identical files (a unit test checks that the checked-in files are current).
Field conventions (docs/PROTOCOL.md §10): byte strings are lowercase hex in fields ending in
`_hex`, base64url without padding in fields ending in `_b64url`; a case has either an
expected result or `"error"` with a code from the vocabulary in PROTOCOL.md §9.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from vectors_blob import access_code_vectors, base64url_vectors, blob_vectors  # noqa: E402
from vectors_keys import hpke_vectors, keyschedule_vectors  # noqa: E402
from vectors_manifest import manifest_vectors  # noqa: E402

GENERATORS: dict[str, Callable[[], dict[str, Any]]] = {
    "blob.json": blob_vectors,
    "keyschedule.json": keyschedule_vectors,
    "access_code.json": access_code_vectors,
    "base64url.json": base64url_vectors,
    "manifest.json": manifest_vectors,
    "hpke.json": hpke_vectors,
}


def render(doc: dict[str, Any]) -> str:
    return json.dumps(doc, ensure_ascii=False, indent=1, sort_keys=False) + "\n"


def main(argv: list[str]) -> int:
    out = Path(argv[1]) if len(argv) > 1 else ROOT / "tests" / "vectors"
    out.mkdir(parents=True, exist_ok=True)
    positive = negative = 0
    for name, make in GENERATORS.items():
        doc = make()
        (out / name).write_text(render(doc), encoding="utf-8")
        for value in doc.values():
            if isinstance(value, list) and value and isinstance(value[0], dict):
                for case in value:
                    if "error" in case:
                        negative += 1
                    elif "name" in case:
                        positive += 1
    total = positive + negative
    print(f"{total} cases, {negative} negative ({100 * negative // max(total, 1)}%) in {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
