"""The GUI's `Backend` over the desktop engine (`zivverdesk.services`).

Only translation happens here: the services' views become the small dataclasses the windows
show. Every method may block and is called from `gui.operations` workers; the store
serialises access internally.
"""

from __future__ import annotations

import platform
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path

from PySide6.QtCore import QCoreApplication

from zivverdesk.core.errors import ZivverdeskError
from zivverdesk.core.model import EnvelopeState, VerificationMethod
from zivverdesk.core.secret import Secret
from zivverdesk.gui.backend import (
    DRAFT_PREFIX,
    FOLDER_DRAFTS,
    FOLDER_SECURE,
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
    RecipientCheck,
    RecipientDetails,
    SetupState,
    SyncPass,
    TimelineEntry,
    draft_id_of,
)
from zivverdesk.gui.conversation_model import ConversationPage, ConversationRow
from zivverdesk.services import addressbook, conversations, mail_sync, outbox_runner, setup
from zivverdesk.services.connections import Connections
from zivverdesk.services.errors import RecipientsIncomplete
from zivverdesk.services.plain_send import queue_plain
from zivverdesk.services.profile import Profile
from zivverdesk.services.recipients import RecipientRequest, resolve_recipients
from zivverdesk.services.relay_sync import save_attachment
from zivverdesk.services.resend import queue_resend
from zivverdesk.services.secure_send import SecureDraft, queue_secure
from zivverdesk.services.sync import SyncFailed, SyncSummary, sync_once, watch
from zivverdesk.store.outbox import OutboxJob
from zivverdesk.store.search import SearchIndex

# Folder keys; the services list secure conversations and plain mail together, the folders
# filter that list.
FOLDER_ALL = "all"
FOLDER_INBOX = "inbox"
FOLDER_SENT = "sent"
FOLDER_TO_REVIEW = "to_review"
FOLDER_OUTBOX = "outbox"

# Seconds one long-poll of the relay's feed may wait in the background sync. Stopping the
# sync interrupts the long-poll, so this costs the user no waiting at closing time.
WATCH_FEED_WAIT = 25


def parse_date(text: str) -> datetime:
    """Dates in the store are RFC 3339 (secure) or RFC 5322 (plain mail)."""
    if not text:
        return datetime.fromtimestamp(0, UTC)
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        try:
            value = parsedate_to_datetime(text)
        except (TypeError, ValueError):
            return datetime.fromtimestamp(0, UTC)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


class EngineBackend:
    def __init__(self, home: Path | None = None) -> None:
        self._profile = Profile.open(home)
        # The memory search index takes seconds to build over a big store: start it now so
        # the user's first search does not wait for it.
        self._profile.build_search_index_in_background()
        # Opened plain mail is marked read over one kept connection per account.
        self._seen = mail_sync.SeenMarker(self._profile)
        # What the background sync has announced as arrived (see `_Arrivals`).
        self._arrivals = _Arrivals(self)

    def close(self) -> None:
        self._seen.close()
        self._profile.close()

    def folders(self) -> Sequence[tuple[str, str]]:
        return [
            (FOLDER_SECURE, QCoreApplication.translate("FolderNames", "Secure")),
            (FOLDER_TO_REVIEW, QCoreApplication.translate("FolderNames", "To review")),
            (FOLDER_INBOX, QCoreApplication.translate("FolderNames", "Inbox")),
            (FOLDER_SENT, QCoreApplication.translate("FolderNames", "Sent")),
            (FOLDER_ALL, QCoreApplication.translate("FolderNames", "All mail")),
            (FOLDER_DRAFTS, QCoreApplication.translate("FolderNames", "Drafts")),
            (FOLDER_OUTBOX, QCoreApplication.translate("FolderNames", "Outbox")),
        ]

    def conversations(
        self, folder: str, after: object | None, limit: int, *, query: str = ""
    ) -> ConversationPage:
        if folder == FOLDER_OUTBOX:
            return self._outbox_page(after, limit, query)
        if folder == FOLDER_DRAFTS:
            return self._drafts_page(after, limit, query)
        if after is not None and not isinstance(after, conversations.ListCursor):
            raise TypeError(f"Not where a page of this list ends: {after!r}")
        if folder in (FOLDER_INBOX, FOLDER_SENT):
            try:
                conversations.folder_ids(self._profile, folder)
            except ZivverdeskError:  # no such folder synced yet: an empty list, not an error
                return ConversationPage(rows=[])
            page = conversations.list_page(
                self._profile, folder=folder, limit=limit, after=after, query=query or None
            )
        else:
            page = conversations.list_page(
                self._profile,
                to_review=folder == FOLDER_TO_REVIEW,
                secure_only=folder == FOLDER_SECURE,
                limit=limit,
                after=after,
                query=query or None,
            )
        rows = [
            ConversationRow(
                conversation_id=r.id,
                correspondent=r.correspondents,
                subject=r.subject,
                updated=parse_date(r.date),
                envelope=EnvelopeState(r.envelope) if r.envelope else None,
                secure=r.kind == "secure",
                has_attachments=r.has_attachments,
                to_review=r.to_review,
                unread=r.unread,
            )
            for r in page.rows
        ]
        return ConversationPage(rows=rows, next=page.next)

    def _outbox_page(self, after: object | None, limit: int, query: str) -> ConversationPage:
        # The outbox holds the few jobs not yet sent: it pages by position.
        offset = after if isinstance(after, int) else 0
        rows = [
            self._outbox_row(job) for job in self._profile.store.outbox.jobs(include_done=False)
        ]
        if query:
            rows = _matching_rows(rows, query)
        more = offset + limit < len(rows)
        return ConversationPage(
            rows=rows[offset : offset + limit], next=offset + limit if more else None
        )

    def _outbox_row(self, job: OutboxJob) -> ConversationRow:
        """A waiting message as the user wrote it: to whom and its subject, with why it
        waits in the recipient column's place when it does (the job's kind only when the
        message is not in the store, as for a resend of a revoked one)."""
        mailbox = self._profile.store.mailbox
        subject, to = job.kind, ""
        if job.message_id and mailbox.has_message(job.message_id):
            message = mailbox.message(job.message_id)
            subject, to = message.subject, message.recipients
        return ConversationRow(
            conversation_id=job.message_id or job.id,
            correspondent=job.last_error or to,
            subject=subject,
            updated=parse_date(job.created),
            envelope=None,
            secure=job.kind != "plain",
        )

    def _drafts_page(self, after: object | None, limit: int, query: str) -> ConversationPage:
        # A few unsent messages, newest first: paged by position, like the outbox.
        offset = after if isinstance(after, int) else 0
        rows = []
        for draft_id in self._profile.store.drafts.ids():
            draft, saved = self._draft(draft_id)
            rows.append(
                ConversationRow(
                    conversation_id=DRAFT_PREFIX + draft_id,
                    correspondent="; ".join(draft.to),
                    subject=draft.subject,
                    updated=saved,
                    envelope=None,
                    secure=False,  # nothing was sent: no envelope, no secure reply
                    has_attachments=bool(draft.attachments),
                )
            )
        if query:
            rows = _matching_rows(rows, query)
        more = offset + limit < len(rows)
        return ConversationPage(
            rows=rows[offset : offset + limit], next=offset + limit if more else None
        )

    def save_draft(self, message: OutgoingMessage, draft_id: str | None) -> str:
        content = {
            "to": list(message.to),
            "subject": message.subject,
            "body": message.body,
            "attachments": [str(p) for p in message.attachments],
            "secure": message.secure,
            "expires_days": message.expires_days,
            # The choice of verification, not a typed access code (see the protocol).
            "checks": {
                address: {"method": c.method.value if c.method else None, "phone": c.phone}
                for address, c in message.checks.items()
            },
            "saved": datetime.now(UTC).isoformat(),
        }
        return self._profile.store.drafts.save(content, draft_id=draft_id)

    def load_draft(self, draft_id: str) -> OutgoingMessage:
        return self._draft(draft_id)[0]

    def _draft(self, draft_id: str) -> tuple[OutgoingMessage, datetime]:
        """A kept draft, opened once, and when it was saved."""
        content = self._profile.store.drafts.load(draft_id)
        if content is None:
            raise ZivverdeskError("Dit concept bestaat niet meer. / This draft no longer exists.")
        message = OutgoingMessage(
            to=list(content.get("to", [])),
            subject=str(content.get("subject", "")),
            body=str(content.get("body", "")),
            attachments=tuple(Path(p) for p in content.get("attachments", [])),
            secure=bool(content.get("secure", True)),
            expires_days=_days(content.get("expires_days")),
            checks={
                address: RecipientCheck(
                    method=VerificationMethod(c["method"]) if c.get("method") else None,
                    phone=str(c.get("phone") or ""),
                )
                for address, c in content.get("checks", {}).items()
            },
        )
        saved = content.get("saved")
        return message, datetime.fromisoformat(saved) if saved else datetime.now(UTC)

    def delete_draft(self, draft_id: str) -> None:
        self._profile.store.drafts.delete(draft_id)

    def details(self, conversation_id: str) -> ConversationDetails:
        draft_id = draft_id_of(conversation_id)
        if draft_id is not None:
            return self._draft_details(conversation_id, draft_id)
        view = conversations.show(self._profile, conversation_id)
        if isinstance(view, conversations.MessageView):  # a plain mail
            return ConversationDetails(
                conversation_id=conversation_id,
                subject=view.subject,
                messages=[_message(view)],
                recipients=[],
            )
        recipients: list[RecipientDetails] = []
        for message in view.messages:
            for r in message.recipients:
                recipients.append(
                    RecipientDetails(
                        address=r.address,
                        method=r.method,
                        state=r.state,
                        timeline=[
                            TimelineEntry(at=parse_date(t.at), what=t.kind, detail=t.detail)
                            for t in r.timeline
                        ],
                    )
                )
        return ConversationDetails(
            conversation_id=view.conversation_id,
            subject=view.subject,
            messages=[_message(m) for m in view.messages],
            recipients=recipients,
            to_review=view.to_review,
            assigned_to=self._with_name(view.assigned_to),
            reviewed_by=self._with_name(view.reviewed_by),
            expires=self._expires(m.message_id for m in view.messages),
        )

    def _expires(self, message_ids: Iterable[str]) -> datetime | None:
        """The end of the first message of the conversation that was sent from here."""
        secure = self._profile.store.secure
        for message_id in message_ids:
            if secure.is_secure(message_id):
                expires_at = secure.info(message_id).expires_at
                return parse_date(expires_at) if expires_at else None
        return None

    def _with_name(self, email: str | None) -> str | None:
        """A colleague's address as the reader shows it: with their name when the relay's
        directory has one."""
        if not email:
            return email
        for person in self.colleagues():
            if person.email.lower() == email.lower() and person.name != person.email:
                return f"{person.name} <{person.email}>"
        return email

    def _draft_details(self, conversation_id: str, draft_id: str) -> ConversationDetails:
        draft, saved = self._draft(draft_id)
        return ConversationDetails(
            conversation_id=conversation_id,
            subject=draft.subject,
            messages=[
                MessageView(
                    message_id=draft_id,
                    sender="; ".join(draft.to),
                    sent=saved,
                    subject=draft.subject,
                    body=draft.body,
                    attachments=[
                        (p.name, p.stat().st_size if p.exists() else 0) for p in draft.attachments
                    ],
                )
            ],
            recipients=[],
        )

    def mark_seen(self, conversation_id: str) -> None:
        self._seen.mark(conversation_id)

    def mark_read(self, conversation_id: str, message_ids: Sequence[str]) -> bool:
        still_unread = conversations.mark_read(self._profile, conversation_id, seen=message_ids)
        if not still_unread:  # a later reply to it is news again
            self._arrivals.forget(conversation_id)
        return still_unread

    def address_book_checks(self, addresses: Sequence[str]) -> Sequence[AddressBookCheck]:
        book = self._profile.store.addressbook
        checks = []
        for address in addresses:
            try:
                (found,) = resolve_recipients(book, [RecipientRequest(address=address)])
            except RecipientsIncomplete:
                checks.append(AddressBookCheck(address=address, method=None))
                continue
            detail = found.organisation if found.access_code is not None else found.phone or ""
            checks.append(AddressBookCheck(address=address, method=found.method, detail=detail))
        return checks

    def send(self, message: OutgoingMessage, *, progress: Progress | None = None) -> str:
        if message.reply_to is not None:
            code = message.reply_access_code.strip()
            queued = conversations.reply(
                self._profile,
                message.reply_to,
                body=message.body,
                attachments=list(message.attachments),
                access_code=Secret(code) if code else None,
            )
            message_id, job_id = queued.message_id, queued.job_id
        elif message.secure:
            queued = queue_secure(
                self._profile,
                SecureDraft(
                    recipients=[_request(a, message.checks) for a in message.to],
                    subject=message.subject,
                    body=message.body,
                    attachments=list(message.attachments),
                    expires_days=message.expires_days,
                ),
            )
            message_id, job_id = queued.message_id, queued.job_id
        else:
            message_id, job_id = queue_plain(
                self._profile,
                to=list(message.to),
                subject=message.subject,
                body=message.body,
                attachments=list(message.attachments),
            )

        # The engine reports (phase, done, total); the windows show done/total only.
        def report(_phase: str, done: int, total: int) -> None:
            if progress is not None:
                progress(done, total)

        job = outbox_runner.run_job(self._profile, job_id, progress=report)
        if job.status == "failed":
            raise ZivverdeskError(job.last_error or "Verzenden mislukt.")
        # "waiting" is not a failure: the outbox keeps the message and retries it.
        return message_id

    def resend(
        self, conversation_id: str, address: str, new_address: str | None, access_code: str = ""
    ) -> None:
        code = access_code.strip()
        job_id = queue_resend(
            self._profile,
            conversation_id,
            recipient=address,
            new_address=new_address,
            access_code=Secret(code) if code else None,
        )
        job = outbox_runner.run_job(self._profile, job_id)
        if job.status == "failed":
            raise ZivverdeskError(job.last_error or "Opnieuw versturen mislukt.")

    def revoke(self, conversation_id: str) -> None:
        conversations.revoke(self._profile, conversation_id)

    def mark_reviewed(self, conversation_id: str) -> None:
        conversations.mark_reviewed(self._profile, conversation_id)

    def colleagues(self) -> Sequence[Colleague]:
        return [
            Colleague(email=u["email"], name=u.get("name") or u["email"])
            for u in self._profile.store.relay.directory()
        ]

    def assign(self, conversation_id: str, email: str) -> None:
        conversations.assign(self._profile, conversation_id, to=email)

    def save_attachment(self, message_id: str, name: str, target: Path) -> None:
        needs_relay = self._profile.store.relay.enrollment() is not None
        with Connections(self._profile) as conn:
            save_attachment(
                self._profile, conn.relay if needs_relay else None, message_id, name, target
            )

    def sync(self) -> None:
        summary = sync_once(self._profile)
        if summary.problems:
            raise SyncFailed(summary)

    def watch(self, stop: threading.Event, on_pass: Callable[[SyncPass], None]) -> None:
        arrivals = self._arrivals
        arrivals.start()  # what is unread already is not announced

        def report(summary: SyncSummary) -> None:
            changed = summary.changed_anything()
            on_pass(
                SyncPass(
                    changed=changed,
                    problems=summary.problems,
                    errors=summary.errors,
                    arrived=arrivals.after_pass() if changed else (),
                )
            )

        watch(self._profile, stop=stop, on_pass=report, feed_wait=WATCH_FEED_WAIT)

    # --- address book (S4, S13): validation and errors come from services.addressbook ---
    def organisations(self) -> Sequence[OrganisationEntry]:
        return [
            OrganisationEntry(
                name=o.name,
                domains=o.domains,
                contact_person=o.contact_person,
                has_access_code=o.has_access_code,
            )
            for o in self._profile.store.addressbook.organisations()
        ]

    def contacts(self) -> Sequence[ContactEntry]:
        book = self._profile.store.addressbook
        names = {o.id: o.name for o in book.organisations()}
        return [
            ContactEntry(
                email=c.email,
                name=c.name,
                mobile=c.mobile or "",
                organisation=names.get(c.organisation_id or "", ""),
            )
            for c in book.contacts()
        ]

    def access_code(self, organisation: str) -> Secret[str] | None:
        book = self._profile.store.addressbook
        return book.access_code(book.organisation_by_name(organisation).id)

    def add_organisation(
        self,
        *,
        name: str,
        domains: Sequence[str],
        contact_person: str,
        access_code: Secret[str] | None,
    ) -> None:
        addressbook.add_organisation(
            self._profile.store.addressbook,
            name=name,
            domains=list(domains),
            access_code=access_code.reveal() if access_code else None,
            contact=contact_person,
        )

    def update_organisation(
        self, current: str, *, name: str, domains: Sequence[str], contact_person: str
    ) -> None:
        addressbook.update_organisation(
            self._profile.store.addressbook,
            current,
            name=name,
            domains=list(domains),
            contact=contact_person,
        )

    def rotate_access_code(self, organisation: str, new_code: Secret[str]) -> None:
        addressbook.rotate_access_code(
            self._profile.store.addressbook, organisation, new_code.reveal()
        )

    def add_contact(self, contact: ContactEntry) -> None:
        addressbook.add_contact(
            self._profile.store.addressbook,
            email=contact.email,
            name=contact.name,
            mobile=contact.mobile or None,
            organisation=contact.organisation or None,
            replace=False,
        )

    def update_contact(self, contact: ContactEntry) -> None:
        addressbook.edit_contact(
            self._profile.store.addressbook,
            email=contact.email,
            name=contact.name,
            mobile=contact.mobile or None,
            organisation=contact.organisation or None,
        )

    def import_contacts(self, path: Path) -> ImportSummary:
        report = addressbook.import_contacts(self._profile.store.addressbook, path)
        return ImportSummary(added=report.added, updated=report.updated, skipped=report.skipped)

    def delete_organisation(self, name: str, *, detach_contacts: bool) -> None:
        addressbook.delete_organisation(
            self._profile.store.addressbook, name, detach_contacts=detach_contacts
        )

    def delete_contact(self, email: str) -> None:
        addressbook.delete_contact(self._profile.store.addressbook, email)

    # --- setting up this workstation: over services.setup, as `zivverdesk account add` and
    # `zivverdesk enroll` do ---
    def setup_state(self) -> SetupState:
        accounts = self._profile.store.accounts.all()
        enrollment = self._profile.store.relay.enrollment()
        return SetupState(
            account=accounts[0].email if accounts else "",
            enrolled_as=enrollment.email if enrollment else "",
            relay_url=enrollment.relay_url if enrollment else "",
            language=self._profile.settings.get("language"),
            language_locked="language" in self._profile.settings.locked,
        )

    def set_language(self, language: str) -> None:
        self._profile.settings.set("language", language)

    def test_mail_login(self, account: PasswordAccount) -> None:
        setup.check_password_login(
            username=account.username,
            password=account.password,
            imap_host=account.imap.host,
            imap_port=account.imap.port,
            imap_security=account.imap.security,
            smtp_host=account.smtp.host,
            smtp_port=account.smtp.port,
            smtp_security=account.smtp.security,
            ca_file=account.ca_file,
        )

    def add_password_account(self, account: PasswordAccount) -> None:
        setup.add_password_account(
            self._profile,
            email=account.email,
            username=account.username,
            password=account.password,
            imap_host=account.imap.host,
            imap_port=account.imap.port,
            imap_security=account.imap.security,
            smtp_host=account.smtp.host,
            smtp_port=account.smtp.port,
            smtp_security=account.smtp.security,
            ca_file=account.ca_file,
            display_name=account.display_name,
            organisation=account.organisation,
        )

    def add_oauth_account(self, account: OAuthAccount) -> None:
        setup.add_oauth_account(
            self._profile,
            email=account.email,
            provider=account.provider,
            ca_file=account.ca_file,
            display_name=account.display_name,
            organisation=account.organisation,
        )

    def enroll(self, relay_url: str, code: Secret[str], *, ca_file: Path | None = None) -> None:
        setup.enroll(
            self._profile,
            relay_url=relay_url,
            code=code,
            # The name the administrator sees in the relay's device list, as the command
            # line gives it.
            device_name=platform.node() or "werkplek",
            ca_file=setup.check_ca_file(ca_file),
        )


def _request(address: str, checks: Mapping[str, RecipientCheck]) -> RecipientRequest:
    """The engine's request for `address`, with the sender's choice of verification if any."""
    check = checks.get(address.strip().lower())
    if check is None or check.method is None:
        return RecipientRequest(address=address)
    return RecipientRequest(
        address=address,
        method=check.method,
        access_code=Secret(check.access_code) if check.access_code else None,
        phone=check.phone.strip() or None,
    )


def _matching_rows(rows: list[ConversationRow], query: str) -> list[ConversationRow]:
    """The rows whose shown contact or subject match `query` as the engine's search matches
    (every word, as a prefix, without regard to case or accents). The outbox jobs are not in
    the store's search index and are few, so a throw-away index over what the user sees
    gives the same answers as a search in any other folder."""
    index = SearchIndex()
    for number, row in enumerate(rows):
        index.add(
            str(number), date="", correspondents=row.correspondent, subject=row.subject, body=""
        )
    found = index.matching(query)
    return [row for number, row in enumerate(rows) if str(number) in found]


def _message(m: conversations.MessageView) -> MessageView:
    return MessageView(
        message_id=m.message_id,
        sender=m.sender,
        sent=parse_date(m.date),
        subject=m.subject,
        body=m.body,
        attachments=[(str(a.get("name", "")), int(a.get("size", 0))) for a in m.attachments],
        from_recipient=m.direction == "in",
    )


def _days(value: object) -> int | None:
    """A draft's kept number of days, None when it had none (or a draft from before)."""
    return value if isinstance(value, int) and value > 0 else None


class _Arrivals:
    """Which secure conversations became unread since the previous pass, for the window to
    announce: the newest page of the secure list compared with what was unread after the
    previous pass. `start` only notes what is unread already (the list shows those in
    bold); a conversation the user has read (`forget`) is announced again at its next
    reply. Passes come from the watch's thread and from IDLE's, reads from the GUI's
    workers: hence the lock."""

    PAGE = 100

    def __init__(self, backend: EngineBackend) -> None:
        self._backend = backend
        self._lock = threading.Lock()
        self._unread: set[str] = set()

    def _unread_now(self) -> list[str]:
        rows = self._backend.conversations(FOLDER_SECURE, None, self.PAGE).rows
        return [r.conversation_id for r in rows if r.unread]

    def start(self) -> None:
        with self._lock:
            self._unread = set(self._unread_now())

    def after_pass(self) -> list[str]:
        with self._lock:  # held while reading: a `forget` meanwhile is not overwritten
            unread = self._unread_now()
            before, self._unread = self._unread, set(unread)
        return [cid for cid in unread if cid not in before]

    def forget(self, conversation_id: str) -> None:
        with self._lock:
            self._unread.discard(conversation_id)
