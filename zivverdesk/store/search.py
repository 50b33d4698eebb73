"""In-memory search over correspondents, subjects and bodies.

The store keeps subjects and bodies encrypted on disk, so SQLite's full-text index (which
would write plaintext terms to the file) is not an option. Instead the profile decrypts the
searchable text once at open and keeps an inverted index in memory only. Postings are
compact `array('I')` lists of small document numbers (a few bytes per term occurrence),
and each query word matches as a prefix of indexed words, as people type.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from array import array
from collections import defaultdict

_WORD = re.compile(r"[\w@.+-]+")
_SPLIT = re.compile(r"[@.+-]+")
_MAX_BODY_CHARS = 20_000  # long mails: the start is what people search for
_PREFIX = 3


def _fold(text: str) -> str:
    """Lowercase without accents, so "een" finds "één"."""
    text = text.casefold()
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def words(text: str, *, parts: bool = True) -> set[str]:
    """The index terms of a text: words, and e-mail addresses whole, in parts and as tails
    ("arts@zkh.test" also gives "arts", "zkh", "test", "zkh.test")."""
    terms: set[str] = set()
    for token in _WORD.findall(_fold(text)):
        token = token.strip(".-+@")
        if not token:
            continue
        terms.add(token)
        if parts and any(ch in token for ch in "@.+-"):
            terms.update(part for part in _SPLIT.split(token) if part)
            terms.update(
                m.string[m.end() :] for m in _SPLIT.finditer(token) if m.end() < len(token)
            )
    return terms


class SearchIndex:
    """Maps query words to message ids; thread-safe, updated as messages change."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._postings: dict[str, array[int]] = {}
        self._by_prefix: defaultdict[str, set[str]] = defaultdict(set)
        self._ids: list[str | None] = []  # document number → message id (None: removed)
        self._sort_keys: list[str] = []  # document number → date, for newest-first results
        self._doc_of: dict[str, int] = {}

    def __len__(self) -> int:
        return len(self._doc_of)

    def add(
        self, message_id: str, *, date: str, correspondents: str, subject: str, body: str
    ) -> None:
        terms = words(correspondents) | words(subject) | words(body[:_MAX_BODY_CHARS])
        with self._lock:
            old = self._doc_of.pop(message_id, None)
            if old is not None:
                self._ids[old] = None
            doc = len(self._ids)
            self._ids.append(message_id)
            self._sort_keys.append(date)
            self._doc_of[message_id] = doc
            for term in terms:
                posting = self._postings.get(term)
                if posting is None:
                    posting = self._postings[term] = array("I")
                    self._by_prefix[term[:_PREFIX]].add(term)
                posting.append(doc)

    def remove(self, message_id: str) -> None:
        with self._lock:
            doc = self._doc_of.pop(message_id, None)
            if doc is not None:
                self._ids[doc] = None

    def search(self, query: str, *, limit: int = 500) -> list[str]:
        """Message ids matching every word of `query` (as prefixes), newest first."""
        needles = sorted(words(query, parts=False), key=len, reverse=True)
        if not needles:
            return []
        with self._lock:
            result: set[int] | None = None
            for needle in needles:
                docs = self._docs_for_prefix(needle)
                result = docs if result is None else result & docs
                if not result:
                    return []
            assert result is not None
            live = [(self._sort_keys[d], self._ids[d]) for d in result if self._ids[d] is not None]
        live.sort(reverse=True)
        return [message_id for _, message_id in live[:limit] if message_id is not None]

    def _docs_for_prefix(self, needle: str) -> set[int]:
        if len(needle) >= _PREFIX:
            terms = [t for t in self._by_prefix.get(needle[:_PREFIX], ()) if t.startswith(needle)]
        else:
            terms = [
                t for key, group in self._by_prefix.items() if key.startswith(needle) for t in group
            ]
        docs: set[int] = set()
        for term in terms:
            docs.update(self._postings[term])
        return docs
