"""The browser's blob (STREAM) format on its own: round trips, stream chunking, and every
rejection PROTOCOL.md §1 lists, built in the page with a known key."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.browser

RECORD = 16384

ROUND_TRIPS = """async ([sizes, recordSize, chunkSizes]) => {
  const { stream, bytes } = window.zvd;
  const key = new Uint8Array(32).fill(9);
  const results = [];
  for (const size of sizes) {
    const pt = new Uint8Array(size).map((_, i) => (i * 7 + 3) & 255);
    const blob = await stream.encryptBytes(key, pt, { recordSize });
    for (const chunkSize of chunkSizes) {
      // Feed the ciphertext in chunks that do not line up with records, like a network does.
      let offset = 0;
      const source = new ReadableStream({
        pull(c) {
          if (offset >= blob.length) return c.close();
          c.enqueue(blob.slice(offset, offset + chunkSize));
          offset += chunkSize;
        },
      });
      const back = await stream.readAll(source.pipeThrough(stream.createDecryptStream(key)));
      results.push({ size, chunkSize, wire: blob.length, equal: bytes.equalBytes(back, pt) });
    }
  }
  return results;
}"""


def _wire_size(size: int, record: int) -> int:
    records = max(1, -(-size // record))
    return 28 + size + 16 * records


def test_round_trips_at_record_boundaries_with_unaligned_chunks(harness_page: Any) -> None:
    sizes = [0, 1, RECORD - 1, RECORD, RECORD + 1, 3 * RECORD, 3 * RECORD + 5]
    results = harness_page.evaluate(ROUND_TRIPS, [sizes, RECORD, [1, 7, RECORD + 17, 65536]])
    assert len(results) == len(sizes) * 4
    for r in results:
        assert r["equal"], r
        assert r["wire"] == _wire_size(r["size"], RECORD), r


def test_round_trip_with_the_default_record_size(harness_page: Any) -> None:
    sizes = [262144, 262145]
    results = harness_page.evaluate(ROUND_TRIPS, [sizes, 262144, [65536]])
    assert [r["equal"] for r in results] == [True, True]
    assert [r["wire"] for r in results] == [_wire_size(s, 262144) for s in sizes]


REJECTIONS = """async (RECORD) => {
  const { stream, bytes, primitives } = window.zvdCase;
  const key = new Uint8Array(32).fill(5);
  const pt = new Uint8Array(3 * RECORD).map((_, i) => i & 255);
  const blob = await stream.encryptBytes(key, pt, { recordSize: RECORD });
  const W = RECORD + 16;
  const H = 28;
  const rec = (i) => blob.slice(H + i * W, H + (i + 1) * W);
  const header = blob.slice(0, H);
  const withByte = (at, value) => { const b = blob.slice(); b[at] = value; return b; };
  const withRecordSize = (n) => {
    const b = blob.slice();
    new DataView(b.buffer).setUint32(8, n);
    return b;
  };
  const small = await stream.encryptBytes(key, new Uint8Array(100), { recordSize: RECORD });
  const one = await stream.encryptBytes(key, new Uint8Array(RECORD), { recordSize: RECORD });
  // An empty final record after a full one, sealed with the right key: still not allowed.
  const pkey = await stream.payloadKey(key, one.slice(0, H));
  const seal = (counter, final, size) =>
    primitives.aesGcmSeal(pkey, stream.recordNonce(counter, final), new Uint8Array(size));
  const firstAsNonFinal = await seal(0, false, RECORD);
  const emptyFinal = await seal(1, true, 0);
  const cases = {
    header_too_short: blob.slice(0, 10),
    header_only: header,
    bad_magic: withByte(0, 0x41),
    unknown_version: withByte(4, 2),
    unknown_suite: withByte(5, 2),
    reserved_set: withByte(7, 1),
    record_size_too_small: withRecordSize(8192),
    record_size_too_big: withRecordSize(8 << 20),
    record_size_not_multiple_of_1024: withRecordSize(RECORD + 1),
    flipped_tag: withByte(blob.length - 1, blob[blob.length - 1] ^ 1),
    flipped_ciphertext: withByte(H + 5, blob[H + 5] ^ 1),
    truncated_at_record_boundary: blob.slice(0, H + 2 * W),
    truncated_inside_record: blob.slice(0, H + 2 * W + 100),
    truncated_inside_tag: blob.slice(0, H + 2 * W + 10),
    trailing_after_full_final: bytes.concat(blob, new Uint8Array([0])),
    trailing_after_short_final: bytes.concat(small, new Uint8Array([0])),
    swapped_records: bytes.concat(header, rec(1), rec(0), rec(2)),
    duplicated_record: bytes.concat(header, rec(0), rec(0), rec(2)),
    dropped_middle_record: bytes.concat(header, rec(0), rec(2)),
    empty_final_after_full: bytes.concat(one.slice(0, H), firstAsNonFinal, emptyFinal),
  };
  const out = {};
  for (const [name, data] of Object.entries(cases)) {
    out[name] = await window.zvdTest.outcome(() => stream.decryptBytes(key, data));
  }
  out.wrong_key = await window.zvdTest.outcome(() => stream.decryptBytes(new Uint8Array(32), blob));
  return out;
}"""

EXPECTED = {
    "header_too_short": "truncated",
    "header_only": "truncated",
    "bad_magic": "bad_header",
    "unknown_version": "unsupported_version",
    "unknown_suite": "unsupported_suite",
    "reserved_set": "bad_header",
    "record_size_too_small": "bad_header",
    "record_size_too_big": "bad_header",
    "record_size_not_multiple_of_1024": "bad_header",
    "flipped_tag": "integrity",
    "flipped_ciphertext": "integrity",
    "truncated_at_record_boundary": "truncated",
    "truncated_inside_record": "integrity",
    "truncated_inside_tag": "truncated",
    "trailing_after_full_final": "trailing_data",
    "trailing_after_short_final": "integrity",
    "swapped_records": "integrity",
    "duplicated_record": "integrity",
    "dropped_middle_record": "integrity",
    "empty_final_after_full": "integrity",
    "wrong_key": "integrity",
}


def test_every_malformed_blob_is_rejected_with_its_code(harness_page: Any) -> None:
    harness_page.evaluate(
        """async () => {
          window.zvdCase = { ...window.zvd, primitives: await import('/web/crypto/primitives.js') };
        }"""
    )
    got = harness_page.evaluate(REJECTIONS, RECORD)
    assert {name: r.get("code") for name, r in got.items()} == EXPECTED
    for name, r in got.items():
        assert r["ok"] is False, name
        assert " / " in r["message"], f"{name}: message is not Dutch / English: {r['message']}"


def test_decryption_stops_before_releasing_anything_after_a_bad_record(harness_page: Any) -> None:
    """Records before the damage may have been emitted, but the stream must end in an error."""
    result = harness_page.evaluate(
        """async (RECORD) => {
          const { stream } = window.zvd;
          const key = new Uint8Array(32).fill(1);
          const plain = new Uint8Array(4 * RECORD);
          const blob = await stream.encryptBytes(key, plain, { recordSize: RECORD });
          blob[28 + 2 * (RECORD + 16) + 3] ^= 1;
          const decrypted = new Blob([blob]).stream().pipeThrough(stream.createDecryptStream(key));
          const reader = decrypted.getReader();
          let released = 0;
          try {
            for (;;) {
              const { done, value } = await reader.read();
              if (done) return { ended: "cleanly", released };
              released += value.length;
            }
          } catch (e) {
            return { ended: e.code, released };
          }
        }""",
        RECORD,
    )
    assert result["ended"] == "integrity"
    assert result["released"] <= 2 * RECORD


BACKPRESSURE = """async ([RECORD, total]) => {
  const { stream } = window.zvd;
  const key = new Uint8Array(32).fill(2);
  const blob = await stream.encryptBytes(key, new Uint8Array(total), { recordSize: RECORD });
  let pulled = 0;
  const source = new ReadableStream({
    pull(c) {
      if (pulled >= blob.length) return c.close();
      c.enqueue(blob.slice(pulled, pulled + 65536));
      pulled += 65536;
    },
  }, { highWaterMark: 0 });
  const reader = source.pipeThrough(stream.createDecryptStream(key)).getReader();
  await reader.read();  // take one record, then stop reading like a stalled disk would
  // Wait until the pipe stops pulling: the count stays the same over 20 turns of the loop.
  let last = -1;
  for (let stable = 0; stable < 20; ) {
    await new Promise((resolve) => setTimeout(resolve, 0));
    stable = pulled === last ? stable + 1 : 0;
    last = pulled;
  }
  const stalled = pulled;
  // Reading on delivers everything, in order.
  let received = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    received += value.length;
  }
  return { stalled, blobLength: blob.length, received };
}"""


def test_a_stalled_reader_stops_the_download(harness_page: Any) -> None:
    """Backpressure: with nobody reading, the decryptor pulls only a bounded amount ahead."""
    record, total = 262144, 64 << 20
    got = harness_page.evaluate(BACKPRESSURE, [record, total])
    # Input queue (1 MiB) + records in flight (4) + decrypted records waiting (4) + slack.
    assert got["stalled"] <= 4 << 20, got
    assert got["blobLength"] > 60 << 20
    assert got["received"] == total - record
