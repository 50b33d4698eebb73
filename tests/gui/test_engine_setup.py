"""The set-up dialog over the real desktop engine on a fresh profile: a connection test with
a wrong password says so, one with the right password works, the account is saved, a code
the relay does not know is refused, the administrator's code enrolls the workstation — and
then, through a freshly opened profile, the engine holds exactly that, with the password in
the keyring (the tests' file keyring) and in none of the store's files. Real Dovecot,
Postfix (or aiosmtpd) and relay on 127.0.0.1."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from tests.gui.windows import shown_dialog
from tests.plugins.mailstack import MailAccount, MailStack
from tests.plugins.relay import RelayProcess
from zivverdesk.crypto.keyring_backend import INSECURE_FILE_NAME
from zivverdesk.gui.engine_backend import EngineBackend
from zivverdesk.gui.setup_dialog import SetupDialog
from zivverdesk.services.profile import Profile

pytestmark = [pytest.mark.gui, pytest.mark.integration]

# Long enough for Dovecot's delay after a failed sign-in and the relay's key check.
SERVER_WAIT_MS = 30_000


@pytest.fixture
def dialog(qtbot: QtBot, engine: EngineBackend) -> SetupDialog:
    dialog = SetupDialog(engine)
    return shown_dialog(
        qtbot, dialog, ready=lambda: dialog.state is not None, timeout_ms=SERVER_WAIT_MS
    )


def test_a_fresh_profile_is_set_up_through_the_dialog(
    dialog: SetupDialog,
    engine: EngineBackend,
    home: Path,
    qtbot: QtBot,
    mailstack: MailStack,
    mail_account: Callable[[str], MailAccount],
    relay_server: RelayProcess,
) -> None:
    account = mail_account("secretariaat")
    assert dialog.summary.text() == (
        "Still to do: add the mail account and enrol this workstation."
    )

    # The test server: IMAP over TLS (the dialog's default) on its IMAPS port, SMTP
    # submission with STARTTLS (the default) — both with the stack's own CA.
    QTest.keyClicks(dialog.email_edit, account.email)
    QTest.keyClicks(dialog.name_edit, "Secretariaat")
    QTest.keyClicks(dialog.organisation_edit, "Medisch Advies Test")
    QTest.keyClicks(dialog.username_edit, account.username)
    QTest.keyClicks(dialog.imap_host_edit, account.imap_host)
    dialog.imap_port.setValue(account.imaps_port)
    QTest.keyClicks(dialog.smtp_host_edit, account.smtp_host)
    dialog.smtp_port.setValue(account.smtp_port)
    dialog.advanced_button.click()
    dialog.ca_file_edit.setText(str(account.ca_file))

    # A wrong password: the server's refusal as a sentence, nothing saved.
    QTest.keyClicks(dialog.password_edit, account.password + "-fout")
    dialog.test_button.click()
    qtbot.waitUntil(lambda: not dialog.busy(), timeout=SERVER_WAIT_MS)
    assert "weigert gebruikersnaam of wachtwoord" in dialog.account_status.text()
    assert engine.setup_state().account == ""

    # The right one: the test works, and still nothing is saved.
    dialog.password_edit.clear()
    QTest.keyClicks(dialog.password_edit, account.password)
    dialog.test_button.click()
    qtbot.waitUntil(lambda: not dialog.busy(), timeout=SERVER_WAIT_MS)
    assert dialog.account_status.text() == (
        "The connection works: the IMAP and SMTP servers accepted the sign-in."
    )
    assert engine.setup_state().account == ""

    dialog.save_button.click()
    qtbot.waitUntil(
        lambda: not dialog.busy() and dialog.account_done.isVisible(), timeout=SERVER_WAIT_MS
    )
    assert dialog.account_done.text() == f"The mail account {account.email} is set up."
    assert dialog.summary.text() == "Still to do: enrol this workstation with the relay."

    # A code the relay does not know is refused; then the administrator's code.
    QTest.keyClicks(dialog.relay_url_edit, relay_server.url)
    QTest.keyClicks(dialog.code_edit, "ONBEKEND-1234")
    dialog.enroll_button.click()
    qtbot.waitUntil(lambda: not dialog.busy(), timeout=SERVER_WAIT_MS)
    assert "enrollment code is unknown" in dialog.relay_status.text()
    assert dialog.relay_form.isVisible() and dialog.enroll_button.isEnabled()
    assert engine.setup_state().enrolled_as == ""

    out = relay_server.admin("add-user", account.email, "--name", "Secretariaat", "--json")
    code = json.loads(out.stdout)["code"]
    dialog.code_edit.clear()
    QTest.keyClicks(dialog.code_edit, code)
    dialog.enroll_button.click()
    qtbot.waitUntil(
        lambda: not dialog.busy() and dialog.relay_done.isVisible(), timeout=SERVER_WAIT_MS
    )
    assert dialog.relay_done.text() == (
        f"This workstation is enrolled with {relay_server.url} as {account.email}."
    )
    assert dialog.summary.text() == "This workstation is set up."
    assert dialog.code_edit.text() == "" and dialog.password_edit.text() == ""

    engine.close()  # what the engine holds, read back through a fresh profile
    with Profile.open(home) as profile:
        [stored] = profile.store.accounts.all()
        assert (stored.email, stored.display_name, stored.organisation) == (
            account.email,
            "Secretariaat",
            "Medisch Advies Test",
        )
        assert (stored.auth_kind, stored.username) == ("password", account.username)
        assert (stored.imap_host, stored.imap_port, stored.imap_security) == (
            account.imap_host,
            account.imaps_port,
            "ssl",
        )
        assert (stored.smtp_host, stored.smtp_port, stored.smtp_security) == (
            account.smtp_host,
            account.smtp_port,
            "starttls",
        )
        assert stored.ca_file == str(account.ca_file.resolve())
        password = profile.vault.mail_password(stored.id)
        assert password is not None and password.reveal() == account.password
        enrollment = profile.store.relay.enrollment()
        assert enrollment is not None
        assert (enrollment.relay_url, enrollment.email) == (relay_server.url, account.email)
        assert profile.vault.relay_token() is not None
        data_dir = profile.paths.data_dir
    # The password is in the tests' keyring file only: in none of the store's files.
    assert (data_dir / INSECURE_FILE_NAME).is_file()
    for path in home.rglob("*"):
        if path.is_file() and path.name != INSECURE_FILE_NAME:
            assert account.password.encode() not in path.read_bytes(), path
