"""The set-up dialog over the in-memory backend: it says what is still to do, tests a mail
sign-in without saving (success and a refused password as sentences), saves exactly the
typed account with its password masked, signs in with Microsoft or Google through the OAuth
path, enrolls with the relay (a refused code shown, nothing saved); the main window offers
it at start only on a profile that is not set up; and it speaks Dutch."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLineEdit
from pytestqt.qtbot import QtBot

from tests.gui.fake_backend import ENROLLMENT_CODE, MAIL_PASSWORD, FakeBackend
from tests.gui.windows import shown_dialog, shown_window
from zivverdesk.core.secret import Secret
from zivverdesk.gui.backend import MailServer, OAuthAccount, PasswordAccount, SetupState
from zivverdesk.gui.i18n import install_translator
from zivverdesk.gui.setup_dialog import SetupDialog

pytestmark = pytest.mark.gui

EMAIL = "secretariaat@advies.test"
WRONG_PASSWORD = "Verkeerd-wachtwoord-9"


@pytest.fixture
def backend() -> FakeBackend:
    return FakeBackend.fresh()


def open_dialog(qtbot: QtBot, backend: FakeBackend) -> SetupDialog:
    """A shown set-up dialog that has read what is set up, closed after the test once every
    call it started has answered."""
    dialog = SetupDialog(backend)
    return shown_dialog(qtbot, dialog, ready=lambda: dialog.state is not None)


@pytest.fixture
def dialog(qtbot: QtBot, backend: FakeBackend) -> SetupDialog:
    return open_dialog(qtbot, backend)


def fill_server_account(dialog: SetupDialog, password: str) -> None:
    QTest.keyClicks(dialog.email_edit, EMAIL)
    QTest.keyClicks(dialog.name_edit, "Secretariaat")
    QTest.keyClicks(dialog.organisation_edit, "Medisch Advies Noord")
    QTest.keyClicks(dialog.password_edit, password)
    QTest.keyClicks(dialog.imap_host_edit, "imap.advies.test")
    QTest.keyClicks(dialog.smtp_host_edit, "smtp.advies.test")


def test_a_fresh_profile_shows_both_parts_to_do(dialog: SetupDialog) -> None:
    assert dialog.summary.text() == (
        "Still to do: add the mail account and enrol this workstation."
    )
    assert dialog.account_form.isVisible() and not dialog.account_done.isVisible()
    assert dialog.relay_form.isVisible() and not dialog.relay_done.isVisible()
    # The usual servers' defaults: IMAP over TLS on 993, SMTP submission with STARTTLS on 587.
    assert dialog.other_choice.isChecked() and dialog.server_fields.isVisible()
    assert (dialog.imap_port.value(), dialog.imap_security.currentData()) == (993, "ssl")
    assert (dialog.smtp_port.value(), dialog.smtp_security.currentData()) == (587, "starttls")
    # The secrets are typed into masked fields.
    assert dialog.password_edit.echoMode() == QLineEdit.EchoMode.Password
    assert dialog.code_edit.echoMode() == QLineEdit.EchoMode.Password
    assert not dialog.advanced.isVisible()
    dialog.advanced_button.click()
    assert dialog.advanced.isVisible()


def test_each_part_shows_when_it_is_done(qtbot: QtBot) -> None:
    backend = FakeBackend.fresh()
    backend.setup = SetupState(account=EMAIL)
    dialog = open_dialog(qtbot, backend)
    assert dialog.summary.text() == "Still to do: enrol this workstation with the relay."
    assert dialog.account_done.text() == f"The mail account {EMAIL} is set up."
    assert not dialog.account_form.isVisible() and dialog.relay_form.isVisible()

    done = open_dialog(qtbot, FakeBackend())  # the fake's default: a desk that is set up
    assert done.summary.text() == "This workstation is set up."
    assert done.relay_done.text() == (
        f"This workstation is enrolled with https://relay.advies.test as {EMAIL}."
    )
    assert not done.account_form.isVisible() and not done.relay_form.isVisible()


def test_changing_the_security_changes_a_usual_port_only(dialog: SetupDialog) -> None:
    dialog.imap_security.setCurrentIndex(dialog.imap_security.findData("starttls"))
    assert dialog.imap_port.value() == 143
    dialog.smtp_port.setValue(2525)  # the office's own port: kept
    dialog.smtp_security.setCurrentIndex(dialog.smtp_security.findData("ssl"))
    assert dialog.smtp_port.value() == 2525


def test_testing_the_connection_says_whether_the_sign_in_works(
    dialog: SetupDialog, backend: FakeBackend, qtbot: QtBot
) -> None:
    fill_server_account(dialog, WRONG_PASSWORD)
    dialog.test_button.click()
    qtbot.waitUntil(lambda: not dialog.busy())
    assert dialog.account_status.text() == (
        "imap.advies.test:993 weigert gebruikersnaam of wachtwoord."
    )
    assert dialog.test_button.isEnabled() and dialog.save_button.isEnabled()
    assert backend.accounts_added == []  # a test saves nothing

    dialog.password_edit.clear()
    QTest.keyClicks(dialog.password_edit, MAIL_PASSWORD)
    dialog.test_button.click()
    qtbot.waitUntil(lambda: not dialog.busy())
    assert dialog.account_status.text() == (
        "The connection works: the IMAP and SMTP servers accepted the sign-in."
    )
    assert [a.password.reveal() for a in backend.login_tests] == [WRONG_PASSWORD, MAIL_PASSWORD]
    assert backend.accounts_added == [] and backend.setup.account == ""


def test_what_is_missing_is_said_before_anything_is_asked(
    dialog: SetupDialog, backend: FakeBackend
) -> None:
    dialog.test_button.click()
    assert dialog.account_status.text() == "Fill in the e-mail address."
    QTest.keyClicks(dialog.email_edit, EMAIL)
    dialog.save_button.click()
    assert dialog.account_status.text() == "Fill in the IMAP server and the SMTP server."
    QTest.keyClicks(dialog.imap_host_edit, "imap.advies.test")
    QTest.keyClicks(dialog.smtp_host_edit, "smtp.advies.test")
    dialog.save_button.click()
    assert dialog.account_status.text() == "Fill in the password."
    dialog.enroll_button.click()
    assert dialog.relay_status.text() == "Fill in the relay address."
    assert not dialog.busy() and backend.login_tests == [] and backend.accounts_added == []


def test_saving_sends_exactly_the_typed_account(
    dialog: SetupDialog,
    backend: FakeBackend,
    qtbot: QtBot,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    ca = tmp_path / "kantoor-ca.pem"
    fill_server_account(dialog, MAIL_PASSWORD)
    dialog.advanced_button.click()
    dialog.ca_file_edit.setText(str(ca))
    # The password is masked on screen, and in no repr of what the dialog sends.
    assert dialog.password_edit.displayText() != MAIL_PASSWORD
    dialog.save_button.click()
    qtbot.waitUntil(lambda: not dialog.busy() and dialog.state is not None)
    qtbot.waitUntil(lambda: dialog.account_done.isVisible())
    assert backend.accounts_added == [
        PasswordAccount(
            email=EMAIL,
            display_name="Secretariaat",
            organisation="Medisch Advies Noord",
            username=EMAIL,  # none typed: the e-mail address
            password=Secret(MAIL_PASSWORD),
            imap=MailServer(host="imap.advies.test", port=993, security="ssl"),
            smtp=MailServer(host="smtp.advies.test", port=587, security="starttls"),
            ca_file=ca,
        )
    ]
    (saved,) = backend.accounts_added
    assert MAIL_PASSWORD not in repr(saved) and MAIL_PASSWORD not in str(saved)
    assert dialog.account_status.text() == f"Mail account {EMAIL} saved."
    assert dialog.account_done.text() == f"The mail account {EMAIL} is set up."
    assert dialog.password_edit.text() == ""  # not kept in the window once saved
    assert dialog.summary.text() == "Still to do: enrol this workstation with the relay."
    assert MAIL_PASSWORD not in caplog.text


def test_a_refused_password_is_shown_and_nothing_saved(
    dialog: SetupDialog, backend: FakeBackend, qtbot: QtBot, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    fill_server_account(dialog, WRONG_PASSWORD)
    QTest.keyClicks(dialog.username_edit, "secretariaat")
    dialog.save_button.click()
    qtbot.waitUntil(lambda: not dialog.busy())
    assert "weigert gebruikersnaam of wachtwoord" in dialog.account_status.text()
    assert backend.accounts_added == [] and backend.setup.account == ""
    assert dialog.account_form.isVisible() and dialog.save_button.isEnabled()
    assert [a.username for a in backend.login_tests] == ["secretariaat"]
    assert WRONG_PASSWORD not in caplog.text


@pytest.mark.parametrize(
    ("choice", "provider"), [("microsoft_choice", "microsoft"), ("google_choice", "google")]
)
def test_microsoft_and_google_sign_in_through_the_oauth_path(
    dialog: SetupDialog, backend: FakeBackend, qtbot: QtBot, choice: str, provider: str
) -> None:
    getattr(dialog, choice).click()
    assert not dialog.server_fields.isVisible() and not dialog.test_button.isVisible()
    assert "in your browser" in dialog.oauth_hint.text()
    QTest.keyClicks(dialog.email_edit, EMAIL)
    QTest.keyClicks(dialog.name_edit, "Secretariaat")
    dialog.save_button.click()
    qtbot.waitUntil(lambda: not dialog.busy() and dialog.account_done.isVisible())
    assert backend.accounts_added == [
        OAuthAccount(email=EMAIL, provider=provider, display_name="Secretariaat")  # type: ignore[arg-type]
    ]
    assert backend.login_tests == []  # no password anywhere


def test_enrolling_sends_the_address_and_the_code(
    dialog: SetupDialog, backend: FakeBackend, qtbot: QtBot, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    QTest.keyClicks(dialog.relay_url_edit, "relay.advies.test")  # https when none is typed
    QTest.keyClicks(dialog.code_edit, ENROLLMENT_CODE)
    dialog.enroll_button.click()
    qtbot.waitUntil(lambda: not dialog.busy() and dialog.relay_done.isVisible())
    assert backend.enrollments == [("https://relay.advies.test", ENROLLMENT_CODE, None)]
    assert dialog.code_edit.text() == ""
    assert dialog.relay_done.text().startswith(
        "This workstation is enrolled with https://relay.advies.test as "
    )
    assert ENROLLMENT_CODE not in caplog.text


def test_a_refused_code_is_shown_and_nothing_saved(
    dialog: SetupDialog, backend: FakeBackend, qtbot: QtBot
) -> None:
    QTest.keyClicks(dialog.relay_url_edit, "https://relay.advies.test")
    QTest.keyClicks(dialog.code_edit, "AAAA-BBBB-CCCC")
    dialog.enroll_button.click()
    qtbot.waitUntil(lambda: not dialog.busy())
    # The desktop's own sentence (Dutch in a Dutch window: tests/gui/test_errors.py).
    assert dialog.relay_status.text() == (
        "This enrollment code is unknown, used or expired. Ask the administrator for a new one."
    )
    assert backend.enrollments == [] and backend.setup.enrolled_as == ""
    assert dialog.relay_form.isVisible() and dialog.enroll_button.isEnabled()
    assert dialog.summary.text().startswith("Still to do:")


def test_signals_a_change_once_something_is_saved(
    dialog: SetupDialog, backend: FakeBackend, qtbot: QtBot
) -> None:
    QTest.keyClicks(dialog.relay_url_edit, "https://relay.advies.test")
    QTest.keyClicks(dialog.code_edit, ENROLLMENT_CODE)
    with qtbot.waitSignal(dialog.setup_changed):
        dialog.enroll_button.click()
    qtbot.waitUntil(lambda: not dialog.busy())


def test_the_window_offers_the_set_up_on_a_fresh_profile(
    qtbot: QtBot, backend: FakeBackend
) -> None:
    window = shown_window(qtbot, backend)
    window.start_after_setup()
    qtbot.waitUntil(lambda: window.findChild(SetupDialog) is not None)
    dialog = window.findChild(SetupDialog)
    assert dialog is not None and dialog.isVisible()
    assert not backend.watching.is_set()  # the sync waits for the set-up
    qtbot.waitUntil(lambda: not dialog.busy())
    dialog.close()
    qtbot.waitUntil(backend.watching.is_set)
    window.live_sync.stop(timeout=5)


def test_the_window_starts_syncing_at_once_when_set_up(qtbot: QtBot) -> None:
    backend = FakeBackend()
    window = shown_window(qtbot, backend)
    window.start_after_setup()
    qtbot.waitUntil(backend.watching.is_set)
    assert window.findChild(SetupDialog) is None
    window.live_sync.stop(timeout=5)


def test_the_set_up_action_opens_one_dialog(qtbot: QtBot) -> None:
    window = shown_window(qtbot, FakeBackend())
    window.setup_action.trigger()
    dialog = window.findChild(SetupDialog)
    assert dialog is not None and dialog.isVisible()
    assert window.show_setup() is dialog
    qtbot.waitUntil(lambda: not dialog.busy())


def test_the_dialog_speaks_dutch(qapp: QApplication, qtbot: QtBot, backend: FakeBackend) -> None:
    translator = install_translator(qapp, "nl")
    try:
        dialog = open_dialog(qtbot, backend)
        assert dialog.windowTitle() == "Instellen"
        assert dialog.summary.text() == (
            "Nog te doen: het e-mailaccount toevoegen en deze werkplek inschrijven."
        )
        assert dialog.account_box.title() == "E-mailaccount"
        assert dialog.other_choice.text() == "Andere mailserver"
        assert dialog.test_button.text() == "Verbinding testen"
        assert dialog.save_button.text() == "Opslaan"
        assert dialog.enroll_button.text() == "Inschrijven"
        assert dialog.advanced_button.text() == "Geavanceerd"
        assert dialog.username_edit.placeholderText() == "Gelijk aan het e-mailadres"
        dialog.test_button.click()
        assert dialog.account_status.text() == "Vul het e-mailadres in."
        dialog.google_choice.click()
        assert dialog.oauth_hint.text().startswith("Opslaan opent de aanmeldpagina van Google")
        window = shown_window(qtbot, FakeBackend())
        assert window.setup_action.text() == "Instellen…"
    finally:
        qapp.removeTranslator(translator)


def test_the_language_chosen_is_kept_for_the_next_start(
    dialog: SetupDialog, backend: FakeBackend, qtbot: QtBot
) -> None:
    box = dialog.language_box
    assert box.isEnabled() and box.currentData() == "nl"
    # Each language is named in itself.
    assert [box.itemText(i) for i in range(box.count())] == ["Nederlands", "English"]
    box.setCurrentIndex(1)
    box.activated.emit(1)
    qtbot.waitUntil(lambda: backend.setup.language == "en")
    qtbot.waitUntil(lambda: box.isEnabled())
    assert dialog.language_status.text() == "Takes effect the next time zivverdesk starts."


def test_a_language_fixed_by_the_administrator_cannot_be_changed(
    qtbot: QtBot, backend: FakeBackend
) -> None:
    backend.setup = SetupState(language="en", language_locked=True)
    dialog = open_dialog(qtbot, backend)
    assert dialog.language_box.currentData() == "en"
    assert not dialog.language_box.isEnabled()
    assert dialog.language_box.toolTip() == "Fixed by your administrator."
