"""The relay's refusals in the user's language: Dutch first, English second. Built from the
relay's own JSON error answers (`{"error": CODE, "message": TEXT}`) through the relay
client's parser; the relay's English sentence is never what the user reads."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from tests.gui.fake_backend import FakeBackend
from tests.gui.windows import shown_window
from zivverdesk.core.errors import ZivverdeskError
from zivverdesk.gui.backend import SyncPass
from zivverdesk.gui.errors import RELAY_ERROR_TEXTS, error_text
from zivverdesk.gui.i18n import install_translator
from zivverdesk.mail.errors import ConnectionLost, ServerUnreachable
from zivverdesk.relayclient.errors import (
    EnrollmentRefused,
    RelayError,
    RelayUnreachable,
    error_from_response,
)
from zivverdesk.services.sync import SyncFailed, SyncSummary

pytestmark = pytest.mark.gui

RELAY_SENTENCE = "An English sentence of the relay."
URL = "https://relay.example/api/v1/x"

# Codes only the recipient's web page meets (it has its own Dutch texts): no desktop call
# answers them.
RECIPIENT_PAGE_ONLY = {"wrong_code", "locked", "not_verified", "gateway_failed"}


@pytest.fixture(params=["nl", "en"])
def language(request: pytest.FixtureRequest, qapp: QApplication) -> Iterator[str]:
    translator = install_translator(qapp, request.param)
    yield request.param
    qapp.removeTranslator(translator)


def _refusal(status: int, code: str | None) -> RelayError:
    body = {"error": code, "message": RELAY_SENTENCE} if code else None
    return error_from_response(status, body, URL)


def test_a_refused_enrollment_code(language: str) -> None:
    refused = EnrollmentRefused(RELAY_SENTENCE, status=401, error="unauthorized")
    assert (
        error_text(refused)
        == {
            "nl": "Deze inschrijvingscode is onbekend, al gebruikt of verlopen. Vraag de beheerder "
            "om een nieuwe.",
            "en": "This enrollment code is unknown, used or expired. Ask the administrator for a "
            "new one.",
        }[language]
    )


@pytest.mark.parametrize(
    ("status", "code", "dutch", "english"),
    [
        (401, "unauthorized", "De relay herkent deze werkplek niet (meer).", "does not recognise"),
        (401, "revoked", "De beheerder heeft deze werkplek ingetrokken.", "revoked this work"),
        (410, "revoked", "Dit bericht is ingetrokken.", "This message has been revoked."),
        (410, "expired", "Dit bericht is verlopen.", "This message has expired."),
        (410, "gone", "Dit staat niet meer op de relay.", "no longer stored"),
        (403, "forbidden", "De relay staat dit niet toe", "does not allow this"),
        (404, "not_found", "De relay kent dit bericht of bestand niet", "does not know this"),
        (409, "conflict", "Synchroniseer en probeer het opnieuw.", "Synchronise and try again."),
        (413, "too_large", "groter dan de relay toestaat", "larger than the relay accepts"),
        (429, "rate_limited", "Wacht een minuut", "Wait a minute"),
        (503, "unavailable", "tijdelijk niet beschikbaar", "temporarily unavailable"),
        (400, "bad_request", "De details staan in het logbestand.", "in the log file"),
    ],
)
def test_each_code_a_user_can_meet(
    language: str, status: int, code: str, dutch: str, english: str
) -> None:
    text = error_text(_refusal(status, code))
    assert {"nl": dutch, "en": english}[language] in text
    assert RELAY_SENTENCE not in text


def test_an_unknown_code_gets_a_general_sentence_with_the_code(language: str) -> None:
    assert (
        error_text(_refusal(418, "teapot"))
        == {
            "nl": "De relay weigerde het verzoek (teapot). De details staan in het logbestand.",
            "en": "The relay refused the request (teapot). The details are in the log file.",
        }[language]
    )
    # A proxy's error page has no code: the status stands in for it.
    assert "(HTTP 502)" in error_text(_refusal(502, None))


def test_no_answer_names_the_relay(language: str) -> None:
    text = error_text(RelayUnreachable("https://relay.example", "time-out"))
    assert (
        text
        == {
            "nl": "De relay (https://relay.example) is niet bereikbaar. Controleer de "
            "internetverbinding of probeer het later opnieuw.",
            "en": "The relay (https://relay.example) cannot be reached. Check the internet "
            "connection, or try again later.",
        }[language]
    )


def test_a_lost_mail_connection_is_worded_with_its_server(language: str) -> None:
    text = error_text(ConnectionLost("imap.example:993", "time-out"))
    assert (
        text
        == {
            "nl": "De verbinding met mailserver imap.example:993 is verbroken (time-out). "
            "Controleer de internetverbinding of probeer het later opnieuw.",
            "en": "The connection to the mail server imap.example:993 was lost (time-out). "
            "Check the internet connection, or try again later.",
        }[language]
    )


def test_an_unreachable_mail_server_keeps_the_reason(language: str) -> None:
    text = error_text(ServerUnreachable("imap.example:993", "[Errno 111] Connection refused"))
    assert (
        text
        == {
            "nl": "Mailserver imap.example:993 is niet bereikbaar ([Errno 111] Connection "
            "refused). Controleer de internetverbinding of probeer het later opnieuw.",
            "en": "The mail server imap.example:993 cannot be reached ([Errno 111] Connection "
            "refused). Check the internet connection, or try again later.",
        }[language]
    )


def test_other_errors_speak_for_themselves(language: str) -> None:
    assert error_text(ZivverdeskError("Eigen tekst / Own text")) == "Eigen tekst / Own text"


def test_every_code_the_relay_answers_the_desktop_with_has_a_text() -> None:
    """A code added to the relay's API needs a sentence here (or a reason why a desktop
    never meets it)."""
    relay = Path(__file__).parents[2] / "zivverdesk" / "relay"
    pattern = re.compile(r'ApiError\(\s*\d+,\s*"([a-z_]+)"|error_json\(\s*\d+,\s*"([a-z_]+)"')
    codes = {a or b for path in relay.rglob("*.py") for a, b in pattern.findall(path.read_text())}
    assert {"unauthorized", "revoked", "rate_limited"} <= codes  # the search finds them
    assert codes - RECIPIENT_PAGE_ONLY - set(RELAY_ERROR_TEXTS) == set()


def test_a_failed_synchronisation_words_each_part(language: str) -> None:
    summary = SyncSummary()
    summary.failed("relay", _refusal(429, "rate_limited"))
    summary.failed("mail", ZivverdeskError("De mailserver / The mail server"))
    text = error_text(SyncFailed(summary))
    wait = {"nl": "Wacht een minuut", "en": "Wait a minute"}[language]
    assert wait in text and text.endswith("; De mailserver / The mail server")
    assert RELAY_SENTENCE not in text


def test_the_background_sync_shows_the_relay_refusal_translated(
    qtbot: QtBot, qapp: QApplication, backend: FakeBackend
) -> None:
    translator = install_translator(qapp, "nl")
    try:
        window = shown_window(qtbot, backend)
        window.start_live_sync()
        refusal = _refusal(401, "revoked")
        backend.passes.put(
            SyncPass(changed=False, problems=(f"relay: {refusal}",), errors=(refusal,))
        )
        qtbot.waitUntil(lambda: window.status_label.text().startswith("Niet bijgewerkt: "))
        assert window.status_label.text() == (
            "Niet bijgewerkt: De beheerder heeft deze werkplek ingetrokken. Vraag de beheerder "
            "om een nieuwe inschrijvingscode."
        )
        assert window.live_sync.stop(timeout=10)
    finally:
        qapp.removeTranslator(translator)


def test_the_background_sync_shows_a_mail_outage_until_a_pass_gets_through(
    qtbot: QtBot, qapp: QApplication, backend: FakeBackend
) -> None:
    translator = install_translator(qapp, "nl")
    try:
        window = shown_window(qtbot, backend)
        window.start_live_sync()
        lost = ConnectionLost("imap.example:993", "verbinding gesloten / connection closed")
        backend.passes.put(SyncPass(changed=False, problems=(f"mail: {lost}",), errors=(lost,)))
        qtbot.waitUntil(lambda: window.status_label.text().startswith("Niet bijgewerkt: "))
        assert window.status_label.text() == (
            "Niet bijgewerkt: De verbinding met mailserver imap.example:993 is verbroken "
            "(verbinding gesloten / connection closed). Controleer de internetverbinding of "
            "probeer het later opnieuw."
        )
        backend.passes.put(SyncPass(changed=False, problems=(), errors=()))
        qtbot.waitUntil(lambda: not window.status_label.text().startswith("Niet bijgewerkt"))
        assert window.live_sync.worker is not None and window.live_sync.worker.is_alive()
        assert window.live_sync.stop(timeout=10)
    finally:
        qapp.removeTranslator(translator)
