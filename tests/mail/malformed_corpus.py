"""Hand-written broken and unusual messages that have crashed mail readers before."""

from __future__ import annotations

CORPUS: dict[str, bytes] = {
    "empty": b"",
    "only_garbage": b"\x00\xff\xfe garbage \r\n\r\n\x00",
    "no_header_separator": b"Subject: x\r\nFrom: a@b\r\nthis line has no colon and no body",
    "unknown_charset": (
        b"Subject: =?x-unknown?Q?caf=E9?=\r\nContent-Type: text/plain; charset=x-unknown\r\n\r\n"
        b"caf\xe9\r\n"
    ),
    "bad_encoded_word": b"Subject: =?utf-8?B?not*base64?=\r\nFrom: =?utf-8?Q?=ZZ?= <a@b>\r\n\r\nx",
    "broken_base64": (
        b"Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        b"SGVsbG8g!!!d29ybGQ=\r\n=====\r\n"
    ),
    "broken_qp": (
        b"Content-Type: text/html; charset=iso-8859-1\r\n"
        b"Content-Transfer-Encoding: quoted-printable\r\n\r\n<p>caf=E9 =Z1 =\r\n"
    ),
    "missing_boundary": (
        b"Content-Type: multipart/mixed\r\n\r\n--x\r\nContent-Type: text/plain\r\n\r\n"
        b"hi\r\n--x--\r\n"
    ),
    "boundary_never_closed": (
        b'Content-Type: multipart/alternative; boundary="b"\r\n\r\n--b\r\n'
        b"Content-Type: text/plain\r\n\r\ntext\r\n--b\r\nContent-Type: text/html\r\n\r\n<b>html"
    ),
    "nested_deep": (
        b"".join(
            f'Content-Type: multipart/mixed; boundary="b{i}"\r\n\r\n--b{i}\r\n'.encode()
            for i in range(80)
        )
        + b"Content-Type: text/plain\r\n\r\ndeep\r\n"
    ),
    "bad_addresses": (
        b'From: <<<@@@>>>, "unterminated <x@y>\r\nTo: ;;;,,,@\r\nCc: group: a@b, ;\r\n'
        b"Date: not a date\r\nSubject: adressen\r\n\r\nbody"
    ),
    "bad_date": b"Date: Mon, 99 Foo 20245 99:99:99 +9999\r\n\r\nbody",
    "header_8bit": b"Subject: caf\xe9 \xff\xfe\r\nFrom: J\xfcrgen <j@example.test>\r\n\r\nbody",
    "attachment_bad_filename": (
        b'Content-Type: multipart/mixed; boundary="z"\r\n\r\n--z\r\n'
        b"Content-Type: application/pdf; name*=utf-8''%ZZ%E9\r\n"
        b"Content-Disposition: attachment; filename*=x-bad''%FF; filename=\"a.pdf\"\r\n"
        b"Content-Transfer-Encoding: base64\r\n\r\nJVBERi0=\r\n--z--\r\n"
    ),
    "message_rfc822_broken": (
        b'Content-Type: multipart/mixed; boundary="q"\r\n\r\n--q\r\n'
        b"Content-Type: message/rfc822\r\n\r\nSubject: inner\r\nContent-Type: multipart/mixed\r\n"
        b"\r\nno boundary\r\n--q--\r\n"
    ),
    "html_hostile": (
        b"Content-Type: text/html; charset=utf-8\r\n\r\n"
        b'<script>alert(1)</script><img src="http://t.example/p.gif"><a href="javascript:x">'
        b'k</a><div onclick="x()" style="background:url(http://t.example/b)">d</div>'
    ),
    "cte_unknown": (
        b"Content-Type: text/plain\r\nContent-Transfer-Encoding: x-uuencode-weird\r\n\r\nbody"
    ),
    "content_type_garbage": b"Content-Type: ;;;/\x00;charset==\r\n\r\nbody",
    "long_header_line": b"Subject: " + b"x" * 100_000 + b"\r\n\r\nbody",
    "null_in_body": b"Subject: n\r\n\r\nbody\x00with\x00nulls",
}
