"""Recipient methods are resolved before anything is queued; the address book imports."""

from __future__ import annotations

from pathlib import Path

import pytest

from zivverdesk.core.model import VerificationMethod
from zivverdesk.core.secret import Secret
from zivverdesk.services import addressbook as book_service
from zivverdesk.services.errors import RecipientsIncomplete
from zivverdesk.services.profile import Profile
from zivverdesk.services.recipients import RecipientRequest, resolve_recipients
from zivverdesk.services.secure_send import SecureDraft, queue_secure
from zivverdesk.store.accounts import Enrollment


def test_methods_come_from_organisation_contact_or_explicit_choice(profile: Profile) -> None:
    book = profile.store.addressbook
    book_service.add_organisation(
        book, name="Verzekeraar", domains=["verz.test"], access_code="AB-12 cd", contact=""
    )
    book.upsert_contact(email="piet@thuis.test", mobile="+31 6 1234 5678")
    resolved = resolve_recipients(
        book,
        [
            RecipientRequest(address="Jan@Verz.test"),
            RecipientRequest(address="piet@thuis.test"),
            RecipientRequest(address="kees@elders.test", method=VerificationMethod.EMAIL),
            RecipientRequest(address="anna@elders.test", access_code=Secret("eigen-code-1")),
        ],
    )
    assert [(r.address, r.method) for r in resolved] == [
        ("jan@verz.test", VerificationMethod.ACCESS_CODE),
        ("piet@thuis.test", VerificationMethod.SMS),
        ("kees@elders.test", VerificationMethod.EMAIL),
        ("anna@elders.test", VerificationMethod.ACCESS_CODE),
    ]
    assert resolved[0].access_code == Secret("AB-12 cd")
    assert resolved[1].phone == "+31612345678"  # in the international form SMS gateways take


def test_one_recipient_without_method_names_who_and_what(profile: Profile) -> None:
    book = profile.store.addressbook
    book.upsert_contact(email="zonder@nergens.test", name="Zonder Nummer")
    with pytest.raises(RecipientsIncomplete) as caught:
        resolve_recipients(
            book,
            [
                RecipientRequest(address="ok@x.test", method=VerificationMethod.EMAIL),
                RecipientRequest(address="zonder@nergens.test"),
                RecipientRequest(address="sms@x.test", method=VerificationMethod.SMS),
            ],
        )
    message = str(caught.value)
    assert "zonder@nergens.test" in message and "geen verificatiemethode" in message
    assert "sms@x.test" in message and "mobiel" in message
    assert "ok@x.test" not in message
    assert [m.address for m in caught.value.missing] == ["zonder@nergens.test", "sms@x.test"]


def test_blocked_send_stores_and_queues_nothing(profile: Profile) -> None:
    store = profile.store
    store.accounts.add(
        email="sec@office.test",
        auth_kind="password",
        username="sec",
        imap_host="127.0.0.1",
        imap_port=1,
        imap_security="none",
        smtp_host="127.0.0.1",
        smtp_port=1,
        smtp_security="none",
    )
    store.relay.set_enrollment(
        Enrollment(
            relay_url="http://127.0.0.1:1",
            user_id="u",
            email="sec@office.test",
            name="Sec",
            office={},
        )
    )
    with pytest.raises(RecipientsIncomplete):
        queue_secure(
            profile,
            SecureDraft(
                recipients=[RecipientRequest(address="nobody@nowhere.test")],
                subject="Geheim onderwerp",
                body="Geheime inhoud",
            ),
        )
    assert store.outbox.jobs(include_done=True) == []
    assert store.mailbox.messages() == []


def test_csv_and_vcard_import(profile: Profile, tmp_path: Path) -> None:
    book = profile.store.addressbook
    book_service.add_organisation(
        book, name="UWV", domains=["uwv.test"], access_code="uwv-code-1", contact="mevr. Bos"
    )
    csv_file = tmp_path / "contacten.csv"
    csv_file.write_text(
        "Naam;E-mail;Mobiel;Organisatie\n"
        "Jan Jansen;jan@uwv.test;+31611111111;UWV\n"
        "Fout;geen-adres;;\n"
        "Els;els@home.test;;Onbekend BV\n",
        encoding="utf-8",
    )
    report = book_service.import_contacts(book, csv_file)
    assert (report.added, report.updated, len(report.skipped)) == (2, 0, 2)
    jan = book.contact("jan@uwv.test")
    assert jan is not None and jan.mobile == "+31611111111" and jan.organisation_id
    vcf = tmp_path / "contacten.vcf"
    vcf.write_text(
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Jan J. Jansen\r\nEMAIL;TYPE=work:jan@uwv.test\r\n"
        "TEL;TYPE=home:+31201234567\r\nTEL;TYPE=cell:+31622222222\r\nORG:UWV;Afdeling\r\n"
        "END:VCARD\r\nBEGIN:VCARD\r\nVERSION:4.0\r\nFN:Piet\r\n"
        "EMAIL:piet@\r\n example.test\r\nEND:VCARD\r\n",
        encoding="utf-8",
    )
    report = book_service.import_contacts(book, vcf)
    assert (report.added, report.updated) == (1, 1)
    jan = book.contact("jan@uwv.test")
    assert jan is not None and (jan.name, jan.mobile) == ("Jan J. Jansen", "+31622222222")
    assert book.contact("piet@example.test") is not None  # folded line joined


def test_access_code_rotation_and_minimum_length(profile: Profile) -> None:
    book = profile.store.addressbook
    book_service.add_organisation(
        book, name="Rechtbank", domains=["rb.test"], access_code="eerste-code", contact=""
    )
    book_service.rotate_access_code(book, "Rechtbank", "tweede-code")
    assert book.access_code(book.organisation_by_name("Rechtbank").id) == Secret("tweede-code")
    with pytest.raises(Exception, match="minstens 6"):
        book_service.rotate_access_code(book, "Rechtbank", "a-b")


def test_search_index_builds_in_the_background(profile: Profile) -> None:
    mailbox = profile.store.mailbox
    for i in range(300):
        mailbox.add_message(
            account_id=None,
            conversation_id=None,
            kind="plain",
            direction="in",
            sender=f"p{i}@x.test",
            recipients="",
            subject=f"onderwerp {i}",
            body="tekst",
        )
    profile.build_search_index_in_background().join(timeout=30)
    assert len(mailbox.search("onderwerp")) == 300
    assert mailbox.search("p7@x.test") == mailbox.search("p7@x")
