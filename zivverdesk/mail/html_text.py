"""Readable plain text from (already sanitised) HTML, for an HTML-only mail's text body:
what the command line prints, what search indexes, and what a reader without an HTML view
shows. Block elements become line breaks, list items get a dash, links keep their target."""

from __future__ import annotations

import re
from html.parser import HTMLParser

_BLOCKS = frozenset(
    [
        *("address", "blockquote", "center", "dd", "details", "div", "dl", "dt", "hr"),
        *("h1", "h2", "h3", "h4", "h5", "h6", "ol", "p", "pre", "section", "ul"),
        *("table", "tbody", "thead", "tfoot", "tr"),
    ]
)
_SKIPPED = frozenset(["script", "style", "head", "title"])
_SPACES = re.compile(r"[ \t\f\v\r]+")
_BLANK_LINES = re.compile(r"\n{3,}")


def html_to_text(markup: str) -> str:
    parser = _TextParser()
    parser.feed(markup)
    parser.close()
    return parser.text()


class _TextParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self._parts: list[str] = []
        self._skipping = 0
        self._href: list[str | None] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED:
            self._skipping += 1
        elif tag == "br":
            self._parts.append("\n")
        elif tag == "li":
            self._parts.append("\n- ")
        elif tag in ("td", "th"):
            self._parts.append("\t")
        elif tag in _BLOCKS:
            self._parts.append("\n")
        if tag == "a":
            self._href.append(dict(attrs).get("href"))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br" or tag == "hr":
            self._parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED:
            self._skipping = max(0, self._skipping - 1)
        elif tag in _BLOCKS:
            self._parts.append("\n")
        elif tag == "a" and self._href:
            href = self._href.pop()
            # A link's target is part of its meaning; mailto: and same-text links add nothing.
            if href and not href.startswith("mailto:") and href not in self._parts[-1:]:
                self._parts.append(f" ({href})")

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self._parts.append(data)

    def text(self) -> str:
        joined = "".join(self._parts)
        lines = [_SPACES.sub(" ", line).strip() for line in joined.split("\n")]
        return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()
