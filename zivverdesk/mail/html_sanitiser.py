"""Reduces a mail's HTML to a safe subset before anything renders it.

Kept: text formatting, tables, lists, links (http, https, mailto), images from the mail itself
(`cid:`) and inline `data:` raster images, and inline styles without anything that loads or
executes (`url(`, `expression`, `@import`, bindings). Dropped with their content: scripts,
styles, frames, objects, forms and their fields, SVG/MathML, `<head>`. Dropped attributes:
every event handler and anything not on the allow-list. Remote images are removed and counted,
so the reader can say "externe afbeeldingen geblokkeerd" (loading them would tell the sender
that and when the mail was read).

Works on a token stream (`html.parser`), never with regular expressions over markup, and
re-serialises every tag itself, so malformed input cannot smuggle a tag through.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from html.parser import HTMLParser

_ALLOWED_TAGS = frozenset(
    [
        "a",
        "abbr",
        "address",
        "b",
        "bdi",
        "bdo",
        "big",
        "blockquote",
        "br",
        "caption",
        "center",
        "cite",
        "code",
        "col",
        "colgroup",
        "dd",
        "del",
        "details",
        "dfn",
        "div",
        "dl",
        "dt",
        "em",
        "font",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "hr",
        "i",
        "img",
        "ins",
        "kbd",
        "li",
        "mark",
        "ol",
        "p",
        "pre",
        "q",
        "s",
        "samp",
        "small",
        "span",
        "strike",
        "strong",
        "sub",
        "summary",
        "sup",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "tr",
        "tt",
        "u",
        "ul",
        "var",
        "wbr",
    ]
)
# Elements whose whole content goes, not just the tag.
_DROP_WITH_CONTENT = frozenset(
    [
        "script",
        "style",
        "iframe",
        "frame",
        "frameset",
        "object",
        "embed",
        "applet",
        "form",
        "textarea",
        "select",
        "option",
        "button",
        "svg",
        "math",
        "template",
        "title",
        "head",
        "noembed",
        "noframes",
        "audio",
        "video",
        "canvas",
    ]
)
_VOID_TAGS = frozenset({"br", "hr", "img", "col", "wbr"})
_ALLOWED_ATTRIBUTES = frozenset(
    [
        "href",
        "src",
        "alt",
        "title",
        "width",
        "height",
        "align",
        "valign",
        "colspan",
        "rowspan",
        "border",
        "cellpadding",
        "cellspacing",
        "bgcolor",
        "color",
        "face",
        "size",
        "dir",
        "lang",
        "style",
        "start",
        "type",
        "span",
    ]
)
_LINK_SCHEMES = ("http:", "https:", "mailto:")
_INLINE_IMAGE_RE = re.compile(r"^data:image/(png|gif|jpeg|webp);base64,[A-Za-z0-9+/=\s]*$")
_UNSAFE_CSS_RE = re.compile(r"url\s*\(|expression|@import|binding|behavior|javascript:", re.I)
_CONTROL_RE = re.compile(r"[\x00-\x20\x7f]+")


@dataclass(frozen=True)
class SanitisedHtml:
    html: str
    #: How many remote images (http/https/other sources) were removed.
    blocked_remote_images: int
    #: `cid:` references kept, for the viewer to resolve against the mail's own parts.
    content_ids: tuple[str, ...]


def sanitise_html(markup: str) -> SanitisedHtml:
    parser = _Sanitiser()
    parser.feed(markup)
    parser.close()
    return parser.result()


class _Sanitiser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self._out: list[str] = []
        self._open: list[str] = []
        self._dropping: list[str] = []  # stack of dropped elements we are inside
        self._blocked = 0
        self._cids: list[str] = []

    def result(self) -> SanitisedHtml:
        closing = "".join(f"</{tag}>" for tag in reversed(self._open))
        return SanitisedHtml("".join(self._out) + closing, self._blocked, tuple(self._cids))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._dropping:
            if tag in _DROP_WITH_CONTENT and tag not in _VOID_TAGS:
                self._dropping.append(tag)
            return
        if tag in _DROP_WITH_CONTENT:
            self._dropping.append(tag)
            return
        if tag not in _ALLOWED_TAGS:
            return  # unknown or wrapper tags (html, body, input, meta…): keep only the text
        kept = self._clean_attributes(tag, attrs)
        if kept is None:
            return
        rendered = "".join(f' {name}="{html.escape(value, quote=True)}"' for name, value in kept)
        if tag == "a":
            rendered += ' rel="noopener noreferrer"'
        self._out.append(f"<{tag}{rendered}>")
        if tag not in _VOID_TAGS:
            self._open.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in _VOID_TAGS and not self._dropping and self._open[-1:] == [tag]:
            self.handle_endtag(tag)
        elif tag in _DROP_WITH_CONTENT and self._dropping[-1:] == [tag]:
            self._dropping.pop()

    def handle_endtag(self, tag: str) -> None:
        if self._dropping:
            if tag == self._dropping[-1]:
                self._dropping.pop()
            elif tag in self._dropping:  # unclosed nested element: unwind to the match
                del self._dropping[self._dropping.index(tag) :]
            return
        if tag not in self._open:
            return
        while self._open:
            top = self._open.pop()
            self._out.append(f"</{top}>")
            if top == tag:
                break

    def handle_data(self, data: str) -> None:
        if not self._dropping:
            self._out.append(html.escape(data, quote=False))

    # Comments, declarations and processing instructions are dropped (conditional comments
    # in particular carry markup for old Outlook that bypasses everything above).
    def handle_comment(self, data: str) -> None:
        return

    def handle_decl(self, decl: str) -> None:
        return

    def handle_pi(self, data: str) -> None:
        return

    def unknown_decl(self, data: str) -> None:
        return

    def _clean_attributes(
        self, tag: str, attrs: list[tuple[str, str | None]]
    ) -> list[tuple[str, str]] | None:
        """The attributes to keep, or None when the whole element must go (a remote image)."""
        kept: list[tuple[str, str]] = []
        for name, raw_value in attrs:
            value = raw_value or ""
            if name not in _ALLOWED_ATTRIBUTES:
                continue
            if name == "href":
                if tag != "a" or not _CONTROL_RE.sub("", value).lower().startswith(_LINK_SCHEMES):
                    continue
            elif name == "src":
                if tag != "img":
                    continue
                source = _CONTROL_RE.sub("", value)
                if source.lower().startswith("cid:"):
                    self._cids.append(source[4:])
                elif not _INLINE_IMAGE_RE.match(source):
                    self._blocked += 1
                    return None
            elif name == "style":
                value = _clean_style(value)
                if not value:
                    continue
            kept.append((name, value))
        if tag == "img" and not any(name == "src" for name, _ in kept):
            return None
        return kept


def _clean_style(style: str) -> str:
    declarations = [
        part.strip()
        for part in style.split(";")
        if part.strip() and ":" in part and not _UNSAFE_CSS_RE.search(part)
    ]
    return "; ".join(declarations)
