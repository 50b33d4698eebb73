"""Contacts and organisations: add, edit, rotate an access code, import CSV and vCard (S13).

CSV columns (header row, any order, Dutch or English names): e-mail/email, naam/name,
mobiel/mobile, organisatie/organisation. vCard 3.0/4.0: FN, EMAIL, TEL (TYPE=cell preferred),
ORG. Imports update existing contacts by e-mail address and report what they skipped.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from zivverdesk.core.errors import ZivverdeskError
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
    org_id = book.organisation_by_name(organisation).id if organisation else None
    return book.upsert_contact(email=email, name=name, mobile=mobile, organisation_id=org_id)


def edit_contact(
    book: AddressBook, *, email: str, name: str, mobile: str | None, organisation: str | None
) -> Contact:
    """Set every field of an existing contact: no mobile or organisation removes it."""
    org_id = book.organisation_by_name(organisation).id if organisation else None
    return book.set_contact(email, name=name, mobile=mobile or None, organisation_id=org_id)


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
            mobile=row.get("mobile") or None,
            organisation_id=org_id,
        )
        if existed:
            report.updated += 1
        else:
            report.added += 1
    return report


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
            number = value.strip().removeprefix("tel:")
            if "cell" in params_text or "mobile" in params_text or "mobile" not in card:
                card["mobile"] = number
        elif name == "ORG":
            card["organisation"] = _vcard_value(value.split(";")[0].strip())
    return cards
