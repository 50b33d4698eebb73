"""The memory index answers exactly what a plain scan over the same texts would."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from zivverdesk.store.search import SearchIndex, words

_VOCAB = [
    "uitslag",
    "uit",
    "knie",
    "knieën",
    "één",
    "een",
    "arts@zkh.test",
    "zkh",
    "test",
    "rapport",
    "r2",
    "9",
    "90",
    "Jansen",
    "jan",
]

docs = st.lists(
    st.tuples(
        st.lists(st.sampled_from(_VOCAB), max_size=6), st.lists(st.sampled_from(_VOCAB), max_size=6)
    ),
    max_size=25,
)


def _naive(texts: dict[str, str], query: str) -> set[str]:
    needles = words(query, parts=False)
    if not needles:
        return set()
    found = set()
    for mid, text in texts.items():
        terms = words(text)
        if all(any(t.startswith(n) for t in terms) if len(n) >= 3 else n in terms for n in needles):
            found.add(mid)
    return found


@settings(max_examples=150, deadline=None)
@given(
    docs, st.lists(st.sampled_from([*_VOCAB, "kni", "rap", "zkh.t", "ui"]), min_size=1, max_size=2)
)
def test_index_matches_a_scan(corpus: list[tuple[list[str], list[str]]], query: list[str]) -> None:
    index = SearchIndex()
    texts = {}
    for i, (subject, body) in enumerate(corpus):
        mid = f"{i:032x}"
        texts[mid] = " ".join(subject) + "\n" + " ".join(body)
        index.add(
            mid,
            date=f"2026-01-{i % 28 + 1:02d}",
            correspondents="",
            subject=" ".join(subject),
            body=" ".join(body),
        )
    q = " ".join(query)
    assert set(index.search(q, limit=1000)) == _naive(texts, q) == index.matching(q)
