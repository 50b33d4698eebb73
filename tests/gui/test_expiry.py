"""How long a secure message can be opened: chosen in the composer (the office's default
unless the sender picks a period), kept with a draft, not offered for a reply; the message
details say until when, and their timeline is worded for people, not in the relay's terms."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from tests.gui.fake_backend import FakeBackend
from zivverdesk.core.model import VerificationMethod
from zivverdesk.gui.backend import RecipientCheck, TimelineEntry
from zivverdesk.gui.composer import ComposerDialog
from zivverdesk.gui.details_dialog import DetailsDialog
from zivverdesk.gui.i18n import install_translator
from zivverdesk.gui.main_window import MainWindow

pytestmark = pytest.mark.gui


def _addressed(dialog: ComposerDialog) -> None:
    QTest.keyClicks(dialog.to_edit, "jan@example.test")
    dialog.to_edit.editingFinished.emit()
    dialog.checks_table.choose("jan@example.test", VerificationMethod.EMAIL, "")
    QTest.keyClicks(dialog.subject_edit, "Uitslag")


def test_the_office_default_unless_the_sender_picks_a_period(
    window: MainWindow, backend: FakeBackend, qtbot: QtBot
) -> None:
    dialog = window.compose()
    assert dialog.expiry_box.currentData() is None  # the office's default first
    offered = [dialog.expiry_box.itemData(i) for i in range(dialog.expiry_box.count())]
    assert offered == [None, 7, 30, 90, 365]
    _addressed(dialog)
    dialog.expiry_box.setCurrentIndex(dialog.expiry_box.findData(30))
    QTest.mouseClick(dialog.send_secure_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(backend.sent))
    assert backend.sent[0].expires_days == 30

    second = window.compose()
    _addressed(second)
    QTest.mouseClick(second.send_secure_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(backend.sent) == 2)
    assert backend.sent[1].expires_days is None


def test_a_draft_keeps_the_period_and_a_reply_has_none(
    window: MainWindow, backend: FakeBackend, qtbot: QtBot
) -> None:
    dialog = window.compose()
    _addressed(dialog)
    dialog.expiry_box.setCurrentIndex(dialog.expiry_box.findData(7))
    kept = dialog.message(secure=True)
    assert kept.expires_days == 7
    reopened = ComposerDialog()
    qtbot.addWidget(reopened)
    reopened.fill(kept, "f" * 32)
    assert reopened.expiry_box.currentData() == 7
    assert not reopened.has_unkept_changes()
    reopened.expiry_box.setCurrentIndex(0)
    assert reopened.has_unkept_changes()  # changing the period is a change to keep

    reply = ComposerDialog(reply_to=backend.details("a" * 32))
    qtbot.addWidget(reply)
    reply.show()
    assert not reply.expiry_box.isVisible()
    assert reply.message(secure=True).expires_days is None


def test_details_say_until_when_and_word_the_timeline(backend: FakeBackend, qtbot: QtBot) -> None:
    app = QApplication.instance()
    assert isinstance(app, QCoreApplication)
    translator = install_translator(app, "nl")
    try:
        now = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
        details = backend.details("a" * 32)
        recipient = replace(
            details.recipients[0],
            timeline=[
                TimelineEntry(at=now, what="notification_accepted"),
                TimelineEntry(at=now, what="verification_failed"),
                TimelineEntry(at=now, what="downloaded", detail="rapport.pdf"),
            ],
        )
        expires = now + timedelta(days=30)
        dialog = DetailsDialog(replace(details, recipients=[recipient], expires=expires))
        qtbot.addWidget(dialog)
        local = expires.astimezone().strftime("%d-%m-%Y %H:%M")
        assert dialog.expires_label.text() == f"Te openen tot {local}"
        top = dialog.tree.topLevelItem(0)
        assert top is not None
        # The address and the times are shown whole, not cut off.
        metrics = dialog.tree.fontMetrics()
        assert dialog.tree.columnWidth(0) > metrics.horizontalAdvance(top.text(0))
        children = [top.child(i) for i in range(top.childCount())]
        lines = [(c.text(1), c.text(2)) for c in children if c is not None]
        assert lines == [
            ("Melding afgeleverd bij de mailserver", ""),
            ("Onjuiste code ingevoerd", ""),
            ("Bijlage gedownload", "rapport.pdf"),
        ]
    finally:
        app.removeTranslator(translator)


def test_checks_keep_their_choice_next_to_the_period(window: MainWindow) -> None:
    dialog = window.compose()
    _addressed(dialog)
    dialog.expiry_box.setCurrentIndex(dialog.expiry_box.findData(90))
    message = dialog.message(secure=True)
    assert message.checks == {"jan@example.test": RecipientCheck(method=VerificationMethod.EMAIL)}
    assert message.expires_days == 90
