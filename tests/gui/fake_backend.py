"""An in-memory `Backend` for window tests: the engine itself is tested against real servers
elsewhere; here we check what the windows do with what the engine answers."""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from zivverdesk.core.errors import ZivverdeskError
from zivverdesk.core.model import EnvelopeState
from zivverdesk.core.secret import Secret
from zivverdesk.gui.backend import (
    DRAFT_PREFIX,
    FOLDER_DRAFTS,
    AddressBookCheck,
    Colleague,
    ContactEntry,
    ConversationDetails,
    ImportSummary,
    MessageView,
    OAuthAccount,
    OrganisationEntry,
    OutgoingMessage,
    PasswordAccount,
    Progress,
    RecipientDetails,
    SetupState,
    SyncPass,
    TimelineEntry,
)
from zivverdesk.gui.conversation_model import ConversationPage, ConversationRow
from zivverdesk.mail.auth import AuthenticationFailed
from zivverdesk.relayclient.errors import EnrollmentRefused
from zivverdesk.services.addressbook import check_access_code

# What the fake's mail server and relay accept.
MAIL_PASSWORD = "Juist-wachtwoord-1"
ENROLLMENT_CODE = "K7QF-2M9X-TR4D"


class FakeBackend:
    def __init__(self) -> None:
        self.queries: list[tuple[str, str]] = []  # (folder, query) of every page asked for
        now = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
        self.rows = [
            ConversationRow(
                conversation_id="a" * 32,
                correspondent="J. de Vries",
                subject="Uw keuringsrapport",
                updated=now,
                envelope=EnvelopeState.OPEN,
                secure=True,
                has_attachments=True,
            ),
            ConversationRow(
                conversation_id="b" * 32,
                correspondent="Verzekeraar NL",
                subject="Medisch advies",
                updated=now,
                envelope=EnvelopeState.CLOSED,
                secure=True,
                unread=True,  # a reply came in that the user has not seen
            ),
        ]
        # Plain mail in the inbox: one unread, one read.
        self.inbox = [
            ConversationRow(
                conversation_id="e" * 32,
                correspondent="Huisarts",
                subject="Verwijzing",
                updated=now,
                envelope=None,
                secure=False,
                unread=True,
            ),
            ConversationRow(
                conversation_id="f" * 32,
                correspondent="Apotheek",
                subject="Herhaalrecept",
                updated=now,
                envelope=None,
                secure=False,
            ),
        ]
        self.marked_seen: list[str] = []
        self.fail_mark_seen: Exception | None = None
        # Secure conversations marked read, with the messages shown; what mark_read answers
        # (still unread: a reply came in after the conversation was shown) or raises.
        self.marked_read: list[tuple[str, tuple[str, ...]]] = []
        self.still_unread = False
        self.fail_mark_read: Exception | None = None
        self.listed = 0  # how often a folder's rows were asked for
        self.page_threads: list[bool] = []  # per later page: read on the GUI thread
        self.sent: list[OutgoingMessage] = []
        self.revoked: list[str] = []
        self.resent: list[tuple[str, str, str | None, str]] = []
        self.fail_send: str | None = None
        self.drafts: dict[str, OutgoingMessage] = {}  # by draft id
        self.saved: list[tuple[str, str, Path]] = []  # attachments saved: message, name, file
        # The office's users on the relay, and the conversations assigned to one of them.
        self.team: list[Colleague] = []
        self.assigned: list[tuple[str, str]] = []
        # What the address book gives an address, and which addresses were looked up.
        self.address_book: dict[str, AddressBookCheck] = {}
        self.looked_up: list[list[str]] = []
        # The background sync: the passes it reports (or an error that ends it), in order.
        self.passes: queue.Queue[SyncPass | Exception] = queue.Queue()
        self.watching = threading.Event()
        # The address book: organisations by name with their codes (in the clear: a test
        # double), contacts by address; the codes read, the codes set by a rotation, and
        # the files imported with what the import answers.
        self.organisation_list = [
            OrganisationEntry(
                name="Verzekeraar NL",
                domains=("verzekeraar.nl",),
                contact_person="M. Bakker",
                has_access_code=True,
            ),
            OrganisationEntry(name="Huisartsenpraktijk Noord", domains=("hapnoord.nl",)),
        ]
        self.codes = {"Verzekeraar NL": "zomer-2026"}
        self.contact_list = [
            ContactEntry(
                email="j.devries@verzekeraar.nl",
                name="J. de Vries",
                mobile="+31612345678",
                organisation="Verzekeraar NL",
            ),
            ContactEntry(email="balie@hapnoord.nl", name="Balie", organisation=""),
        ]
        self.code_reads: list[str] = []
        self.rotations: list[tuple[str, str]] = []
        self.imported: list[Path] = []
        # What was deleted, in order: ("organisation", name, detach_contacts) or
        # ("contact", address, False).
        self.deleted: list[tuple[str, str, bool]] = []
        self.import_answer = ImportSummary(added=1, updated=1, skipped=["x: geen e-mailadres"])
        # This workstation's set-up: by default a desk that is set up (the other windows'
        # tests); `fresh()` gives one that is not. The sign-ins tested, the accounts added
        # and the enrollments made, in order.
        self.setup = SetupState(
            account="secretariaat@advies.test",
            enrolled_as="secretariaat@advies.test",
            relay_url="https://relay.advies.test",
        )
        self.login_tests: list[PasswordAccount] = []
        self.accounts_added: list[PasswordAccount | OAuthAccount] = []
        self.enrollments: list[tuple[str, str, Path | None]] = []  # (url, code, CA file)

    @classmethod
    def fresh(cls) -> FakeBackend:
        """A backend on a profile that has neither a mail account nor an enrollment."""
        backend = cls()
        backend.setup = SetupState()
        return backend

    def folders(self) -> list[tuple[str, str]]:
        return [("secure", "Beveiligd"), ("inbox", "Postvak IN"), (FOLDER_DRAFTS, "Concepten")]

    def conversations(
        self, folder: str, after: object | None, limit: int, *, query: str = ""
    ) -> ConversationPage:
        self.queries.append((folder, query))
        if after is not None:  # a later page: on which thread it was read
            self.page_threads.append(threading.current_thread() is threading.main_thread())
        # Pages by position: where a page ends is the offset of the row after it.
        self.listed += 1
        rows = {"secure": self.rows, "inbox": self.inbox}.get(folder, [])
        if folder == FOLDER_DRAFTS:
            rows = [
                ConversationRow(
                    conversation_id=DRAFT_PREFIX + draft_id,
                    correspondent="; ".join(m.to),
                    subject=m.subject,
                    updated=datetime(2026, 11, 30, 9, 0, tzinfo=UTC),
                    envelope=None,
                    secure=False,
                )
                for draft_id, m in self.drafts.items()
            ]
        # A search keeps the rows whose contact or subject holds every word, in any case.
        words = query.casefold().split()
        rows = [
            r for r in rows if all(w in f"{r.correspondent} {r.subject}".casefold() for w in words)
        ]
        offset = after if isinstance(after, int) else 0
        end = offset + limit
        return ConversationPage(rows=rows[offset:end], next=end if end < len(rows) else None)

    def details(self, conversation_id: str) -> ConversationDetails:
        now = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
        return ConversationDetails(
            conversation_id=conversation_id,
            subject="Uw keuringsrapport",
            messages=[
                MessageView(
                    message_id="c" * 32,
                    sender="Secretariaat",
                    sent=now,
                    subject="Uw keuringsrapport",
                    body="Zie bijlage.",
                    attachments=[("rapport.pdf", 1234)],
                )
            ],
            recipients=[
                RecipientDetails(
                    address="jan@example.test",
                    method="access_code",
                    state="opened",
                    timeline=[TimelineEntry(at=now, what="opened")],
                )
            ],
        )

    def mark_seen(self, conversation_id: str) -> None:
        if self.fail_mark_seen is not None:
            raise self.fail_mark_seen
        self.marked_seen.append(conversation_id)

    def mark_read(self, conversation_id: str, message_ids: Sequence[str]) -> bool:
        if self.fail_mark_read is not None:
            raise self.fail_mark_read
        self.marked_read.append((conversation_id, tuple(message_ids)))
        return self.still_unread

    def save_draft(self, message: OutgoingMessage, draft_id: str | None) -> str:
        draft_id = draft_id or f"d{len(self.drafts) + 1}"
        self.drafts[draft_id] = message
        return draft_id

    def load_draft(self, draft_id: str) -> OutgoingMessage:
        return self.drafts[draft_id]

    def delete_draft(self, draft_id: str) -> None:
        del self.drafts[draft_id]

    def address_book_checks(self, addresses: Sequence[str]) -> Sequence[AddressBookCheck]:
        self.looked_up.append(list(addresses))
        return [
            self.address_book.get(a, AddressBookCheck(address=a, method=None)) for a in addresses
        ]

    def send(self, message: OutgoingMessage, *, progress: Progress | None = None) -> str:
        if self.fail_send:
            raise ZivverdeskError(self.fail_send)
        self.sent.append(message)
        return "d" * 32

    def resend(
        self, conversation_id: str, address: str, new_address: str | None, access_code: str = ""
    ) -> None:
        self.resent.append((conversation_id, address, new_address, access_code))

    def revoke(self, conversation_id: str) -> None:
        self.revoked.append(conversation_id)

    def mark_reviewed(self, conversation_id: str) -> None:
        pass

    def colleagues(self) -> Sequence[Colleague]:
        return list(self.team)

    def assign(self, conversation_id: str, email: str) -> None:
        self.assigned.append((conversation_id, email))

    def save_attachment(self, message_id: str, name: str, target: Path) -> None:
        self.saved.append((message_id, name, target))
        target.write_bytes(f"{name} of {message_id}".encode())

    def sync(self) -> None:
        pass

    def watch(self, stop: threading.Event, on_pass: Callable[[SyncPass], None]) -> None:
        """Hands on each pass a test puts in `passes` until `stop`; an exception put there
        ends the sync with it."""
        self.watching.set()
        while not stop.is_set():
            try:
                sync = self.passes.get(timeout=0.05)
            except queue.Empty:
                continue
            if isinstance(sync, Exception):
                raise sync
            on_pass(sync)

    # --- address book: the engine's own access-code check, the rest in memory ---
    def organisations(self) -> list[OrganisationEntry]:
        return sorted(self.organisation_list, key=lambda o: o.name.casefold())

    def contacts(self) -> list[ContactEntry]:
        return sorted(self.contact_list, key=lambda c: c.email)

    def _organisation(self, name: str) -> OrganisationEntry:
        for org in self.organisation_list:
            if org.name.casefold() == name.casefold():
                return org
        raise ZivverdeskError(f"There is no organisation called {name!r}.")

    def access_code(self, organisation: str) -> Secret[str] | None:
        self.code_reads.append(organisation)
        code = self.codes.get(self._organisation(organisation).name)
        return None if code is None else Secret(code)

    def add_organisation(
        self,
        *,
        name: str,
        domains: Sequence[str],
        contact_person: str,
        access_code: Secret[str] | None,
    ) -> None:
        if any(o.name.casefold() == name.casefold() for o in self.organisation_list):
            raise ZivverdeskError(f"Organisation {name!r} already exists.")
        if access_code:
            self.codes[name] = check_access_code(access_code.reveal()).reveal()
        self.organisation_list.append(
            OrganisationEntry(
                name=name,
                domains=tuple(domains),
                contact_person=contact_person,
                has_access_code=bool(access_code),
            )
        )

    def update_organisation(
        self, current: str, *, name: str, domains: Sequence[str], contact_person: str
    ) -> None:
        org = self._organisation(current)
        self.organisation_list.remove(org)
        self.organisation_list.append(
            replace(org, name=name, domains=tuple(domains), contact_person=contact_person)
        )
        if org.name in self.codes:
            self.codes[name] = self.codes.pop(org.name)

    def rotate_access_code(self, organisation: str, new_code: Secret[str]) -> None:
        org = self._organisation(organisation)
        code = check_access_code(new_code.reveal()).reveal()  # raises: nothing saved
        self.codes[org.name] = code
        self.rotations.append((org.name, code))
        self.organisation_list[self.organisation_list.index(org)] = replace(
            org, has_access_code=True
        )

    def add_contact(self, contact: ContactEntry) -> None:
        if "@" not in contact.email:
            raise ZivverdeskError(f"{contact.email!r} is geen geldig e-mailadres.")
        if any(c.email == contact.email for c in self.contact_list):
            raise ZivverdeskError("Er is al een contactpersoon met dit adres.")
        self.contact_list.append(contact)

    def update_contact(self, contact: ContactEntry) -> None:
        self.contact_list = [c for c in self.contact_list if c.email != contact.email]
        self.contact_list.append(contact)

    def import_contacts(self, path: Path) -> ImportSummary:
        self.imported.append(path)
        return self.import_answer

    def delete_organisation(self, name: str, *, detach_contacts: bool) -> None:
        org = self._organisation(name)
        members = [c for c in self.contact_list if c.organisation == org.name]
        if members and not detach_contacts:
            raise ZivverdeskError(f"Niet verwijderd: {len(members)} contactpersonen.")
        self.contact_list = [
            replace(c, organisation="") if c in members else c for c in self.contact_list
        ]
        self.organisation_list.remove(org)
        self.codes.pop(org.name, None)
        self.deleted.append(("organisation", org.name, detach_contacts))

    def delete_contact(self, email: str) -> None:
        if not any(c.email == email for c in self.contact_list):
            raise ZivverdeskError(f"Er is geen contactpersoon {email!r}.")
        self.contact_list = [c for c in self.contact_list if c.email != email]
        self.deleted.append(("contact", email, False))

    def close(self) -> None:
        pass

    # --- setting up: a mail server that takes MAIL_PASSWORD, a relay that takes
    # ENROLLMENT_CODE once ---
    def setup_state(self) -> SetupState:
        return self.setup

    def set_language(self, language: str) -> None:
        if self.setup.language_locked:
            raise ZivverdeskError("De taal is vastgezet door uw beheerder.")
        self.setup = replace(self.setup, language=language)

    def test_mail_login(self, account: PasswordAccount) -> None:
        self.login_tests.append(account)
        if account.password.reveal() != MAIL_PASSWORD:
            raise AuthenticationFailed(
                f"{account.imap.host}:{account.imap.port} weigert gebruikersnaam of wachtwoord."
            )

    def add_password_account(self, account: PasswordAccount) -> None:
        self.test_mail_login(account)
        self.accounts_added.append(account)
        self.setup = replace(self.setup, account=account.email)

    def add_oauth_account(self, account: OAuthAccount) -> None:
        self.accounts_added.append(account)
        self.setup = replace(self.setup, account=account.email)

    def enroll(self, relay_url: str, code: Secret[str], *, ca_file: Path | None = None) -> None:
        if code.reveal() != ENROLLMENT_CODE or self.setup.enrolled_as:
            # What the relay client raises for the relay's refusal (401, English sentence).
            raise EnrollmentRefused(
                "This enrollment code is unknown, used or expired; ask the administrator for "
                "a new one.",
                status=401,
                error="unauthorized",
            )
        self.enrollments.append((relay_url, code.reveal(), ca_file))
        self.setup = replace(
            self.setup,
            enrolled_as=self.setup.account or "medewerker@advies.test",
            relay_url=relay_url,
        )
