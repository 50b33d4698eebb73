"""The audit chain hashes an entry's canonical JSON (`relay/audit.py`): the field-by-field
writer must give exactly the text of `json.dumps(..., sort_keys=True, separators=(",", ":"),
ensure_ascii=False)`, which entries already in the log were hashed over."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from zivverdesk.relay import audit

_TEXT = st.text(alphabet=st.characters(codec="utf-8"), max_size=40)
_VALUE = st.one_of(
    st.none(),
    _TEXT,
    st.integers(min_value=-(2**70), max_value=2**70),
    st.booleans(),
    st.floats(allow_nan=False),
)


def _reference(doc: dict[str, object]) -> str:
    return json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


@given(st.fixed_dictionaries({field: _VALUE for field in audit.FIELDS}))
def test_entry_text_is_json_dumps_text(doc: dict[str, object]) -> None:
    assert audit.canonical_json(doc) == _reference(doc)


@given(st.dictionaries(st.sampled_from([*audit.FIELDS, "hash", "extra"]), _VALUE))
def test_other_documents_fall_back_to_json_dumps(doc: dict[str, object]) -> None:
    assert audit.canonical_json(doc) == _reference(doc)


def test_entry_hash_is_unchanged() -> None:
    """A fixed entry's hash, as the chain has always computed it."""
    entry: dict[str, object] = {
        "seq": 17,
        "at": datetime(2026, 11, 30, 22, 53, 52, tzinfo=UTC),
        "event": "verify",
        "actor": "recipient:49b4388bd8371e2549218f1966216fe0",
        "on_behalf_of": "recipient:49b4388bd8371e2549218f1966216fe0",
        "message_id": "df3b64b62999d762528edd4e39dadadd",
        "recipient_id": "49b4388bd8371e2549218f1966216fe0",
        "ip": "127.0.0.1",
        "user_agent": 'Mozilla/5.0 "é"\u2028\x01',
        "result": "ok",
        "detail": "",
    }
    doc = {k: audit._plain(entry.get(k)) for k in audit.FIELDS}
    expected = hashlib.sha256(
        audit.GENESIS.encode("ascii") + _reference(doc).encode("utf-8")
    ).hexdigest()
    assert audit.entry_hash(audit.GENESIS, entry) == expected
