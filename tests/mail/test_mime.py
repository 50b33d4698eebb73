"""MIME parsing: common encodings, attachments, and damaged or generated input never raises."""

from __future__ import annotations

from email.message import EmailMessage
from html.parser import HTMLParser

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.mail.malformed_corpus import CORPUS
from zivverdesk.mail.html_sanitiser import sanitise_html
from zivverdesk.mail.mime import parse_message


def test_plain_html_and_attachment() -> None:
    message = EmailMessage()
    message["From"] = "Jürgen Müller <j@example.test>"
    message["To"] = "a@example.test, B <b@example.test>"
    message["Subject"] = "Uitslag — café"
    message["Date"] = "Mon, 01 Jan 2024 10:00:00 +0100"
    message.set_content("Gewone tekst: café")
    message.add_alternative('<p>HTML <img src="cid:logo@x"> <b>café</b></p>', subtype="html")
    message.add_attachment(
        b"%PDF-1.4 data", maintype="application", subtype="pdf", filename="uitslag.pdf"
    )
    parsed = parse_message(message.as_bytes())
    assert parsed.subject == "Uitslag — café"
    assert parsed.sender[0].name == "Jürgen Müller"
    assert [a.address for a in parsed.to] == ["a@example.test", "b@example.test"]
    assert parsed.date is not None and parsed.date.utcoffset() is not None
    assert parsed.text.strip() == "Gewone tekst: café"
    assert "<b>café</b>" in parsed.html and 'src="cid:logo@x"' in parsed.html
    (attachment,) = parsed.attachments
    assert (attachment.filename, attachment.media_type, attachment.data) == (
        "uitslag.pdf",
        "application/pdf",
        b"%PDF-1.4 data",
    )


@pytest.mark.parametrize(
    ("cte", "charset", "body"),
    [
        ("7bit", "us-ascii", b"plain ascii"),
        ("8bit", "iso-8859-1", "café".encode("latin-1")),
        ("quoted-printable", "utf-8", b"caf=C3=A9 =\r\nverder"),
        ("base64", "utf-8", b"Y2Fmw6k="),
        ("base64", "windows-1252", b"gCBjYWbp"),
    ],
)
def test_transfer_encodings_and_charsets(cte: str, charset: str, body: bytes) -> None:
    raw = (
        f"Subject: t\r\nContent-Type: text/plain; charset={charset}\r\n"
        f"Content-Transfer-Encoding: {cte}\r\n\r\n"
    ).encode() + body
    text = parse_message(raw).text
    assert text and "\ufffd" not in text
    if cte != "7bit":
        assert "caf" in text and ("é" in text or "€" in text)


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_malformed_corpus_never_raises(name: str) -> None:
    parsed = parse_message(CORPUS[name])
    assert isinstance(parsed.text, str) and isinstance(parsed.html, str)
    assert "<script" not in parsed.html and "javascript:" not in parsed.html


def test_hostile_html_in_a_mail_is_sanitised() -> None:
    parsed = parse_message(CORPUS["html_hostile"])
    assert parsed.blocked_remote_images == 1
    assert "t.example" not in parsed.html and "onclick" not in parsed.html
    assert ">d</div>" in parsed.html


def test_sanitiser_strips_scripts_handlers_forms_and_remote_content() -> None:
    dirty = (
        "<html><head><style>body{background:url(http://x/y)}</style><title>t</title></head>"
        '<body onload="evil()"><p onmouseover="x" style="color:red;background-image:url(http://x)">'
        'Hallo <b>wereld</b></p><script>alert(1)</script><iframe src="http://x"></iframe>'
        '<form action="http://x"><input name="pw"><button>Go</button></form>'
        '<a href="javascript:alert(1)">a</a><a href=" JaVa\tscript:alert(1)">b</a>'
        '<a href="https://ok.example/p?q=1&amp;r=2">c</a><img src="https://track.example/p.gif">'
        '<img src="cid:part1@x"><img src="data:image/png;base64,iVBORw0KGgo=">'
        '<svg><script>alert(2)</script></svg><object data="x"></object>'
        "<!--[if mso]><b>x</b><![endif]-->"
        "<table><tr><td colspan=2>cel</td></tr></table>"
    )
    clean = sanitise_html(dirty)
    out = clean.html.lower()
    for forbidden in (
        "<script",
        "<style",
        "<iframe",
        "<form",
        "<input",
        "<button",
        "onload",
        "onmouseover",
        "javascript",
        "url(",
        "track.example",
        "<svg",
        "<object",
        "alert",
        "<title",
        "http://x",
    ):
        assert forbidden not in out, forbidden
    assert "color:red" in out and "<b>wereld</b>" in out
    assert 'href="https://ok.example/p?q=1&amp;r=2"' in out
    assert 'src="cid:part1@x"' in out and "data:image/png" in out
    assert '<td colspan="2">cel</td>' in out
    assert clean.blocked_remote_images == 1
    assert clean.content_ids == ("part1@x",)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=4000))
def test_random_bytes_never_raise(raw: bytes) -> None:
    parse_message(raw)


_HEADER_NAMES = st.sampled_from(
    [
        "Subject",
        "From",
        "To",
        "Cc",
        "Date",
        "Message-ID",
        "Content-Type",
        "Content-Transfer-Encoding",
        "Content-Disposition",
        "MIME-Version",
        "In-Reply-To",
    ]
)
_HEADER_VALUES = st.one_of(
    st.text(max_size=80).map(lambda s: s.replace("\r", "").replace("\n", " ")),
    st.sampled_from(
        [
            'multipart/mixed; boundary="b"',
            "multipart/alternative; boundary=b",
            "text/html",
            "text/plain; charset=x-nope",
            "base64",
            "quoted-printable",
            "attachment; filename*=''%",
            "=?utf-8?b?wq==?=",
            "=?iso-8859-1?q?caf=E9?=",
            "<a@b>",
            'a@b, <>, "x" <y@z>',
        ]
    ),
)
_BODY_LINES = st.lists(
    st.one_of(
        st.sampled_from(["--b", "--b--", "", "Content-Type: text/html", "=E9=", "<script>"]),
        st.text(max_size=60).map(lambda s: s.replace("\r", "").replace("\n", "")),
    ),
    max_size=30,
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(_HEADER_NAMES, _HEADER_VALUES), max_size=12), _BODY_LINES)
def test_generated_mime_never_raises(headers: list[tuple[str, str]], lines: list[str]) -> None:
    raw = "".join(f"{k}: {v}\r\n" for k, v in headers) + "\r\n" + "\r\n".join(lines)
    parsed = parse_message(raw.encode("utf-8", "surrogatepass"))
    assert "<script" not in parsed.html


class _ActiveContentFinder(HTMLParser):
    """Reads the sanitiser's output the way a browser's tokenizer would and lists anything
    that could run or load: a disallowed tag, an event handler, a non-local image source."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {
            "script",
            "style",
            "iframe",
            "object",
            "embed",
            "form",
            "input",
            "svg",
            "link",
            "meta",
            "base",
        }:
            self.found.append(tag)
        for name, value in attrs:
            text = (value or "").lower().replace(" ", "")
            if name.startswith("on") or "javascript:" in text or "url(" in text:
                self.found.append(f"{tag}@{name}")
            if name == "src" and not text.startswith(("cid:", "data:image/")):
                self.found.append(f"{tag}@src")


_MARKUP = st.lists(
    st.one_of(
        st.text(max_size=20),
        st.sampled_from(
            [
                "<script>",
                "</script>",
                "<img src=http://x>",
                "<a href='javascript:1'>",
                "<b>",
                "</b>",
                "<div onclick=x>",
                "<!--",
                "-->",
                "<svg>",
                "<style>",
                "</style>",
                "<p",
                "=",
                '"',
                "'",
                ">",
                "<",
                "<iframe src=x>",
                "<![CDATA[",
                "]]>",
                "&lt;script&gt;",
                "<img src='cid:a' onerror=x>",
                'style="background:url(x)"',
            ]
        ),
    ),
    max_size=40,
).map("".join)


@settings(max_examples=400, deadline=None)
@given(_MARKUP)
def test_sanitiser_output_has_no_active_content(markup: str) -> None:
    out = sanitise_html(markup).html
    finder = _ActiveContentFinder()
    finder.feed(out)
    finder.close()
    assert finder.found == []
