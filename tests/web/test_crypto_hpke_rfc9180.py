"""The browser's HPKE against RFC 9180's own vectors (from the `cryptography_vectors` package).

Only one suite is implemented (base mode, DHKEM(X25519, HKDF-SHA256), HKDF-SHA256,
AES-256-GCM), so the test uses exactly the vector entries of that suite and fails if there are
none: a silently empty selection would prove nothing.
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

import pytest

pytestmark = pytest.mark.browser


def _base_mode_x25519_vectors() -> list[dict[str, Any]]:
    path = resources.files("cryptography_vectors") / "HPKE" / "test-vectors.json"
    entries = json.loads(path.read_text(encoding="utf-8"))
    return [
        e
        for e in entries
        if int(e["mode"]) == 0
        and int(e["kem_id"]) == 0x20
        and int(e["kdf_id"]) == 1
        and int(e["aead_id"]) == 2
    ]


def test_the_rfc_vectors_of_our_suite_exist() -> None:
    vectors = _base_mode_x25519_vectors()
    assert len(vectors) >= 1
    assert sum(len(v["encryptions"]) for v in vectors) >= 1


SEAL_AND_OPEN_RFC_VECTOR = """async (v) => {
  const { hpke, bytes } = window.zvd;
  const h = bytes.fromHex;
  const sender = await hpke.setupBaseSender(h(v.pkRm), h(v.info), h(v.skEm));
  const schedule = await hpke.keySchedule(sender.sharedSecret, h(v.info));
  const recipient = await hpke.setupBaseRecipient(h(v.enc), h(v.skRm), h(v.info));
  const sealed = [];
  const opened = [];
  for (const e of v.encryptions) {
    sealed.push(bytes.toHex(await sender.context.seal(h(e.pt), h(e.aad))));
    opened.push(bytes.toHex(await recipient.open(h(e.ct), h(e.aad))));
  }
  return {
    enc: bytes.toHex(sender.enc),
    shared_secret: bytes.toHex(sender.sharedSecret),
    key_schedule_context: bytes.toHex(schedule.keyScheduleContext),
    secret: bytes.toHex(schedule.secret),
    key: bytes.toHex(schedule.key),
    base_nonce: bytes.toHex(schedule.baseNonce),
    sealed,
    opened,
  };
}"""


@pytest.mark.parametrize("index", range(len(_base_mode_x25519_vectors())))
def test_hpke_reproduces_every_rfc9180_value(harness_page: Any, index: int) -> None:
    v = _base_mode_x25519_vectors()[index]
    got = harness_page.evaluate(SEAL_AND_OPEN_RFC_VECTOR, v)
    for name in ("enc", "shared_secret", "key_schedule_context", "secret", "key", "base_nonce"):
        assert got[name] == v[name], name
    assert got["sealed"] == [e["ct"] for e in v["encryptions"]]
    assert got["opened"] == [e["pt"] for e in v["encryptions"]]


def test_hpke_open_rejects_an_altered_rfc_ciphertext(harness_page: Any) -> None:
    v = _base_mode_x25519_vectors()[0]
    result = harness_page.evaluate(
        """async (v) => {
          const { hpke, bytes } = window.zvd;
          const h = bytes.fromHex;
          const ct = h(v.encryptions[0].ct);
          ct[3] ^= 1;
          const recipient = await hpke.setupBaseRecipient(h(v.enc), h(v.skRm), h(v.info));
          return window.zvdTest.outcome(() => recipient.open(ct, h(v.encryptions[0].aad)));
        }""",
        v,
    )
    assert result["ok"] is False
    assert result["code"] == "integrity"
