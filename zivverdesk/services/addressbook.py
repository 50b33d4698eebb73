"""Contacts and organisations: add, edit, rotate an access code, import CSV and vCard (S13).

CSV columns (header row, any order, Dutch or English names): e-mail/email, naam/name,
mobiel/mobile, organisatie/organisation. vCard 3.0/4.0: FN, EMAIL, TEL (TYPE=cell preferred),
ORG. Imports update existing contacts by e-mail address and report what they skipped.

Mobile numbers are checked and stored in international form by the rule the send path uses
(`core.mobile`), when a contact is saved and when one is imported. Deleting wipes the
data from the profile's files (`Database.wipe_freed_pages`); messages already sent keep their
own copy of the recipient.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from zivverdesk.core.errors import ZivverdeskError
from zivverdesk.core.mobile import InvalidMobileNumber, normalise_mobile
from zivverdesk.core.secret import Secret
from zivverdesk.crypto.errors import InvalidAccessCode
from zivverdesk.crypto.keyschedule import normalise_access_code
from zivverdesk.store.addressbook import AddressBook, Contact, NotInAddressBook, Organisation

_ADDRESS = re.compile(r"^[^@\s<>\"]+@[^@\s<>\"]+\.[^@\s<>\"]+$")
_COLUMNS = {
    "email": {"email", "e-mail", "e-mailadres", "mail", "emailadres"},
    "name": {"name", "naam", "volledige naam", "full name"},
    "mobile": {"mobile", "mobiel", "mobiel nummer", "gsm", "telefoon mobiel", "phone"},
    "organisation": {"organisation", "organization", "organisatie", "bedrijf", "company"},
}


class ImportError_(ZivverdeskError):
    code = "import_failed"


@dataclass
class ImportReport:
    added: int = 0
    updated: int = 0
    skipped: list[str] = field(default_factory=list)


def check_access_code(code: str) -> Secret[str]:
    try:
        normalise_access_code(code)
    except InvalidAccessCode as exc:
        raise ZivverdeskError("De toegangscode is leeg. / The access code is empty.") from exc
    if len(normalise_access_code(code)) < 6:
        raise ZivverdeskError(
            "Een toegangscode heeft minstens 6 tekens. / An access code needs at least 6 "
            "characters."
        )
    return Secret(code)


def _check_name(name: str) -> str:
    clean = name.strip()
    if not clean:
        raise ZivverdeskError("Vul de naam van de organisatie in. / The organisation needs a name.")
    return clean


def _named(book: AddressBook, name: str) -> Organisation | None:
    try:
        return book.organisation_by_name(name)
    except NotInAddressBook:
        return None


def add_organisation(
    book: AddressBook, *, name: str, domains: list[str], access_code: str | None, contact: str
) -> Organisation:
    code = check_access_code(access_code) if access_code else None
    return book.add_organisation(
        name=_check_name(name), domains=domains, access_code=code, contact_person=contact
    )


def update_organisation(
    book: AddressBook, current: str, *, name: str, domains: list[str], contact: str
) -> Organisation:
    """Rename an organisation and set its mail domains and contact person. Checked here as
    `add_organisation` is checked in the store: a name or a domain that another organisation
    has would otherwise surface as a database error instead of a sentence."""
    org = book.organisation_by_name(current)
    new_name = _check_name(name)
    other = _named(book, new_name)
    if other is not None and other.id != org.id:
        raise ZivverdeskError(
            f"Er is al een organisatie {new_name!r}. / Organisation {new_name!r} already exists."
        )
    # Once each: the store would refuse a domain typed twice with a database error.
    clean = sorted({d.strip().lower().lstrip("@") for d in domains if d.strip()})
    for domain in clean:
        owner = book.organisation_for_address(domain)
        if owner is not None and owner.id != org.id:
            raise ZivverdeskError(
                f"Het maildomein {domain} hoort al bij {owner.name!r}. / The mail domain "
                f"{domain} already belongs to organisation {owner.name!r}."
            )
    return book.update_organisation(org.id, name=new_name, contact_person=contact, domains=clean)


def rotate_access_code(book: AddressBook, organisation: str, new_code: str) -> Organisation:
    org = book.organisation_by_name(organisation)
    book.set_access_code(org.id, check_access_code(new_code))
    return book.organisation(org.id)


def check_mobile(mobile: str | None) -> str | None:
    """A mobile number as stored (`+31612345678`), None for none; `InvalidMobileNumber`
    when no SMS could reach it."""
    if mobile is None or not mobile.strip():
        return None
    return normalise_mobile(mobile)


def delete_organisation(
    book: AddressBook, name: str, *, detach_contacts: bool = False
) -> list[Contact]:
    """Delete the organisation with its mail domains and access code; returns the contacts
    that belonged to it. While contacts belong to it, it is deleted only with
    `detach_contacts`: they stay in the address book without an organisation, so the next
    message to them needs a check of its own (SMS or e-mail code, or a one-off code) instead
    of the deleted access code."""
    try:
        org = book.organisation_by_name(name)
    except NotInAddressBook as exc:
        raise NotInAddressBook(
            f"Er is geen organisatie {name!r}. / There is no organisation called {name!r}."
        ) from exc
    return book.delete_organisation(org.id, detach_contacts=detach_contacts)


def delete_contact(book: AddressBook, email: str) -> None:
    """Delete the contact with its name and mobile number."""
    if book.contact(email) is None:
        raise NotInAddressBook(
            f"Er is geen contactpersoon {email.strip()!r}. / There is no contact with that address."
        )
    book.delete_contact(email)


def add_contact(
    book: AddressBook,
    *,
    email: str,
    name: str | None,
    mobile: str | None,
    organisation: str | None,
    replace: bool = True,
) -> Contact:
    """Add a contact; an existing address is updated, or refused when `replace` is false
    (a form that adds must not overwrite a contact the user did not mean to change)."""
    if not _ADDRESS.match(email.strip()):
        raise ZivverdeskError(f"{email!r} is geen geldig e-mailadres. / Not a valid address.")
    if not replace and book.contact(email) is not None:
        raise ZivverdeskError(
            f"Er is al een contactpersoon met {email.strip()!r}. / A contact with that address "
            "already exists."
        )
    number = check_mobile(mobile)
    org_id = book.organisation_by_name(organisation).id if organisation else None
    return book.upsert_contact(email=email, name=name, mobile=number, organisation_id=org_id)


def edit_contact(
    book: AddressBook, *, email: str, name: str, mobile: str | None, organisation: str | None
) -> Contact:
    """Set every field of an existing contact: no mobile or organisation removes it."""
    number = check_mobile(mobile)
    org_id = book.organisation_by_name(organisation).id if organisation else None
    return book.set_contact(email, name=name, mobile=number, organisation_id=org_id)


def import_contacts(book: AddressBook, path: Path) -> ImportReport:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ImportError_(f"{path} is niet te lezen ({exc.strerror}). / Cannot read.") from exc
    text = raw.decode("utf-8-sig", errors="replace")
    rows = _vcards(text) if "BEGIN:VCARD" in text.upper() else _csv_rows(text)
    report = ImportReport()
    for row in rows:
        email = (row.get("email") or "").strip()
        if not _ADDRESS.match(email):
            report.skipped.append(f"{email or '(leeg)'}: geen geldig e-mailadres / invalid address")
            continue
        # A wrong number is found now, not when an SMS cannot be sent: the row is left out
        # whole (an update would otherwise keep the old number beside the new name).
        try:
            mobile = check_mobile(row.get("mobile")) or _mobile_or_none(row.get("other_phone"))
        except InvalidMobileNumber as exc:
            report.skipped.append(f"{email}: niet geïmporteerd / not imported — {exc}")
            continue
        org_id = None
        if row.get("organisation"):
            try:
                org_id = book.organisation_by_name(row["organisation"]).id
            except ZivverdeskError:
                report.skipped.append(
                    f"{email}: organisatie {row['organisation']!r} onbekend (contact zonder "
                    "organisatie opgeslagen) / unknown organisation"
                )
        existed = book.contact(email) is not None
        book.upsert_contact(
            email=email,
            name=row.get("name") or None,
            mobile=mobile,
            organisation_id=org_id,
        )
        if existed:
            report.updated += 1
        else:
            report.added += 1
    return report


def _mobile_or_none(number: str | None) -> str | None:
    """A vCard's number not marked as a mobile one: used when it is one, else left out (a
    landline is no mistake, just not a number for SMS)."""
    try:
        return check_mobile(number)
    except InvalidMobileNumber:
        return None


def _csv_rows(text: str) -> list[dict[str, str]]:
    sample = text[:4096]
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    header = next(reader, None)
    if header is None:
        return []
    columns: dict[int, str] = {}
    for index, title in enumerate(header):
        key = title.strip().lower()
        for field_name, names in _COLUMNS.items():
            if key in names:
                columns[index] = field_name
    if "email" not in columns.values():
        raise ImportError_(
            "Het CSV-bestand heeft geen kolom 'e-mail'. / The CSV file has no 'email' column."
        )
    return [
        {columns[i]: value.strip() for i, value in enumerate(row) if i in columns}
        for row in reader
        if any(cell.strip() for cell in row)
    ]


def _unfold(text: str) -> list[str]:
    lines: list[str] = []
    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        if line[:1] in (" ", "\t") and lines:
            lines[-1] += line[1:]
        else:
            lines.append(line)
    return lines


def _vcard_value(value: str) -> str:
    return value.replace("\\,", ",").replace("\\;", ";").replace("\\n", " ").replace("\\\\", "\\")


def _vcards(text: str) -> list[dict[str, str]]:
    cards: list[dict[str, str]] = []
    card: dict[str, str] | None = None
    for line in _unfold(text):
        if ":" not in line:
            continue
        head, value = line.split(":", 1)
        name, *params = head.split(";")
        name = name.split(".")[-1].upper()  # item1.EMAIL → EMAIL
        params_text = ";".join(params).lower()
        if name == "BEGIN" and value.strip().upper() == "VCARD":
            card = {}
        elif name == "END" and card is not None:
            cards.append(card)
            card = None
        elif card is None:
            continue
        elif name == "FN":
            card["name"] = _vcard_value(value.strip())
        elif name == "EMAIL" and "email" not in card:
            card["email"] = value.strip().removeprefix("mailto:")
        elif name == "TEL":
            # A number marked as a mobile one is checked (and the card refused when it is
            # wrong); another number is taken only if it turns out to be a mobile one.
            number = value.strip().removeprefix("tel:")
            if "cell" in params_text or "mobile" in params_text:
                card["mobile"] = number
            elif "other_phone" not in card:
                card["other_phone"] = number
        elif name == "ORG":
            card["organisation"] = _vcard_value(value.split(";")[0].strip())
    return cards
