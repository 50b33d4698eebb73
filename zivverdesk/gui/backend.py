"""What the windows ask of the desktop engine, as one small protocol.

The windows depend on this protocol only; `gui.engine_backend` implements it over
`zivverdesk.services`. Every method may block (disk, network), so windows call them through
`gui.operations.Operation`, never directly on the GUI thread.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Literal, Protocol

from zivverdesk.core.model import VerificationMethod
from zivverdesk.core.secret import Secret
from zivverdesk.gui.conversation_model import ConversationPage


@dataclass(frozen=True, kw_only=True)
class TimelineEntry:
    at: datetime
    what: str  # an event kind from zivverdesk.core.model.EventKind
    detail: str = ""


@dataclass(frozen=True, kw_only=True)
class RecipientDetails:
    address: str
    method: str  # access_code | sms | email
    state: str  # a RecipientState value
    timeline: Sequence[TimelineEntry] = ()


@dataclass(frozen=True, kw_only=True)
class MessageView:
    message_id: str
    sender: str
    sent: datetime
    subject: str
    body: str
    attachments: Sequence[tuple[str, int]] = ()  # (name, size)
    from_recipient: bool = False


@dataclass(frozen=True, kw_only=True)
class ConversationDetails:
    conversation_id: str
    subject: str
    messages: Sequence[MessageView]
    recipients: Sequence[RecipientDetails]
    to_review: bool = False
    assigned_to: str | None = None
    reviewed_by: str | None = None
    # Until when the recipients can open the first secure message sent in it (None when
    # none was sent from here, or it has no end).
    expires: datetime | None = None


@dataclass(frozen=True, kw_only=True)
class Colleague:
    """A user of the office on the relay: someone a conversation can be assigned to."""

    email: str
    name: str


@dataclass(frozen=True, kw_only=True)
class RecipientCheck:
    """How the sender wants one recipient of a secure message to prove who they are (S2).
    `method` None takes what the address book gives: the organisation's access code, else
    a code by SMS to the contact's mobile number."""

    method: VerificationMethod | None = None
    access_code: str = field(default="", repr=False)  # a secret: never in a repr or a log
    phone: str = ""


@dataclass(frozen=True, kw_only=True)
class AddressBookCheck:
    """What the address book gives one address when the sender chooses nothing: the method
    and what it uses (the organisation's name for its access code, the mobile number for
    SMS), or `method` None when it has nothing usable."""

    address: str
    method: VerificationMethod | None
    detail: str = ""


@dataclass(frozen=True, kw_only=True)
class OutgoingMessage:
    to: Sequence[str]
    subject: str
    body: str
    attachments: Sequence[Path] = field(default_factory=tuple)
    secure: bool = True
    # The sender's choice per address (lower case); an address without one uses the
    # address book.
    checks: Mapping[str, RecipientCheck] = field(default_factory=dict)
    # A secure reply in this conversation (to everyone its first message went to) instead
    # of a new message; `to` and `subject` are then only shown, the engine decides them.
    reply_to: str | None = None
    # For a reply: the access code given to recipients at the first send, when it was a
    # one-off code rather than their organisation's (those are not kept after sending).
    reply_access_code: str = field(default="", repr=False)
    # How many days the recipients can open a secure message; None for the office's
    # default. After that the relay deletes its content (the record stays).
    expires_days: int | None = None


Progress = Callable[[int, int], None]

# The folder of unsent drafts, and how its rows' ids say which draft they are.
FOLDER_DRAFTS = "drafts"
# The secure conversations: where arrivals are announced from.
FOLDER_SECURE = "secure"
DRAFT_PREFIX = "draft:"


def draft_id_of(conversation_id: str) -> str | None:
    """The draft a row of the drafts folder stands for; None for any other row."""
    if conversation_id.startswith(DRAFT_PREFIX):
        return conversation_id.removeprefix(DRAFT_PREFIX)
    return None


@dataclass(frozen=True, kw_only=True)
class SyncPass:
    """What one pass of the background sync brought: whether the lists may show something
    new (a reply, an opened envelope, new mail, a sent message), and what went wrong."""

    changed: bool
    problems: Sequence[str] = ()
    #: The errors behind `problems` where there are (shown through `gui.errors`).
    errors: Sequence[BaseException] = ()
    #: Secure conversations that became unread with this pass (a reply or a new message
    #: came in), newest first; not those already unread when the watch started.
    arrived: Sequence[str] = ()


@dataclass(frozen=True, kw_only=True)
class OrganisationEntry:
    """An organisation of the address book as the window lists it: never its access code,
    only whether it has one (the code is read on request, with `Backend.access_code`)."""

    name: str
    domains: Sequence[str] = ()
    contact_person: str = ""
    has_access_code: bool = False


@dataclass(frozen=True, kw_only=True)
class ContactEntry:
    email: str
    name: str = ""
    mobile: str = ""  # "" for none
    organisation: str = ""  # the organisation's name, "" for none


@dataclass(frozen=True, kw_only=True)
class ImportSummary:
    """What an import of contacts did; `skipped` holds the engine's reason per skipped row
    (a row may also be saved with a reason, say without its unknown organisation)."""

    added: int
    updated: int
    skipped: Sequence[str] = ()


# How a mail server connection is secured, as the engine names it: "ssl" is TLS from the
# first byte (IMAP 993, SMTP 465), "starttls" upgrades a plain connection (IMAP 143,
# SMTP 587), "none" is unencrypted (a test server only).
MailSecurity = Literal["ssl", "starttls", "none"]
OAuthProvider = Literal["microsoft", "google"]


@dataclass(frozen=True, kw_only=True)
class SetupState:
    """What of this workstation's set-up is done: its mail account ("" for none) and its
    enrollment with the office's relay ("" when not enrolled)."""

    account: str = ""  # the mail account's e-mail address
    enrolled_as: str = ""  # the relay user this workstation is enrolled as
    relay_url: str = ""
    language: str = "nl"  # the program's language from the next start: "nl" or "en"
    language_locked: bool = False  # fixed by the administrator's site settings

    @property
    def complete(self) -> bool:
        return bool(self.account and self.enrolled_as)


@dataclass(frozen=True, kw_only=True)
class MailServer:
    host: str
    port: int
    security: MailSecurity


@dataclass(frozen=True, kw_only=True)
class PasswordAccount:
    """A mail account that signs in with a user name and password (IMAP and SMTP).
    `ca_file`: a CA or self-signed certificate to trust besides the system's (a server of
    the office's own); None for an ordinary mail provider."""

    email: str
    display_name: str = ""
    organisation: str = ""
    username: str
    password: Secret[str] = field(repr=False, hash=False)  # never in a repr or a log
    imap: MailServer
    smtp: MailServer
    ca_file: Path | None = None


@dataclass(frozen=True, kw_only=True)
class OAuthAccount:
    """A Microsoft 365 or Google mail account: adding it opens the provider's sign-in page
    in the browser, so the engine never sees a password."""

    email: str
    provider: OAuthProvider
    display_name: str = ""
    organisation: str = ""
    ca_file: Path | None = None


class Backend(Protocol):
    def folders(self) -> Sequence[tuple[str, str]]:
        """(folder key, display name) in display order."""
        ...

    def conversations(
        self, folder: str, after: object | None, limit: int, *, query: str = ""
    ) -> ConversationPage:
        """At most `limit` rows of a folder, from the first (`after` None) or from where the
        page whose `next` is `after` ended. With a `query`, only the rows matching every word
        of it, however old, in the same order; `after` then comes from a page of that same
        search. The first search may take seconds (the engine builds its index then)."""
        ...

    def details(self, conversation_id: str) -> ConversationDetails: ...

    def mark_seen(self, conversation_id: str) -> None:
        """Mark an opened plain mail read: on its mail server, then locally. Raises when the
        server cannot be reached (the mail then stays unread)."""
        ...

    def mark_read(self, conversation_id: str, message_ids: Sequence[str]) -> bool:
        """Mark a shown secure conversation read, in the local store only: the messages in
        `message_ids` (those shown), so a reply that arrived since stays unread. Returns
        whether the conversation is still unread."""
        ...

    def save_draft(self, message: OutgoingMessage, draft_id: str | None) -> str:
        """Keep an unsent message in the (encrypted) store; returns its draft id. Access
        codes typed for recipients are not kept: they are asked for again when it is sent."""
        ...

    def load_draft(self, draft_id: str) -> OutgoingMessage: ...

    def delete_draft(self, draft_id: str) -> None: ...

    def address_book_checks(self, addresses: Sequence[str]) -> Sequence[AddressBookCheck]:
        """For each address, the recipient verification the address book would use."""
        ...

    def send(self, message: OutgoingMessage, *, progress: Progress | None = None) -> str:
        """Queue and send; returns the message id. Raises ZivverdeskError on a problem."""
        ...

    def resend(
        self, conversation_id: str, address: str, new_address: str | None, access_code: str = ""
    ) -> None:
        """A fresh notification (and link) for `address`, or for `new_address` instead; the
        old link stops working. `access_code`: the one-off code that recipient was given
        (those are not kept); empty for an organisation's code, SMS or e-mail codes."""
        ...

    def revoke(self, conversation_id: str) -> None: ...

    def mark_reviewed(self, conversation_id: str) -> None: ...

    def colleagues(self) -> Sequence[Colleague]:
        """The office's users as of the last sync, to assign a conversation to."""
        ...

    def assign(self, conversation_id: str, email: str) -> None:
        """Assign a conversation to the colleague with `email` for review (shared with the
        whole team through the relay)."""
        ...

    def save_attachment(self, message_id: str, name: str, target: Path) -> None: ...

    def sync(self) -> None: ...

    def watch(self, stop: threading.Event, on_pass: Callable[[SyncPass], None]) -> None:
        """Keep the profile in step with the relay and the mail server until `stop` is set:
        blocks, so it runs on a thread of its own. `on_pass` is called from that thread
        (and from the IMAP IDLE thread) after every pass."""
        ...

    # --- address book (S4, S13) ---
    def organisations(self) -> Sequence[OrganisationEntry]:
        """Every organisation, by name."""
        ...

    def contacts(self) -> Sequence[ContactEntry]:
        """Every contact, by e-mail address."""
        ...

    def access_code(self, organisation: str) -> Secret[str] | None:
        """The access code of the organisation called `organisation` (None when it has
        none), read only when the user asks to see it."""
        ...

    def add_organisation(
        self,
        *,
        name: str,
        domains: Sequence[str],
        contact_person: str,
        access_code: Secret[str] | None,
    ) -> None:
        """Raises ZivverdeskError for a name or domain already taken or a refused code."""
        ...

    def update_organisation(
        self, current: str, *, name: str, domains: Sequence[str], contact_person: str
    ) -> None:
        """Rename the organisation called `current`, set its domains and contact person."""
        ...

    def rotate_access_code(self, organisation: str, new_code: Secret[str]) -> None:
        """Replace the organisation's access code; raises ZivverdeskError (nothing saved)
        when the engine refuses the code."""
        ...

    def add_contact(self, contact: ContactEntry) -> None:
        """Raises ZivverdeskError for an invalid or existing address, a mobile number no SMS
        could reach, or an unknown organisation; a mobile number is stored in international
        form."""
        ...

    def update_contact(self, contact: ContactEntry) -> None:
        """Set every field of the contact with `contact.email`: an empty mobile number or
        organisation removes it."""
        ...

    def import_contacts(self, path: Path) -> ImportSummary:
        """Add or update contacts from a CSV or vCard file."""
        ...

    def delete_organisation(self, name: str, *, detach_contacts: bool) -> None:
        """Delete the organisation with its mail domains and access code. While contacts
        belong to it, it is deleted only with `detach_contacts` (they stay without an
        organisation); without it the engine refuses with ZivverdeskError, also when a
        contact was added since the user was asked."""
        ...

    def delete_contact(self, email: str) -> None:
        """Delete the contact with its name and mobile number; raises ZivverdeskError when
        there is no such contact."""
        ...

    # --- setting up this workstation ---
    def setup_state(self) -> SetupState:
        """Whether the profile has a mail account and is enrolled with the relay."""
        ...

    def test_mail_login(self, account: PasswordAccount) -> None:
        """Sign in to the account's IMAP and SMTP servers once each, saving nothing; raises
        ZivverdeskError saying which server refused or could not be reached."""
        ...

    def add_password_account(self, account: PasswordAccount) -> None:
        """Test the sign-in as `test_mail_login` does, then save the account (the password
        in the system's keyring); raises ZivverdeskError with nothing saved."""
        ...

    def add_oauth_account(self, account: OAuthAccount) -> None:
        """Open the provider's sign-in in the browser and wait for it (minutes, at most),
        test the mail servers with the token, then save the account."""
        ...

    def set_language(self, language: str) -> None:
        """The program's language ("nl" or "en") from its next start; raises
        ZivverdeskError when the administrator fixed it."""
        ...

    def enroll(self, relay_url: str, code: Secret[str], *, ca_file: Path | None = None) -> None:
        """Register this workstation with the relay with the administrator's one-time
        enrollment code; raises ZivverdeskError (a refused code, an unreachable relay) with
        nothing saved."""
        ...
