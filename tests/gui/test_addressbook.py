"""The address book dialog over the in-memory backend: it lists organisations and contacts,
adds and edits them, shows an access code only on request and masks it again on another
selection, rotates a code (asked twice; a code the engine refuses is shown as a sentence and
nothing is saved), imports contacts with a report, filters, deletes after asking (button or
Delete key; an organisation's contacts are named and detached), refuses a wrong mobile number
beside its field, and speaks Dutch."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QAbstractItemModel, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox, QWidget
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from tests.gui.fake_backend import FakeBackend
from tests.gui.windows import shown_dialog, shown_window
from zivverdesk.gui.addressbook_dialog import MASK, AddressBookDialog
from zivverdesk.gui.addressbook_models import ContactColumn, OrganisationColumn
from zivverdesk.gui.backend import ContactEntry, ImportSummary
from zivverdesk.gui.i18n import install_translator

pytestmark = pytest.mark.gui

SHORT_CODE_REFUSED = (
    "Een toegangscode heeft minstens 6 tekens. / An access code needs at least 6 characters."
)


def open_dialog(qtbot: QtBot, backend: FakeBackend) -> AddressBookDialog:
    """A shown address book with both lists loaded, closed after the test once every call it
    started has answered."""
    dialog = AddressBookDialog(backend)
    return shown_dialog(qtbot, dialog, ready=lambda: dialog.organisations.rowCount() > 0)


@pytest.fixture
def dialog(qtbot: QtBot, backend: FakeBackend) -> AddressBookDialog:
    return open_dialog(qtbot, backend)


def column(model: QAbstractItemModel, col: int) -> list[str]:
    return [str(model.index(row, col).data()) for row in range(model.rowCount())]


def select(dialog: AddressBookDialog, name: str) -> None:
    names = column(dialog.organisation_proxy, OrganisationColumn.NAME)
    dialog.organisation_table.selectRow(names.index(name))


def test_the_tables_list_what_the_backend_has(
    dialog: AddressBookDialog, qtmodeltester: ModelTester
) -> None:
    orgs = dialog.organisation_proxy
    assert column(orgs, OrganisationColumn.NAME) == ["Huisartsenpraktijk Noord", "Verzekeraar NL"]
    assert column(orgs, OrganisationColumn.DOMAINS) == ["hapnoord.nl", "verzekeraar.nl"]
    assert column(orgs, OrganisationColumn.CONTACT_PERSON) == ["", "M. Bakker"]
    assert column(orgs, OrganisationColumn.ACCESS_CODE) == ["No", "Yes"]
    people = dialog.contact_proxy
    assert column(people, ContactColumn.EMAIL) == ["balie@hapnoord.nl", "j.devries@verzekeraar.nl"]
    assert column(people, ContactColumn.MOBILE) == ["", "+31612345678"]
    assert column(people, ContactColumn.ORGANISATION) == ["", "Verzekeraar NL"]
    # No code anywhere in the lists, only whether there is one.
    assert not any("zomer-2026" in text for c in range(4) for text in column(orgs, c))
    qtmodeltester.check(dialog.organisations)  # type: ignore[no-untyped-call]
    qtmodeltester.check(dialog.contacts)  # type: ignore[no-untyped-call]


def test_adding_an_organisation_shows_it_selected(
    dialog: AddressBookDialog, backend: FakeBackend, qtbot: QtBot
) -> None:
    form = dialog.add_organisation()
    form.name_edit.setText("Arbodienst West")
    form.domains_edit.setText("arbowest.nl; arbo-west.nl")
    form.contact_edit.setText("P. Jansen")
    form.code_edit.setText("herfst-2026")
    form.repeat_edit.setText("herfst-2026")
    form.save_button.click()
    qtbot.waitUntil(lambda: form.isHidden())
    qtbot.waitUntil(lambda: dialog.selected_organisation() is not None)
    org = dialog.selected_organisation()
    assert org is not None and org.name == "Arbodienst West"
    assert org.domains == ("arbowest.nl", "arbo-west.nl") and org.has_access_code
    assert backend.codes["Arbodienst West"] == "herfst-2026"
    assert dialog.status.text() == "Organisation Arbodienst West saved."
    assert dialog.code_field.text() == MASK  # a new code is not shown either


def test_adding_a_contact_with_a_mobile_number_shows_it(
    dialog: AddressBookDialog, backend: FakeBackend, qtbot: QtBot
) -> None:
    dialog.tabs.setCurrentIndex(1)
    form = dialog.add_contact()
    form.email_edit.setText("a.smit@verzekeraar.nl")
    form.name_edit.setText("A. Smit")
    form.mobile_edit.setText("+31 6 87654321")
    form.organisation_box.setCurrentIndex(form.organisation_box.findData("Verzekeraar NL"))
    form.save_button.click()
    qtbot.waitUntil(lambda: form.isHidden())
    qtbot.waitUntil(lambda: dialog.selected_contact() is not None)
    assert dialog.selected_contact() == ContactEntry(
        email="a.smit@verzekeraar.nl",
        name="A. Smit",
        mobile="+31687654321",  # in the international form the engine keeps
        organisation="Verzekeraar NL",
    )
    assert "a.smit@verzekeraar.nl" in column(dialog.contact_proxy, ContactColumn.EMAIL)


def test_editing_a_contact_can_remove_its_organisation(
    dialog: AddressBookDialog, backend: FakeBackend, qtbot: QtBot
) -> None:
    dialog.tabs.setCurrentIndex(1)
    emails = column(dialog.contact_proxy, ContactColumn.EMAIL)
    dialog.contact_table.selectRow(emails.index("j.devries@verzekeraar.nl"))
    form = dialog.edit_contact()
    assert form is not None
    assert form.email_edit.isReadOnly()
    assert form.organisation_box.currentData() == "Verzekeraar NL"
    form.organisation_box.setCurrentIndex(0)  # "(none)"
    form.mobile_edit.setText("+31 6 11112222")
    form.save_button.click()
    qtbot.waitUntil(lambda: form.isHidden())
    saved = next(c for c in backend.contact_list if c.email == "j.devries@verzekeraar.nl")
    assert saved.organisation == "" and saved.mobile == "+31611112222"


def test_the_code_is_masked_until_asked_and_again_on_another_selection(
    dialog: AddressBookDialog, backend: FakeBackend, qtbot: QtBot
) -> None:
    assert not dialog.reveal_button.isEnabled()  # nothing selected
    select(dialog, "Verzekeraar NL")
    assert dialog.code_field.text() == MASK
    assert backend.code_reads == []  # not even read from the store before it is asked for
    dialog.reveal_button.click()
    qtbot.waitUntil(lambda: dialog.code_field.text() == "zomer-2026")
    assert dialog.code_shown_for() == "Verzekeraar NL"
    assert backend.code_reads == ["Verzekeraar NL"]
    select(dialog, "Huisartsenpraktijk Noord")
    assert dialog.code_field.text() == "No access code"
    assert dialog.code_shown_for() is None
    assert not dialog.reveal_button.isEnabled()  # it has no code to show
    select(dialog, "Verzekeraar NL")
    assert dialog.code_field.text() == MASK  # back: masked again until asked again


def test_a_code_asked_for_arrives_after_the_user_moved_on_is_not_shown(
    dialog: AddressBookDialog, backend: FakeBackend, qtbot: QtBot
) -> None:
    select(dialog, "Verzekeraar NL")
    dialog.reveal_access_code()
    select(dialog, "Huisartsenpraktijk Noord")
    qtbot.waitUntil(lambda: not dialog.busy())
    assert backend.code_reads == ["Verzekeraar NL"]
    assert "zomer-2026" not in dialog.code_field.text()


def test_hiding_the_dialog_masks_the_code(dialog: AddressBookDialog, qtbot: QtBot) -> None:
    select(dialog, "Verzekeraar NL")
    dialog.reveal_button.click()
    qtbot.waitUntil(lambda: dialog.code_field.text() == "zomer-2026")
    dialog.hide()
    assert dialog.code_field.text() == MASK


def test_rotating_asks_for_the_code_twice_and_the_backend_gets_it(
    dialog: AddressBookDialog, backend: FakeBackend, qtbot: QtBot
) -> None:
    select(dialog, "Verzekeraar NL")
    form = dialog.rotate_access_code()
    assert form is not None
    assert "Recipients at Verzekeraar NL need the new access code" in form.explanation.text()
    form.code_edit.setText("winter-2027")
    form.repeat_edit.setText("winter-2028")
    form.save_button.click()
    assert form.problem.text() == "The two access codes are not the same."
    assert backend.rotations == [] and not dialog.busy()
    form.repeat_edit.setText("winter-2027")
    form.save_button.click()
    qtbot.waitUntil(lambda: form.isHidden())
    assert backend.rotations == [("Verzekeraar NL", "winter-2027")]
    assert "Recipients at Verzekeraar NL need the new access code" in dialog.status.text()
    qtbot.waitUntil(lambda: dialog.selected_organisation() is not None)
    dialog.reveal_button.click()
    qtbot.waitUntil(lambda: dialog.code_field.text() == "winter-2027")


def test_a_code_the_engine_refuses_is_shown_and_nothing_is_saved(
    dialog: AddressBookDialog, backend: FakeBackend, qtbot: QtBot
) -> None:
    select(dialog, "Verzekeraar NL")
    form = dialog.rotate_access_code()
    assert form is not None
    form.code_edit.setText("kort")
    form.repeat_edit.setText("kort")
    form.save_button.click()
    qtbot.waitUntil(lambda: form.problem.text() == SHORT_CODE_REFUSED)
    assert form.isVisible() and form.save_button.isEnabled()  # open for a correction
    assert backend.rotations == [] and backend.codes["Verzekeraar NL"] == "zomer-2026"

    adding = dialog.add_organisation()
    adding.name_edit.setText("Arbodienst West")
    adding.code_edit.setText("abc")
    adding.repeat_edit.setText("abc")
    adding.save_button.click()
    qtbot.waitUntil(lambda: adding.problem.text() == SHORT_CODE_REFUSED)
    assert "Arbodienst West" not in [o.name for o in backend.organisation_list]


def test_importing_shows_the_report(
    dialog: AddressBookDialog,
    backend: FakeBackend,
    qtbot: QtBot,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    csv = tmp_path / "contacten.csv"
    csv.write_text("e-mail,naam\n", encoding="utf-8")
    backend.import_answer = ImportSummary(
        added=2, updated=1, skipped=["(leeg): geen geldig e-mailadres / invalid address"]
    )
    asked: list[str] = []

    def choose(_parent: QWidget, _title: str, _folder: str, filters: str) -> tuple[str, str]:
        asked.append(filters)
        return str(csv), filters

    monkeypatch.setattr(QFileDialog, "getOpenFileName", choose)
    dialog.tabs.setCurrentIndex(1)
    dialog.import_button.click()
    qtbot.waitUntil(lambda: dialog.import_report is not None)
    report = dialog.import_report
    assert report is not None
    assert asked == ["Contacts (*.csv *.vcf)"]
    assert backend.imported == [csv]
    assert report.summary.text() == "Added: 2, updated: 1, skipped: 1."
    assert report.remarks.item(0).text() == "(leeg): geen geldig e-mailadres / invalid address"
    assert dialog.status.text() == "Added: 2, updated: 1, skipped: 1."


def test_the_filter_narrows_the_table(dialog: AddressBookDialog, qtbot: QtBot) -> None:
    QTest.keyClicks(dialog.organisation_filter, "HAPNOORD")  # a domain, in another case
    assert column(dialog.organisation_proxy, OrganisationColumn.NAME) == [
        "Huisartsenpraktijk Noord"
    ]
    dialog.organisation_filter.clear()
    assert dialog.organisation_proxy.rowCount() == 2
    dialog.tabs.setCurrentIndex(1)
    QTest.keyClicks(dialog.contact_filter, "de vries")
    assert column(dialog.contact_proxy, ContactColumn.EMAIL) == ["j.devries@verzekeraar.nl"]


def test_filtering_away_a_shown_code_masks_it(dialog: AddressBookDialog, qtbot: QtBot) -> None:
    select(dialog, "Verzekeraar NL")
    dialog.reveal_button.click()
    qtbot.waitUntil(lambda: dialog.code_field.text() == "zomer-2026")
    QTest.keyClicks(dialog.organisation_filter, "noord")
    assert "zomer-2026" not in dialog.code_field.text()


def test_the_main_window_opens_one_address_book(backend: FakeBackend, qtbot: QtBot) -> None:
    window = shown_window(qtbot, backend)
    assert window.addressbook_action.shortcut().toString() == "Ctrl+Shift+B"
    window.addressbook_action.trigger()
    dialog = window.findChild(AddressBookDialog)
    assert dialog is not None and dialog.isVisible()
    qtbot.waitUntil(lambda: dialog.organisations.rowCount() == 2 and not dialog.busy())
    assert window.show_addressbook() is dialog  # the open one, not a second
    qtbot.waitUntil(lambda: not dialog.busy())


def test_the_dialog_speaks_dutch(qapp: QApplication, qtbot: QtBot, backend: FakeBackend) -> None:
    translator = install_translator(qapp, "nl")
    try:
        dialog = open_dialog(qtbot, backend)
        assert dialog.windowTitle() == "Adresboek"
        assert [dialog.tabs.tabText(i) for i in range(2)] == ["Organisaties", "Contactpersonen"]
        assert dialog.reveal_button.text() == "Toegangscode tonen"
        assert dialog.rotate_button.text() == "Nieuwe toegangscode…"
        assert dialog.import_button.text() == "Importeren…"
        assert dialog.organisation_filter.placeholderText() == "Zoeken"
        header = dialog.organisation_proxy.headerData(
            OrganisationColumn.ACCESS_CODE, Qt.Orientation.Horizontal
        )
        assert header == "Toegangscode"
        assert column(dialog.organisation_proxy, OrganisationColumn.ACCESS_CODE) == ["Nee", "Ja"]
        select(dialog, "Huisartsenpraktijk Noord")
        assert dialog.code_field.text() == "Geen toegangscode"
        select(dialog, "Verzekeraar NL")
        form = dialog.rotate_access_code()
        assert form is not None
        assert form.windowTitle() == "Nieuwe toegangscode"
        assert form.explanation.text() == (
            "Ontvangers bij Verzekeraar NL hebben voor berichten die vanaf nu worden verstuurd "
            "de nieuwe toegangscode nodig."
        )
        form.reject()
        contact = dialog.add_contact()
        assert contact.windowTitle() == "Contactpersoon toevoegen"
        assert contact.organisation_box.itemText(0) == "(geen)"
        contact.reject()
    finally:
        qapp.removeTranslator(translator)


def answer(box: QMessageBox | None, role: QMessageBox.ButtonRole) -> None:
    """Click the question's button with `role`, as the user would."""
    assert box is not None and box.isVisible()
    (button,) = [b for b in box.buttons() if box.buttonRole(b) == role]
    button.click()


def test_deleting_an_organisation_asks_first_and_cancel_keeps_it(
    dialog: AddressBookDialog, backend: FakeBackend, qtbot: QtBot
) -> None:
    assert not dialog.delete_organisation_button.isEnabled()  # nothing selected
    select(dialog, "Huisartsenpraktijk Noord")
    assert dialog.delete_organisation_button.isEnabled()
    dialog.delete_organisation_button.click()
    box = dialog.delete_question
    assert box is not None
    assert box.text() == "Delete organisation Huisartsenpraktijk Noord?"
    assert "access code are deleted" in box.informativeText()
    assert "contacts belong" not in box.informativeText()  # it has none
    assert box.defaultButton() is box.escapeButton()  # Enter or Escape keeps it
    answer(box, QMessageBox.ButtonRole.RejectRole)
    assert backend.deleted == [] and not dialog.busy()
    assert "Huisartsenpraktijk Noord" in column(dialog.organisation_proxy, OrganisationColumn.NAME)

    dialog.delete_organisation_button.click()
    answer(dialog.delete_question, QMessageBox.ButtonRole.DestructiveRole)
    qtbot.waitUntil(lambda: dialog.organisations.rowCount() == 1 and not dialog.busy())
    assert backend.deleted == [("organisation", "Huisartsenpraktijk Noord", False)]
    assert dialog.status.text() == "Organisation Huisartsenpraktijk Noord deleted."
    assert dialog.selected_organisation() is None


def test_deleting_an_organisation_names_its_contacts_and_detaches_them(
    dialog: AddressBookDialog, backend: FakeBackend, qtbot: QtBot
) -> None:
    select(dialog, "Verzekeraar NL")
    dialog.organisation_table.setFocus()
    QTest.keyClick(dialog.organisation_table, Qt.Key.Key_Delete)
    box = dialog.delete_question
    assert box is not None and box.text() == "Delete organisation Verzekeraar NL?"
    assert "These contacts belong to it: J. de Vries." in box.informativeText()
    assert "a check of its own" in box.informativeText()
    answer(box, QMessageBox.ButtonRole.DestructiveRole)
    qtbot.waitUntil(lambda: backend.deleted != [] and not dialog.busy())
    assert backend.deleted == [("organisation", "Verzekeraar NL", True)]
    assert "zomer-2026" not in backend.codes.values()
    qtbot.waitUntil(lambda: dialog.organisations.rowCount() == 1)
    assert column(dialog.contact_proxy, ContactColumn.ORGANISATION) == ["", ""]


def test_an_organisation_that_got_a_contact_after_the_question_is_not_deleted(
    dialog: AddressBookDialog, backend: FakeBackend, qtbot: QtBot
) -> None:
    select(dialog, "Huisartsenpraktijk Noord")
    box = dialog.delete_organisation()
    # Meanwhile (another window, an import) a contact came to belong to it.
    backend.contact_list.append(
        ContactEntry(email="arts@hapnoord.nl", organisation="Huisartsenpraktijk Noord")
    )
    answer(box, QMessageBox.ButtonRole.DestructiveRole)
    qtbot.waitUntil(lambda: "Niet verwijderd" in dialog.status.text() and not dialog.busy())
    assert backend.deleted == []
    assert [o.name for o in backend.organisation_list] == [
        "Verzekeraar NL",
        "Huisartsenpraktijk Noord",
    ]


def test_the_delete_key_deletes_the_selected_contact_after_asking(
    dialog: AddressBookDialog, backend: FakeBackend, qtbot: QtBot
) -> None:
    dialog.tabs.setCurrentIndex(1)
    assert not dialog.delete_contact_button.isEnabled()
    emails = column(dialog.contact_proxy, ContactColumn.EMAIL)
    dialog.contact_table.selectRow(emails.index("j.devries@verzekeraar.nl"))
    assert dialog.delete_contact_button.isEnabled()
    QTest.keyClick(dialog.contact_table, Qt.Key.Key_Delete)
    box = dialog.delete_question
    assert box is not None
    assert box.text() == "Delete contact J. de Vries <j.devries@verzekeraar.nl>?"
    assert "name and mobile number are deleted" in box.informativeText()
    QTest.keyClick(box, Qt.Key.Key_Escape)  # declined
    assert dialog.delete_question is None  # answered and closed
    assert backend.deleted == [] and len(backend.contact_list) == 2

    QTest.keyClick(dialog.contact_table, Qt.Key.Key_Delete)
    answer(dialog.delete_question, QMessageBox.ButtonRole.DestructiveRole)
    qtbot.waitUntil(lambda: dialog.contacts.rowCount() == 1 and not dialog.busy())
    assert backend.deleted == [("contact", "j.devries@verzekeraar.nl", False)]
    assert column(dialog.contact_proxy, ContactColumn.EMAIL) == ["balie@hapnoord.nl"]
    assert dialog.status.text() == "Contact j.devries@verzekeraar.nl deleted."


def test_a_wrong_mobile_number_is_said_beside_the_field_and_nothing_is_saved(
    dialog: AddressBookDialog, backend: FakeBackend, qtbot: QtBot
) -> None:
    dialog.tabs.setCurrentIndex(1)
    form = dialog.add_contact()
    form.email_edit.setText("p.jansen@voorbeeld.nl")
    form.mobile_edit.setText("020-1234567")
    form.save_button.click()
    assert form.mobile_problem.isVisible()
    assert "Not a valid mobile number" in form.mobile_problem.text()
    assert form.problem.text() == "" and form.isVisible() and form.save_button.isEnabled()
    assert not dialog.busy() and len(backend.contact_list) == 2  # nothing was sent
    QTest.keyClicks(form.mobile_edit, "x")  # typing again takes the remark away
    assert not form.mobile_problem.isVisible()
    form.mobile_edit.setText("06-87 65 43 21")
    form.save_button.click()
    qtbot.waitUntil(lambda: form.isHidden())
    saved = next(c for c in backend.contact_list if c.email == "p.jansen@voorbeeld.nl")
    assert saved.mobile == "+31687654321"  # stored as SMS gateways take it


def test_deleting_and_the_mobile_remark_speak_dutch(
    qapp: QApplication, qtbot: QtBot, backend: FakeBackend
) -> None:
    translator = install_translator(qapp, "nl")
    try:
        dialog = open_dialog(qtbot, backend)
        assert dialog.delete_organisation_button.text() == "Verwijderen"
        select(dialog, "Verzekeraar NL")
        box = dialog.delete_organisation()
        assert box is not None
        assert box.text() == "Organisatie Verzekeraar NL verwijderen?"
        assert "Deze contactpersonen horen erbij: J. de Vries." in box.informativeText()
        assert sorted(b.text() for b in box.buttons()) == ["Annuleren", "Verwijderen"]
        answer(box, QMessageBox.ButtonRole.RejectRole)
        dialog.tabs.setCurrentIndex(1)
        form = dialog.add_contact()
        form.email_edit.setText("p@voorbeeld.nl")
        form.mobile_edit.setText("12345")
        form.save_button.click()
        assert form.mobile_problem.text().startswith("Geen geldig mobiel nummer.")
        form.reject()
    finally:
        qapp.removeTranslator(translator)
