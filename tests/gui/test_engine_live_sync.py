"""The open window over the real engine keeps itself up to date (S10): after the recipient
opens the secure message, the envelope opens without the user pressing "Synchronise", and
their reply shows up in the conversation being read. Real relay, SMTP and IMAP servers."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from tests.e2e.harness import Browser, link_of, wait_for_notifications
from tests.gui.windows import Office
from zivverdesk.gui.backend import SyncPass
from zivverdesk.gui.conversation_model import ROLE_ENVELOPE, Column
from zivverdesk.gui.engine_backend import WATCH_FEED_WAIT

pytestmark = [pytest.mark.gui, pytest.mark.integration]


def test_the_envelope_opens_and_the_reply_appears_by_themselves(
    qtbot: QtBot, office: Office
) -> None:
    recipient, relay_server = office.patient, office.relay
    office.send("Uw rapport", "Zie bijlage.")
    backend, window = office.open_window(qtbot)
    passes: list[SyncPass] = []
    window.live_sync.passed.connect(passes.append)
    try:
        window.start_live_sync()
        envelope = window.proxy.index(0, Column.ENVELOPE)
        assert envelope.data(ROLE_ENVELOPE) == "closed"
        window.table.selectRow(0)
        qtbot.waitUntil(lambda: "Zie bijlage." in window.reader.toPlainText(), timeout=10_000)

        (notification,) = wait_for_notifications(recipient, 1)
        browser = Browser(relay_server.url, link_of(notification)[0])
        try:
            browser.verify_access_code("zw42KL")
            browser.read()
            # The feed's long-poll answers as soon as the relay records the opening.
            qtbot.waitUntil(
                lambda: window.proxy.index(0, Column.ENVELOPE).data(ROLE_ENVELOPE) == "open",
                timeout=(WATCH_FEED_WAIT + 10) * 1000,
            )
            browser.reply("Dank u, ontvangen.", {"vragen.txt": b"Nog een vraag."})
        finally:
            browser.close()
        qtbot.waitUntil(
            lambda: "Dank u, ontvangen." in window.reader.toPlainText(),
            timeout=(WATCH_FEED_WAIT + 10) * 1000,
        )
        assert window.status_label.text().endswith("conversation(s)")  # no outage shown
        # The reply was announced as an arrival, once; the opening was not.
        cid = window.current_conversation()
        assert [p.arrived for p in passes if p.arrived] == [[cid]]
    finally:
        assert window.live_sync.stop(timeout=WATCH_FEED_WAIT + 10)
        backend.close()
