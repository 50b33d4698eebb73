"""Deleting from the address book: a contact or an organisation is gone from the store and
from every file of the profile (an organisation's access code, sealed or in the clear, no
longer readable there), an organisation with contacts is deleted only when they are
detached, and a detached contact then needs a check of their own at the next send."""

from __future__ import annotations

from pathlib import Path

import pytest

from zivverdesk.core.model import VerificationMethod
from zivverdesk.services import addressbook as book_service
from zivverdesk.services.errors import RecipientsIncomplete
from zivverdesk.services.profile import Profile
from zivverdesk.services.recipients import RecipientRequest, resolve_recipients
from zivverdesk.store.addressbook import NotInAddressBook, OrganisationHasContacts

CODE = "Lente-Sleutel-2026"


def profile_bytes(home: Path) -> bytes:
    """Every file of the profile as it is on disk now, the open store's log included."""
    return b"".join(p.read_bytes() for p in sorted(home.rglob("*")) if p.is_file())


def sealed_code(profile: Profile, org_id: str) -> bytes:
    row = profile.store.db.query_one(
        "SELECT access_code_sealed FROM organisations WHERE id = ?", (org_id,)
    )
    assert row is not None
    return bytes(row["access_code_sealed"])


def test_a_deleted_organisation_leaves_no_code_in_the_profile(
    profile: Profile, profile_dir: Path
) -> None:
    book = profile.store.addressbook
    org = book_service.add_organisation(
        book, name="Arbodienst West", domains=["arbowest.nl"], access_code=CODE, contact=""
    )
    first = sealed_code(profile, org.id)
    book_service.rotate_access_code(book, "Arbodienst West", CODE + "-b")
    sealed = sealed_code(profile, org.id)
    on_disk = profile_bytes(profile_dir)
    assert sealed in on_disk  # the test can see the code where it is
    assert first not in on_disk  # a rotated code is not kept either

    detached = book_service.delete_organisation(book, "Arbodienst West")

    assert detached == [] and book.organisations() == []
    assert book.organisation_for_address("iemand@arbowest.nl") is None
    with pytest.raises(NotInAddressBook):
        book.organisation(org.id)
    # Not in the database file, not in its write-ahead log, not before the rotation either,
    # while the profile is still open (not only once SQLite closes it).
    on_disk = profile_bytes(profile_dir)
    assert sealed not in on_disk and first not in on_disk
    assert CODE.encode() not in on_disk and b"arbowest.nl" not in on_disk


def test_a_deleted_contact_leaves_no_name_or_number_in_the_profile(
    profile: Profile, profile_dir: Path
) -> None:
    book = profile.store.addressbook
    book_service.add_contact(
        book,
        email="p.verlaten@voorbeeld.nl",
        name="Pieter Verlaten",
        mobile="06 98765432",
        organisation=None,
    )
    book_service.add_contact(
        book, email="blijft@voorbeeld.nl", name="Blijft", mobile=None, organisation=None
    )
    assert b"Pieter Verlaten" in profile_bytes(profile_dir)

    book_service.delete_contact(book, "P.Verlaten@voorbeeld.nl")

    assert [c.email for c in book.contacts()] == ["blijft@voorbeeld.nl"]
    on_disk = profile_bytes(profile_dir)
    assert b"Pieter Verlaten" not in on_disk and b"+31698765432" not in on_disk
    assert b"p.verlaten@voorbeeld.nl" not in on_disk
    with pytest.raises(NotInAddressBook, match="geen contactpersoon"):
        book_service.delete_contact(book, "p.verlaten@voorbeeld.nl")


def test_an_organisation_with_contacts_is_deleted_only_when_they_are_detached(
    profile: Profile,
) -> None:
    book = profile.store.addressbook
    org = book_service.add_organisation(
        book, name="Verzekeraar NL", domains=["verzekeraar.nl"], access_code=CODE, contact=""
    )
    book_service.add_contact(
        book,
        email="j.devries@verzekeraar.nl",
        name="J. de Vries",
        mobile="0612345678",
        organisation="Verzekeraar NL",
    )
    book_service.add_contact(
        book,
        email="balie@verzekeraar.nl",
        name="Balie",
        mobile=None,
        organisation="Verzekeraar NL",
    )
    with pytest.raises(OrganisationHasContacts, match="2 contactpersonen") as refused:
        book_service.delete_organisation(book, "Verzekeraar NL")
    assert [c.email for c in refused.value.contacts] == [
        "balie@verzekeraar.nl",
        "j.devries@verzekeraar.nl",
    ]
    # Refused means nothing changed.
    code = book.access_code(org.id)
    assert code is not None and code.reveal() == CODE
    assert {c.organisation_id for c in book.contacts()} == {org.id}

    detached = book_service.delete_organisation(book, "Verzekeraar NL", detach_contacts=True)

    assert [c.email for c in detached] == ["balie@verzekeraar.nl", "j.devries@verzekeraar.nl"]
    assert book.organisations() == []
    assert {c.email: c.organisation_id for c in book.contacts()} == {
        "balie@verzekeraar.nl": None,
        "j.devries@verzekeraar.nl": None,
    }
    # The next send no longer uses the deleted code: SMS for the contact with a mobile
    # number, and a clear refusal for the one without until a check is chosen.
    (jan,) = resolve_recipients(book, [RecipientRequest(address="j.devries@verzekeraar.nl")])
    assert (jan.method, jan.phone, jan.access_code) == (
        VerificationMethod.SMS,
        "+31612345678",
        None,
    )
    with pytest.raises(RecipientsIncomplete, match=r"balie@verzekeraar\.nl"):
        resolve_recipients(book, [RecipientRequest(address="balie@verzekeraar.nl")])
    with pytest.raises(NotInAddressBook, match="geen organisatie"):
        book_service.delete_organisation(book, "Verzekeraar NL")
