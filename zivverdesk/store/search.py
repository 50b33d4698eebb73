"""In-memory search over correspondents, subjects and bodies.

The store keeps subjects and bodies encrypted on disk, so SQLite's full-text index (which
would write plaintext terms to the file) is not an option. Instead the profile decrypts the
searchable text once at open and keeps an inverted index in memory only. Postings are
compact `array('I')` lists of small document numbers (a few bytes per term occurrence),
and each query word matches as a prefix of indexed words, as people type.
"""

from __future__ import annotations

import heapq
import re
import threading
import unicodedata
from array import array
from collections import defaultdict

_WORD = re.compile(r"\w+")
_ADDRESS = re.compile(r"[\w.+-]+@([\w-]+(?:\.[\w-]+)+)")
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
    """The index terms of a text: its words, and each e-mail address whole and with its
    domain and domain tails ("arts@zkh.test" also gives "arts", "zkh", "test", "zkh.test").
    With `parts=False` (queries) an address stays one term."""
    folded = _fold(text)
    if not parts:
        return {t.strip(".-+@") for t in re.findall(r"[\w@.+-]+", folded)} - {""}
    terms = set(_WORD.findall(folded))
    if "@" in folded:
        for match in _ADDRESS.finditer(folded):
            terms.add(match.group(0).strip(".-+"))
            domain = match.group(1)
            while "." in domain:
                terms.add(domain)
                domain = domain.split(".", 1)[1]
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
        with self._lock:
            ids, keys = self._ids, self._sort_keys
            live = [(keys[d], i) for d in self._matching_docs(query) if (i := ids[d]) is not None]
        return [message_id for _, message_id in heapq.nlargest(limit, live)]

    def matching(self, query: str) -> set[str]:
        """Every message id matching `query` as `search` does, in no order: the list orders
        and pages what matches itself, so sorting them all here would be wasted."""
        with self._lock:
            ids = self._ids
            return {i for d in self._matching_docs(query) if (i := ids[d]) is not None}

    def _matching_docs(self, query: str) -> set[int]:
        """The documents with every word of `query` (as prefixes); the caller holds the
        lock."""
        result: set[int] = set()
        for number, needle in enumerate(sorted(words(query, parts=False), key=len, reverse=True)):
            result = self._docs_for_prefix(needle, within=result if number else None)
            if not result:
                break
        return result

    def _docs_for_prefix(self, needle: str, *, within: set[int] | None = None) -> set[int]:
        if len(needle) >= _PREFIX:
            terms = [t for t in self._by_prefix.get(needle[:_PREFIX], ()) if t.startswith(needle)]
        else:
            # One or two characters would expand to thousands of words ("9" → every number
            # starting with 9): such a needle matches whole words only.
            terms = [needle] if needle in self._postings else []
        docs: set[int] = set()
        for term in terms:
            docs.update(self._postings[term])
        return docs if within is None else docs & within
