"""The loopback listener that receives the browser's sign-in answer."""

from __future__ import annotations

import urllib.error
import urllib.parse
import urllib.request

import pytest

from zivverdesk.mail.oauth.loopback import LoopbackReceiver

_DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def _url(receiver: LoopbackReceiver, suffix: str = "") -> str:
    port = urllib.parse.urlsplit(receiver.redirect_uri).port
    return f"http://127.0.0.1:{port}/{suffix}"


def test_answer_as_query_and_as_form_post() -> None:
    with LoopbackReceiver() as receiver:
        assert receiver.redirect_uri.startswith("http://localhost:")
        with pytest.raises(urllib.error.HTTPError) as stray:
            _DIRECT.open(_url(receiver, "favicon.ico"), timeout=5)
        assert stray.value.code == 404
        with _DIRECT.open(_url(receiver, "?code=abc&state=s1"), timeout=5) as page:
            assert "U bent aangemeld" in page.read().decode()
        assert receiver.wait(1) == {"code": "abc", "state": "s1"}

    with LoopbackReceiver() as receiver:
        form = urllib.parse.urlencode({"error": "access_denied", "state": "s2"}).encode()
        _DIRECT.open(urllib.request.Request(_url(receiver), data=form), timeout=5).close()
        assert receiver.wait(1) == {"error": "access_denied", "state": "s2"}


def test_no_answer_in_time() -> None:
    with LoopbackReceiver() as receiver:
        assert receiver.wait(0.1) is None
