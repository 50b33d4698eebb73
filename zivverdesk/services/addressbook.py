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
from zivverdesk.store.addressbook import AddressBook, Contact, Organisation

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


def add_organisation(
    book: AddressBook, *, name: str, domains: list[str], access_code: str | None, contact: str
) -> Organisation:
    code = check_access_code(access_code) if access_code else None
    return book.add_organisation(
        name=name, domains=domains, access_code=code, contact_person=contact
    )


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
) -> Contact:
    if not _ADDRESS.match(email.strip()):
        raise ZivverdeskError(f"{email!r} is geen geldig e-mailadres. / Not a valid address.")
    org_id = book.organisation_by_name(organisation).id if organisation else None
    return book.upsert_contact(email=email, name=name, mobile=mobile, organisation_id=org_id)


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
