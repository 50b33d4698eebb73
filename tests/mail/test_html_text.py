"""Readable text from HTML for an HTML-only mail's text body."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from zivverdesk.mail.html_sanitiser import sanitise_html
from zivverdesk.mail.html_text import html_to_text


def test_blocks_lists_links_and_entities() -> None:
    markup = (
        "<h1>Uitslag</h1><p>Beste&nbsp;collega,<br>de uitslag &amp; het verslag.</p>"
        "<ul><li>knie</li><li>rug</li></ul>"
        '<p>Zie <a href="https://example.test/info">de site</a> of '
        '<a href="mailto:a@example.test">mail</a>.</p>'
        "<table><tr><td>a</td><td>b</td></tr></table>"
    )
    assert html_to_text(markup) == (
        "Uitslag\n\nBeste\xa0collega,\nde uitslag & het verslag.\n\n- knie\n- rug\n\n"
        "Zie de site (https://example.test/info) of mail.\n\na b"
    )


def test_script_and_style_text_is_not_shown() -> None:
    assert html_to_text("<style>p{}</style><script>x()</script><p>tekst</p>") == "tekst"


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("<>/=\"' abpliscrtyhef&;#x0123")), max_size=200))
def test_any_markup_gives_text(markup: str) -> None:
    assert isinstance(html_to_text(sanitise_html(markup).html), str)
    assert isinstance(html_to_text(markup), str)
