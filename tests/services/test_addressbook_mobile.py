"""Mobile numbers are checked and stored in international form when a contact is saved or
imported, by the rule the send path uses; an import reports the rows with a wrong number
and imports the rest."""

from __future__ import annotations

from pathlib import Path

import pytest

from zivverdesk.core.mobile import InvalidMobileNumber, normalise_mobile
from zivverdesk.core.model import VerificationMethod
from zivverdesk.services import addressbook as book_service
from zivverdesk.services.errors import RecipientsIncomplete
from zivverdesk.services.profile import Profile
from zivverdesk.services.recipients import RecipientRequest, resolve_recipients


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("0612345678", "+31612345678"),
        ("06-12345678", "+31612345678"),
        ("06 12 34 56 78", "+31612345678"),
        ("+31 6 1234 5678", "+31612345678"),
        ("+31 (0)6 12345678", "+31612345678"),
        ("0031 6 12345678", "+31612345678"),
        ("+32 470 12 34 56", "+32470123456"),  # abroad: checked for form only
        ("+44 7700 900123", "+447700900123"),
    ],
)
def test_numbers_are_stored_in_international_form(typed: str, stored: str) -> None:
    assert normalise_mobile(typed) == stored


@pytest.mark.parametrize(
    ("typed", "why"),
    [
        ("06-1234567", "06"),  # a digit short
        ("061234567890", "06"),  # digits too many
        ("020 1234567", "06"),  # a landline gets no SMS
        ("+31 20 1234567", "06"),
        ("612345678", "geen geldig mobiel nummer"),  # no 0, 00 or +: which country?
        ("06-1234567a", "geen geldig mobiel nummer"),
        ("+1 23", "geen geldig mobiel nummer"),
        ("   ", "leeg"),
    ],
)
def test_wrong_numbers_are_refused_with_a_reason(typed: str, why: str) -> None:
    with pytest.raises(InvalidMobileNumber, match=why):
        normalise_mobile(typed)


def test_saving_a_contact_checks_and_normalises_the_number(profile: Profile) -> None:
    book = profile.store.addressbook
    saved = book_service.add_contact(
        book, email="a@voorbeeld.nl", name="A", mobile="06-12345678", organisation=None
    )
    assert saved.mobile == "+31612345678"
    with pytest.raises(InvalidMobileNumber, match=r"'06-1234' is geen geldig mobiel nummer"):
        book_service.add_contact(
            book, email="b@voorbeeld.nl", name="B", mobile="06-1234", organisation=None
        )
    assert book.contact("b@voorbeeld.nl") is None
    with pytest.raises(InvalidMobileNumber):
        book_service.edit_contact(
            book, email="a@voorbeeld.nl", name="A", mobile="020-1234567", organisation=None
        )
    contact = book.contact("a@voorbeeld.nl")
    assert contact is not None and contact.mobile == "+31612345678"  # unchanged
    edited = book_service.edit_contact(
        book, email="a@voorbeeld.nl", name="A", mobile="+31 6 8765 4321", organisation=None
    )
    assert edited.mobile == "+31687654321"


def test_an_import_reports_rows_with_a_wrong_number_and_imports_the_rest(
    profile: Profile, tmp_path: Path
) -> None:
    book = profile.store.addressbook
    book_service.add_contact(
        book, email="bestaand@voorbeeld.nl", name="Oud", mobile="0611111111", organisation=None
    )
    csv_file = tmp_path / "contacten.csv"
    csv_file.write_text(
        "naam;e-mail;mobiel\n"
        "Goed;goed@voorbeeld.nl;06 22 22 22 22\n"
        "Vast;vast@voorbeeld.nl;020-1234567\n"
        "Nieuw;bestaand@voorbeeld.nl;06-123\n"
        "Zonder;zonder@voorbeeld.nl;\n",
        encoding="utf-8",
    )
    report = book_service.import_contacts(book, csv_file)
    assert (report.added, report.updated) == (2, 0)
    assert len(report.skipped) == 2
    assert report.skipped[0].startswith("vast@voorbeeld.nl: niet geïmporteerd")
    assert "'020-1234567'" in report.skipped[0] and "06" in report.skipped[0]
    assert report.skipped[1].startswith("bestaand@voorbeeld.nl: niet geïmporteerd")
    good = book.contact("goed@voorbeeld.nl")
    assert good is not None and good.mobile == "+31622222222"
    assert book.contact("vast@voorbeeld.nl") is None
    kept = book.contact("bestaand@voorbeeld.nl")  # a wrong row changes nothing of it
    assert kept is not None and (kept.name, kept.mobile) == ("Oud", "+31611111111")


def test_a_vcard_landline_is_no_mistake_but_a_wrong_cell_number_is(
    profile: Profile, tmp_path: Path
) -> None:
    book = profile.store.addressbook
    vcf = tmp_path / "contacten.vcf"
    vcf.write_text(
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Alleen Vast\r\nEMAIL:vast@voorbeeld.nl\r\n"
        "TEL;TYPE=work:020 1234567\r\nEND:VCARD\r\n"
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Fout Mobiel\r\nEMAIL:fout@voorbeeld.nl\r\n"
        "TEL;TYPE=cell:06 1234\r\nEND:VCARD\r\n"
        "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Zonder Type\r\nEMAIL:type@voorbeeld.nl\r\n"
        "TEL:06-33333333\r\nEND:VCARD\r\n",
        encoding="utf-8",
    )
    report = book_service.import_contacts(book, vcf)
    assert report.added == 2
    assert [line.split(":")[0] for line in report.skipped] == ["fout@voorbeeld.nl"]
    landline = book.contact("vast@voorbeeld.nl")
    assert landline is not None and landline.mobile is None
    untyped = book.contact("type@voorbeeld.nl")
    assert untyped is not None and untyped.mobile == "+31633333333"


def test_the_send_path_uses_the_same_rule(profile: Profile) -> None:
    book = profile.store.addressbook
    (one,) = resolve_recipients(
        book,
        [
            RecipientRequest(
                address="p@thuis.nl", method=VerificationMethod.SMS, phone="06 1234 5678"
            )
        ],
    )
    assert one.phone == "+31612345678"
    with pytest.raises(RecipientsIncomplete, match="06") as caught:
        resolve_recipients(
            book,
            [
                RecipientRequest(
                    address="q@thuis.nl", method=VerificationMethod.SMS, phone="0201234567"
                )
            ],
        )
    assert [m.address for m in caught.value.missing] == ["q@thuis.nl"]
    # A number stored before numbers were checked is checked again when it would be used.
    book.upsert_contact(email="oud@thuis.nl", mobile="12-34")
    with pytest.raises(RecipientsIncomplete, match="geen geldig mobiel nummer"):
        resolve_recipients(book, [RecipientRequest(address="oud@thuis.nl")])
