"""How each recipient of a secure message will prove who they are (S2, S4).

Resolution happens before anything is queued: every recipient needs a method, and when one
lacks the data for it the whole send stops with a message naming who and what is missing.
Order of preference without an explicit choice: the access code of the organisation that owns
the recipient's mail domain, else the contact's mobile number (SMS), else nothing — e-mail
codes are only used when the sender asks for them, because a code sent to the same mailbox
as the link protects less.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from zivverdesk.core.mobile import InvalidMobileNumber, normalise_mobile
from zivverdesk.core.model import VerificationMethod
from zivverdesk.core.secret import Secret
from zivverdesk.crypto.errors import InvalidAccessCode
from zivverdesk.crypto.keyschedule import normalise_access_code
from zivverdesk.services.errors import MissingMethod, RecipientsIncomplete
from zivverdesk.store.addressbook import AddressBook

_ADDRESS = re.compile(r"^[^@\s<>\"]+@[^@\s<>\"]+\.[^@\s<>\"]+$")


@dataclass(frozen=True, kw_only=True)
class RecipientRequest:
    """What the sender asked for one recipient; empty fields are looked up."""

    address: str
    name: str = ""
    method: VerificationMethod | None = None
    access_code: Secret[str] | None = None
    phone: str | None = None


@dataclass(frozen=True, kw_only=True)
class ResolvedRecipient:
    address: str
    name: str
    method: VerificationMethod
    access_code: Secret[str] | None
    phone: str | None
    organisation: str = ""  # whose access code it is, when it came from the address book


def resolve_recipients(
    book: AddressBook, requests: list[RecipientRequest]
) -> list[ResolvedRecipient]:
    """Every recipient with a usable method, or `RecipientsIncomplete` naming all that lack one."""
    if not requests:
        raise RecipientsIncomplete([MissingMethod("(geen)", "geen ontvanger / no recipient")])
    missing: list[MissingMethod] = []
    resolved: list[ResolvedRecipient] = []
    seen: set[str] = set()
    for request in requests:
        address = request.address.strip().lower()
        if not _ADDRESS.match(address):
            missing.append(MissingMethod(request.address, "ongeldig e-mailadres / invalid address"))
            continue
        if address in seen:
            continue
        seen.add(address)
        outcome = _resolve_one(book, request, address)
        if isinstance(outcome, MissingMethod):
            missing.append(outcome)
        else:
            resolved.append(outcome)
    if missing:
        raise RecipientsIncomplete(missing)
    return resolved


def _resolve_one(
    book: AddressBook, request: RecipientRequest, address: str
) -> ResolvedRecipient | MissingMethod:
    contact = book.contact(address)
    name = request.name or (contact.name if contact else "")
    method = request.method
    organisation = book.organisation_for_address(address)
    if organisation is None and contact is not None and contact.organisation_id:
        organisation = book.organisation(contact.organisation_id)

    def done(
        m: VerificationMethod, code: Secret[str] | None, phone: str | None, owner: str = ""
    ) -> ResolvedRecipient:
        return ResolvedRecipient(
            address=address, name=name, method=m, access_code=code, phone=phone, organisation=owner
        )

    if method is VerificationMethod.ACCESS_CODE or (method is None and request.access_code):
        code, owner = request.access_code, ""
        if code is None and organisation is not None:
            code, owner = book.access_code(organisation.id), organisation.name
        if code is None:
            return MissingMethod(
                address,
                "geen toegangscode (geen organisatie met code voor dit domein) / "
                "no access code (no organisation with a code for this domain)",
            )
        try:
            normalise_access_code(code.reveal())
        except InvalidAccessCode:
            return MissingMethod(address, "lege toegangscode / empty access code")
        return done(VerificationMethod.ACCESS_CODE, code, None, owner)
    if method is VerificationMethod.SMS or (method is None and request.phone):
        phone = request.phone or (contact.mobile if contact else None)
        if not phone:
            return MissingMethod(address, "geen mobiel nummer voor sms / no mobile number for SMS")
        try:
            return done(VerificationMethod.SMS, None, normalise_mobile(phone))
        except InvalidMobileNumber as exc:
            return MissingMethod(address, str(exc))
    if method is VerificationMethod.EMAIL:
        return done(VerificationMethod.EMAIL, None, None)
    # No explicit choice: the organisation's code, else the contact's mobile number.
    if organisation is not None:
        code = book.access_code(organisation.id)
        if code is not None:
            return done(VerificationMethod.ACCESS_CODE, code, None, organisation.name)
    if contact is not None and contact.mobile:
        # Checked again: a number saved before the address book checked numbers may be wrong.
        try:
            return done(VerificationMethod.SMS, None, normalise_mobile(contact.mobile))
        except InvalidMobileNumber as exc:
            return MissingMethod(address, str(exc))
    return MissingMethod(
        address,
        "geen verificatiemethode: geen organisatie met toegangscode, geen mobiel nummer; kies "
        "--access-code, --sms of --email-code / no verification method: no organisation access "
        "code, no mobile number",
    )
