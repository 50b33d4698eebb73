"""The address book dialog over the real desktop engine and its sealed store (no servers
needed): an organisation added with an access code, the code shown, rotated, a refused code
that changes nothing, a contact with a mobile number, an import of a small CSV — and then,
through the services and the store of a freshly opened profile, that the engine holds
exactly that, with the code sealed at rest. Deleting through the dialog removes an
organisation's code from every file of the profile and keeps its contacts, detached; a wrong
mobile number is refused in the form."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from tests.gui.windows import shown_dialog
from zivverdesk.core.secret import Secret
from zivverdesk.gui.addressbook_dialog import MASK, AddressBookDialog
from zivverdesk.gui.backend import ContactEntry
from zivverdesk.gui.engine_backend import EngineBackend
from zivverdesk.services.profile import Profile
from zivverdesk.store.database import DB_FILE_NAME

pytestmark = pytest.mark.gui

FIRST_CODE = "lente-2026-Kx7"
SECOND_CODE = "herfst-2026-Qm4"


@pytest.fixture
def dialog(qtbot: QtBot, engine: EngineBackend) -> AddressBookDialog:
    return shown_dialog(qtbot, AddressBookDialog(engine))


def test_the_dialog_writes_the_address_book_into_the_engine(
    dialog: AddressBookDialog, engine: EngineBackend, home: Path, qtbot: QtBot, tmp_path: Path
) -> None:
    # An organisation with an access code.
    form = dialog.add_organisation()
    form.name_edit.setText("Verzekeraar NL")
    form.domains_edit.setText("verzekeraar.nl, @VZNL.nl")
    form.contact_edit.setText("M. Bakker")
    form.code_edit.setText(FIRST_CODE)
    form.repeat_edit.setText(FIRST_CODE)
    form.save_button.click()
    qtbot.waitUntil(lambda: form.isHidden() and dialog.selected_organisation() is not None)
    org = dialog.selected_organisation()
    assert org is not None and org.domains == ("verzekeraar.nl", "vznl.nl")
    assert dialog.code_field.text() == MASK

    # Shown on request, for a recipient who forgot it.
    dialog.reveal_button.click()
    qtbot.waitUntil(lambda: dialog.code_field.text() == FIRST_CODE)

    # A code the engine refuses is said in the form, and the first code stays.
    refused = dialog.rotate_access_code()
    assert refused is not None
    refused.code_edit.setText("abc")
    refused.repeat_edit.setText("abc")
    refused.save_button.click()
    qtbot.waitUntil(lambda: "minstens 6 tekens" in refused.problem.text())
    refused.reject()

    # Rotated.
    rotate = dialog.rotate_access_code()
    assert rotate is not None
    rotate.code_edit.setText(SECOND_CODE)
    rotate.repeat_edit.setText(SECOND_CODE)
    rotate.save_button.click()
    qtbot.waitUntil(lambda: rotate.isHidden() and not dialog.busy())
    assert dialog.code_field.text() == MASK
    dialog.reveal_button.click()
    qtbot.waitUntil(lambda: dialog.code_field.text() == SECOND_CODE)

    # A contact with a mobile number at that organisation.
    dialog.tabs.setCurrentIndex(1)
    contact = dialog.add_contact()
    contact.email_edit.setText("J.deVries@verzekeraar.nl")
    contact.name_edit.setText("J. de Vries")
    contact.mobile_edit.setText("+31 6 12345678")
    contact.organisation_box.setCurrentIndex(contact.organisation_box.findData("Verzekeraar NL"))
    contact.save_button.click()
    qtbot.waitUntil(lambda: contact.isHidden() and dialog.selected_contact() is not None)

    # An import: one new contact, one update of the contact above, one row skipped.
    csv = tmp_path / "contacten.csv"
    csv.write_text(
        "naam;e-mail;mobiel;organisatie\n"
        "A. Smit;a.smit@verzekeraar.nl;+31687654321;Verzekeraar NL\n"
        "Jan de Vries;j.devries@verzekeraar.nl;;\n"
        "Zonder adres;;;\n",
        encoding="utf-8",
    )
    dialog.import_file(csv)
    qtbot.waitUntil(lambda: dialog.import_report is not None and not dialog.busy())
    report = dialog.import_report
    assert report is not None
    assert report.summary.text() == "Added: 1, updated: 1, skipped: 1."
    assert (
        report.remarks.count() == 1 and "geen geldig e-mailadres" in report.remarks.item(0).text()
    )
    assert dialog.contacts.rowCount() == 2

    engine.close()  # what the engine holds, read back through a fresh profile
    with Profile.open(home) as profile:
        book = profile.store.addressbook
        [stored] = book.organisations()
        assert (stored.name, stored.domains, stored.contact_person) == (
            "Verzekeraar NL",
            ("verzekeraar.nl", "vznl.nl"),
            "M. Bakker",
        )
        code = book.access_code(stored.id)
        assert code is not None and code.reveal() == SECOND_CODE
        people = {c.email: c for c in book.contacts()}
        assert set(people) == {"a.smit@verzekeraar.nl", "j.devries@verzekeraar.nl"}
        jan = people["j.devries@verzekeraar.nl"]
        # The import updated the name and kept what its row left empty.
        assert (jan.name, jan.mobile, jan.organisation_id) == (
            "Jan de Vries",
            "+31612345678",
            stored.id,
        )
        smit = people["a.smit@verzekeraar.nl"]
        assert (smit.mobile, smit.organisation_id) == ("+31687654321", stored.id)
        assert book.organisation_for_address("x@vznl.nl") == stored
    # Sealed at rest: neither code is anywhere in the profile's files in the clear.
    for path in home.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert FIRST_CODE.encode() not in data and SECOND_CODE.encode() not in data, path


def test_a_name_or_domain_of_another_organisation_is_refused_when_editing(
    dialog: AddressBookDialog, engine: EngineBackend, qtbot: QtBot
) -> None:
    engine.add_organisation(
        name="Huisartsen Noord", domains=["hapnoord.nl"], contact_person="", access_code=None
    )
    engine.add_organisation(
        name="Arbodienst West", domains=["arbowest.nl"], contact_person="", access_code=None
    )
    dialog.refresh(organisation="Arbodienst West")
    qtbot.waitUntil(lambda: dialog.selected_organisation() is not None)
    form = dialog.edit_organisation()
    assert form is not None
    form.domains_edit.setText("arbowest.nl hapnoord.nl")
    form.save_button.click()
    qtbot.waitUntil(lambda: "hapnoord.nl" in form.problem.text())
    assert "Huisartsen Noord" in form.problem.text()
    form.domains_edit.setText("arbowest.nl")
    form.name_edit.setText("huisartsen noord")
    form.save_button.click()
    qtbot.waitUntil(lambda: "al een organisatie" in form.problem.text())
    form.name_edit.setText("Arbo West")
    form.save_button.click()
    qtbot.waitUntil(lambda: form.isHidden() and not dialog.busy())
    assert [o.name for o in engine.organisations()] == ["Arbo West", "Huisartsen Noord"]
    assert [o.domains for o in engine.organisations()] == [("arbowest.nl",), ("hapnoord.nl",)]


def _delete(box: QMessageBox | None) -> None:
    assert box is not None
    (button,) = [
        b for b in box.buttons() if box.buttonRole(b) == QMessageBox.ButtonRole.DestructiveRole
    ]
    button.click()


def _profile_bytes(home: Path) -> bytes:
    return b"".join(p.read_bytes() for p in sorted(home.rglob("*")) if p.is_file())


def test_deleting_in_the_dialog_removes_the_code_from_the_profile(
    dialog: AddressBookDialog, engine: EngineBackend, home: Path, qtbot: QtBot
) -> None:
    engine.add_organisation(
        name="Arbodienst West",
        domains=["arbowest.nl"],
        contact_person="",
        access_code=Secret(FIRST_CODE),
    )
    dialog.refresh(organisation="Arbodienst West")
    qtbot.waitUntil(lambda: dialog.selected_organisation() is not None and not dialog.busy())

    # A contact at that organisation, with a number as people type it; a wrong one first.
    dialog.tabs.setCurrentIndex(1)
    form = dialog.add_contact()
    form.email_edit.setText("p.jansen@arbowest.nl")
    form.name_edit.setText("P. Jansen")
    form.organisation_box.setCurrentIndex(form.organisation_box.findData("Arbodienst West"))
    form.mobile_edit.setText("020 123 4567")
    form.save_button.click()
    assert "mobile number" in form.mobile_problem.text() and form.isVisible()
    form.mobile_edit.setText("06 1234 5678")
    form.save_button.click()
    qtbot.waitUntil(lambda: form.isHidden() and dialog.selected_contact() is not None)
    contact = dialog.selected_contact()
    assert contact is not None and contact.mobile == "+31612345678"

    # A second contact, deleted with the Delete key.
    engine.add_contact(ContactEntry(email="weg@elders.nl", name="Vertrokken"))
    dialog.refresh(contact="weg@elders.nl")
    qtbot.waitUntil(lambda: dialog.contacts.rowCount() == 2 and not dialog.busy())
    QTest.keyClick(dialog.contact_table, Qt.Key.Key_Delete)
    _delete(dialog.delete_question)
    qtbot.waitUntil(lambda: dialog.contacts.rowCount() == 1 and not dialog.busy())

    store_file = next(home.rglob(DB_FILE_NAME))
    with sqlite3.connect(f"file:{store_file}?mode=ro", uri=True) as db:
        (sealed,) = db.execute("SELECT access_code_sealed FROM organisations").fetchone()
    db.close()
    assert bytes(sealed) in _profile_bytes(home)

    # The organisation: its contact is named in the question and kept, detached.
    dialog.tabs.setCurrentIndex(0)
    dialog.organisation_table.selectRow(0)
    dialog.delete_organisation_button.click()
    box = dialog.delete_question
    assert box is not None and "P. Jansen" in box.informativeText()
    _delete(box)
    qtbot.waitUntil(lambda: dialog.organisations.rowCount() == 0 and not dialog.busy())
    assert dialog.status.text() == "Organisation Arbodienst West deleted."
    assert engine.contacts() == [
        ContactEntry(email="p.jansen@arbowest.nl", name="P. Jansen", mobile="+31612345678")
    ]
    # Gone from every file of the profile while it is open, and after.
    assert bytes(sealed) not in _profile_bytes(home)
    assert b"Vertrokken" not in _profile_bytes(home)
    engine.close()
    on_disk = _profile_bytes(home)
    assert bytes(sealed) not in on_disk and FIRST_CODE.encode() not in on_disk
    with Profile.open(home) as profile:
        assert profile.store.addressbook.organisations() == []
        assert [c.email for c in profile.store.addressbook.contacts()] == ["p.jansen@arbowest.nl"]
