"""Editing the address book as the desktop's forms do: an organisation is renamed and gets
other domains only when no other organisation has that name or domain; a form that adds a
contact does not overwrite one; editing a contact can remove its mobile number and
organisation."""

from __future__ import annotations

import pytest

from zivverdesk.core.errors import ZivverdeskError
from zivverdesk.services import addressbook as book_service
from zivverdesk.services.profile import Profile


def test_an_organisation_is_edited_unless_its_name_or_domain_is_taken(profile: Profile) -> None:
    book = profile.store.addressbook
    book_service.add_organisation(
        book, name="Noord", domains=["noord.nl"], access_code="zomer-2026", contact=""
    )
    book_service.add_organisation(
        book, name="West", domains=["west.nl"], access_code=None, contact=""
    )
    with pytest.raises(ZivverdeskError, match=r"maildomein noord\.nl"):
        book_service.update_organisation(
            book, "West", name="West", domains=["west.nl", "@Noord.nl"], contact=""
        )
    with pytest.raises(ZivverdeskError, match="al een organisatie"):
        book_service.update_organisation(book, "West", name="NOORD", domains=[], contact="")
    with pytest.raises(ZivverdeskError, match="naam"):
        book_service.update_organisation(book, "West", name="  ", domains=[], contact="")
    # Its own name in another case and its own domain are no conflict.
    edited = book_service.update_organisation(
        book, "West", name="WEST", domains=["west.nl", "west.com", "WEST.nl"], contact="P. Jansen"
    )
    assert (edited.name, edited.domains, edited.contact_person) == (
        "WEST",
        ("west.com", "west.nl"),
        "P. Jansen",
    )
    noord = book.organisation_by_name("Noord")
    assert noord.domains == ("noord.nl",)
    code = book.access_code(noord.id)
    assert code is not None and code.reveal() == "zomer-2026"


def test_an_organisation_needs_a_name(profile: Profile) -> None:
    with pytest.raises(ZivverdeskError, match="naam"):
        book_service.add_organisation(
            profile.store.addressbook, name=" ", domains=[], access_code=None, contact=""
        )


def test_adding_does_not_overwrite_and_editing_can_remove(profile: Profile) -> None:
    book = profile.store.addressbook
    book_service.add_organisation(
        book, name="Noord", domains=["noord.nl"], access_code=None, contact=""
    )
    book_service.add_contact(
        book, email="jan@noord.nl", name="Jan", mobile="+31611111111", organisation="Noord"
    )
    with pytest.raises(ZivverdeskError, match="al een contactpersoon"):
        book_service.add_contact(
            book, email="JAN@noord.nl", name="Other", mobile=None, organisation=None, replace=False
        )
    edited = book_service.edit_contact(
        book, email="jan@noord.nl", name="Jan Smit", mobile="", organisation=None
    )
    assert (edited.name, edited.mobile, edited.organisation_id) == ("Jan Smit", None, None)
    with pytest.raises(ZivverdeskError):
        book_service.edit_contact(
            book, email="nobody@noord.nl", name="", mobile=None, organisation=None
        )
