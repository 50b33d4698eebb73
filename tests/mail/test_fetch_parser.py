"""The fast FETCH reader gives the same header records as imapclient's parser: on answers
synthesised by hypothesis, and on a real Dovecot's answers for a varied mailbox."""

from __future__ import annotations

from collections.abc import Callable
from email.message import EmailMessage
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from imapclient.response_parser import parse_fetch_response

from tests.mail.helpers import imap_settings, password
from tests.mail.malformed_corpus import CORPUS
from tests.plugins.mailstack import MailAccount
from zivverdesk.mail.fetch_parser import parse_date, parse_fetch, record_from_fetch
from zivverdesk.mail.headers import HeaderRecord, header_record
from zivverdesk.mail.imap_connect import connect, disconnect
from zivverdesk.mail.sync import HEADER_ITEMS, uid_fetch


def _both(data: list[Any]) -> tuple[dict[int, HeaderRecord], dict[int, HeaderRecord]]:
    theirs = {
        uid: header_record(uid, items)
        for uid, items in parse_fetch_response(data, True, True).items()
    }
    mine = {uid: record_from_fetch(uid, items) for uid, items in parse_fetch(data).items()}
    return theirs, mine


def _string(draw: st.DrawFn, text: bytes) -> tuple[bytes, bytes | None]:
    """`text` as an IMAP string: quoted (escaped) when possible, else as a literal."""
    if b"\r" not in text and b"\n" not in text and draw(st.booleans()):
        return b'"' + text.replace(b"\\", b"\\\\").replace(b'"', b'\\"') + b'"', None
    return b"{%d}" % len(text), text


_TEXT = st.binary(max_size=40).filter(lambda b: b"\x00" not in b) | st.sampled_from(
    [b"", b"=?utf-8?q?caf=C3=A9?=", b'say "hi" \\ there', b"(paren) [bracket] {3}", b"NIL"]
)


@st.composite
def _fetch_answer(draw: st.DrawFn) -> tuple[list[Any], int]:
    """One FETCH response as imaplib hands it over: text pieces and (prefix, literal)."""
    uid = draw(st.integers(min_value=1, max_value=10**9))
    pieces: list[Any] = []
    line = b"7 (UID %d FLAGS (%s) RFC822.SIZE %d ENVELOPE (" % (
        uid,
        b" ".join(
            draw(st.lists(st.sampled_from([b"\\Seen", b"\\Flagged", b"$Label1"]), unique=True))
        ),
        draw(st.integers(min_value=0, max_value=10**7)),
    )

    def add_string(text: bytes | None) -> None:
        nonlocal line
        if text is None:
            line += b"NIL "
            return
        token, literal = _string(draw, text)
        line += token
        if literal is not None:
            pieces.append((line, literal))
            line = b""
        line += b" "

    add_string(draw(st.sampled_from([b"Mon, 01 Jan 2024 10:00:00 +0100", b"garbage", None])))
    add_string(draw(_TEXT | st.none()))
    for _ in range(6):  # from, sender, reply-to, to, cc, bcc
        addresses = draw(st.lists(st.tuples(_TEXT | st.none(), _TEXT, _TEXT), max_size=2))
        if not addresses:
            line += b"NIL "
            continue
        line += b"("
        for name, mailbox, host in addresses:
            line += b"("
            add_string(name)
            line += b"NIL "
            add_string(mailbox)
            add_string(host)
            line = line.rstrip(b" ") + b")"
        line += b") "
    add_string(draw(_TEXT | st.none()))
    add_string(draw(_TEXT | st.none()))
    line = line.rstrip(b" ") + b") BODYSTRUCTURE "
    line += draw(
        st.sampled_from(
            [
                b'("text" "plain" ("charset" "utf-8") NIL NIL "7bit" 12 1 NIL NIL NIL NIL)',
                b'(("text" "plain" NIL NIL NIL "7bit" 1 1 NIL NIL NIL NIL)("application" "pdf"'
                b' ("name" "a.pdf") NIL NIL "base64" 10 NIL ("attachment" ("filename" "a.pdf"))'
                b' NIL NIL) "mixed" ("boundary" "b") NIL NIL NIL)',
                b'("text" "plain" NIL NIL NIL "7bit" 1 1 NIL ("attachment" NIL) NIL NIL)',
            ]
        )
    )
    line += b")"
    pieces.append(line)
    return pieces, uid


@settings(max_examples=120, deadline=None)
@given(_fetch_answer())
def test_same_records_as_imapclient_on_generated_answers(answer: tuple[list[Any], int]) -> None:
    data, uid = answer
    theirs, mine = _both(data)
    assert set(mine) == set(theirs) == {uid}
    assert mine[uid] == theirs[uid]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.binary(max_size=60), st.tuples(st.binary(max_size=30), st.binary(max_size=30))
        ),
        max_size=8,
    )
)
def test_garbage_never_raises(data: list[Any]) -> None:
    for uid, items in parse_fetch(data).items():
        record_from_fetch(uid, items)


@pytest.mark.parametrize(
    ("raw", "iso"),
    [
        (b"Mon, 01 Jan 2024 10:00:00 +0100", "2024-01-01T10:00:00+01:00"),
        (b"1 Feb 2024 07:05 -0230", "2024-02-01T07:05:00-02:30"),
        (b"Tue, 2 Apr 2024 23:59:59 GMT", "2024-04-02T23:59:59+00:00"),
    ],
)
def test_dates(raw: bytes, iso: str) -> None:
    parsed = parse_date(raw)
    assert parsed is not None and parsed.isoformat() == iso


@pytest.mark.integration
def test_same_records_as_imapclient_on_a_real_mailbox(
    mail_account: Callable[[str], MailAccount],
) -> None:
    account = mail_account("fetch")
    client = connect(imap_settings(account), password(account))
    try:
        message = EmailMessage()
        message["From"] = (
            '"Jansen, \\"Piet\\"" <piet@example.test>, =?utf-8?q?J=C3=BCrgen?= <j@x.test>'
        )
        message["To"] = "undisclosed-recipients:;"
        message["Subject"] = 'Uitslag "bloed" (café) \\ {5}'
        message["Date"] = "Mon, 01 Jan 2024 10:00:00 +0100"
        message.set_content("tekst")
        message.add_attachment(b"x", maintype="application", subtype="pdf", filename="a.pdf")
        client.multiappend("INBOX", [message.as_bytes(), *(raw or b"x" for raw in CORPUS.values())])
        client.select_folder("INBOX")
        uids = client.search("ALL")
        theirs = {
            uid: header_record(uid, items)
            for uid, items in client.fetch(uids, HEADER_ITEMS).items()
        }
        mine = _records(client, f"{min(uids)}:{max(uids)}")
    finally:
        disconnect(client)
    assert set(mine) == set(theirs) == set(uids)
    for uid in uids:
        assert mine[uid] == theirs[uid], uid
    first = mine[min(uids)]
    assert first.has_attachments and first.subject == 'Uitslag "bloed" (café) \\ {5}'
    assert first.sender[0].name == 'Jansen, "Piet"' and first.sender[1].name == "Jürgen"


def _records(client: Any, uid_range: str) -> dict[int, HeaderRecord]:
    return {
        uid: record_from_fetch(uid, items)
        for uid, items in uid_fetch(client, uid_range, HEADER_ITEMS).items()
    }
