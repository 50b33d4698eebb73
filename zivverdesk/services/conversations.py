"""Conversations as the user sees them, and what the user does with them: list, show,
revoke, reply in the thread, assign and mark reviewed (the medical advisers' workflow)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from zivverdesk.core.errors import ZivverdeskError
from zivverdesk.core.model import (
    EnvelopeState,
    RecipientState,
    VerificationMethod,
    envelope_state,
    new_id,
)
from zivverdesk.core.secret import Secret
from zivverdesk.crypto.keyschedule import DEFAULT_ITERATIONS
from zivverdesk.services.connections import Connections
from zivverdesk.services.errors import NotSecure
from zivverdesk.services.mail_sync import load_body
from zivverdesk.services.profile import Profile
from zivverdesk.services.recipients import RecipientRequest
from zivverdesk.services.secure_send import Queued, SecureDraft, queue_secure, reply_key
from zivverdesk.services.setup import refresh_directory
from zivverdesk.store.listing import After, ConversationDigest, PlainDigest
from zivverdesk.store.mailbox import Message


@dataclass(frozen=True, kw_only=True)
class TimelineView:
    at: str
    kind: str
    detail: str


@dataclass(frozen=True, kw_only=True)
class RecipientView:
    recipient_id: str
    address: str
    name: str
    method: str
    state: str
    timeline: list[TimelineView]


@dataclass(frozen=True, kw_only=True)
class MessageView:
    message_id: str
    direction: str
    sender: str
    date: str
    subject: str
    body: str
    in_reply_to: str | None
    attachments: list[dict[str, Any]]
    recipients: list[RecipientView] = field(default_factory=list)
    envelope: str | None = None
    revoked: bool = False
    #: Plain mail: its HTML reduced to a safe subset ("" when none), how many remote images
    #: were removed from it, and what was damaged in the mail (it shows as far as it could).
    html: str = ""
    remote_images_blocked: int = 0
    defects: list[str] = field(default_factory=list)


@dataclass(frozen=True, kw_only=True)
class ConversationView:
    conversation_id: str
    subject: str
    envelope: str | None
    to_review: bool
    assigned_to: str | None
    reviewed_by: str | None
    reviewed_at: str | None
    messages: list[MessageView]


@dataclass(frozen=True, kw_only=True)
class ListRow:
    id: str  # the conversation id for secure mail, the message id for plain mail
    kind: str
    subject: str
    correspondents: str
    date: str
    envelope: str | None
    to_review: bool
    assigned_to: str | None
    has_attachments: bool
    replies: int
    #: A received plain mail not yet read (no \\Seen in its IMAP flags), or a conversation
    #: with a received message (a reply) this user has not been shown yet.
    unread: bool = False


def user_label(profile: Profile, user_id: str | None) -> str | None:
    """A relay user id as the e-mail address people know (from the cached directory)."""
    if not user_id:
        return None
    for user in profile.store.relay.directory():
        if user.get("user_id") == user_id:
            return str(user.get("email") or user_id)
    return user_id


class ListCursor(NamedTuple):
    """Where the next page of a list starts: after the row with this date and id, which came
    from this source. In the lists of all mail, secure mail and mail to review the source is
    0 for a secure conversation and 1 for a plain mail (at equal dates conversations come
    first); in a folder's list it is the folder's id (at equal dates, folders in the order
    of `folder_ids`)."""

    date: str
    source: int
    id: str


@dataclass(frozen=True, kw_only=True)
class ListPage:
    rows: list[ListRow]
    #: Where the page after this one starts; None when no rows follow.
    next: ListCursor | None


def list_conversations(
    profile: Profile,
    *,
    to_review: bool = False,
    query: str | None = None,
    limit: int = 200,
    offset: int = 0,
    folder: str | None = None,
    secure_only: bool = False,
) -> list[ListRow]:
    """Secure conversations and plain mails, newest first (`offset` for lazy loading).
    With `folder` (a mail folder's name, or its role such as "sent" or "trash"), only the
    plain mail in that folder; with `secure_only`, only secure conversations; with `query`,
    only what matches it: a plain mail, or a conversation with a matching message.

    A fixed number of queries whatever the count (see `store.listing`): the GUI lists
    thousands of conversations on every refresh. Rows above `offset` are still read; a
    list read page by page goes faster with `list_page`."""
    return _listed(
        profile,
        to_review=to_review,
        query=query,
        folder=folder,
        secure_only=secure_only,
        after=None,
        skip=offset,
        take=limit,
    ).rows


def list_page(
    profile: Profile,
    *,
    after: ListCursor | None = None,
    limit: int = 200,
    to_review: bool = False,
    query: str | None = None,
    folder: str | None = None,
    secure_only: bool = False,
) -> ListPage:
    """The `limit` rows of the list (as `list_conversations`) that follow `after` (from the
    first row without it), and where the next page starts. A page reads from its first row
    on, so the last page of a long list costs what the first does; the pages together hold
    the rows of one `list_conversations` call while nothing changes."""
    return _listed(
        profile,
        to_review=to_review,
        query=query,
        folder=folder,
        secure_only=secure_only,
        after=after,
        skip=0,
        take=limit,
    )


def _listed(
    profile: Profile,
    *,
    to_review: bool,
    query: str | None,
    folder: str | None,
    secure_only: bool,
    after: ListCursor | None,
    skip: int,
    take: int,
) -> ListPage:
    store = profile.store
    # What a search finds is read from the store by id, so a match is listed however old.
    matching = store.mailbox.matching(query) if query else None
    # Each source gives its first rows in list order; merged, they give the page. One row
    # more than the page tells whether another page follows.
    wanted = skip + take + 1
    sources: list[tuple[int, list[ListRow]]] = []
    if folder is not None:
        # Each folder's mails from the listing's index, in one snapshot; folders of several
        # accounts are merged by date (a stable sort: equal dates keep folder order).
        ids = folder_ids(profile, folder)
        at = -1 if after is None else _rank(ids, after.source)
        with store.db.snapshot():
            for rank, folder_id in enumerate(ids):
                plain = store.listing.plain(
                    limit=wanted,
                    folder_id=folder_id,
                    after=_continue(after, at, rank),
                    matching=matching,
                )
                sources.append((folder_id, [_listed_plain_row(p) for p in plain]))
    else:
        users = {
            str(u["user_id"]): str(u.get("email") or u["user_id"])
            for u in store.relay.directory()
            if u.get("user_id")
        }
        at = -1 if after is None else after.source
        digests = store.listing.digests(
            to_review=to_review,
            limit=wanted,
            after=_continue(after, at, _SECURE),
            matching=matching,
        )
        sources.append((_SECURE, [_secure_row(digest, users) for digest in digests]))
        if not to_review and not secure_only:
            plain = store.listing.plain(
                limit=wanted, after=_continue(after, at, _PLAIN), matching=matching
            )
            sources.append((_PLAIN, [_listed_plain_row(p) for p in plain]))
    if len(sources) == 1:
        source, rows = sources[0]
    else:
        # Sources in rank order, each in list order: a stable sort by date gives list order.
        rows = [row for _, listed in sources for row in listed]
        rows.sort(key=lambda r: r.date, reverse=True)
    page = rows[skip : skip + take]
    if len(rows) <= skip + take or not page:
        return ListPage(rows=page, next=None)
    last = page[-1]
    source = next(s for s, listed in sources if any(r is last for r in reversed(listed)))
    return ListPage(rows=page, next=ListCursor(last.date, source, last.id))


# The sources of the lists outside folders, in the order of their rows at equal dates.
_SECURE, _PLAIN = 0, 1


def _rank(ids: list[int], folder_id: int) -> int:
    """A folder's place among `ids`. A folder no longer there (its account was removed
    between two pages) counts as first: the next page may repeat rows of its last second,
    but leaves none out."""
    return ids.index(folder_id) if folder_id in ids else -1


def _continue(after: ListCursor | None, at: int, rank: int) -> After | None:
    """Where the source of `rank` continues after the row `after` of the source of rank
    `at`: at the row's date, rows of earlier sources were all listed before it, rows of
    later sources all follow it, and those of its own source follow it by id."""
    if after is None:
        return None
    if rank < at:
        return After(after.date, None)
    if rank == at:
        return After(after.date, after.id)
    return After(after.date, "")


# The envelope as the list shows it, without an enum attribute look-up per row.
_ENVELOPE_VALUES: dict[EnvelopeState | None, str | None] = {e: e.value for e in EnvelopeState}


_new_row = object.__new__


def _list_row(
    *,
    id: str,
    kind: str,
    subject: str,
    correspondents: str,
    date: str,
    envelope: str | None,
    to_review: bool,
    assigned_to: str | None,
    has_attachments: bool,
    replies: int,
    unread: bool = False,
) -> ListRow:
    """`ListRow(...)` with these fields, built without the frozen dataclass's `__init__`,
    which sets each field through `object.__setattr__`: for the tens of thousands of rows a
    full list holds, that was a fifth of its time. The row is the same (equal, frozen, a
    dataclass); tests/services/test_listing.py checks that the fields match."""
    row: ListRow = _new_row(ListRow)
    row.__dict__.update(
        {
            "id": id,
            "kind": kind,
            "subject": subject,
            "correspondents": correspondents,
            "date": date,
            "envelope": envelope,
            "to_review": to_review,
            "assigned_to": assigned_to,
            "has_attachments": has_attachments,
            "replies": replies,
            "unread": unread,
        }
    )
    return row


def _secure_row(digest: ConversationDigest, users: dict[str, str]) -> ListRow:
    assigned = digest.assigned_to
    return _list_row(
        id=digest.id,
        kind="secure",
        subject=digest.subject,
        correspondents=", ".join(digest.correspondents),
        date=digest.newest_date,
        envelope=_ENVELOPE_VALUES.get(digest.envelope),
        to_review=digest.to_review,
        assigned_to=users.get(assigned, assigned) if assigned else None,
        has_attachments=digest.has_attachments,
        replies=digest.replies,
        unread=digest.unread,
    )


def _listed_plain_row(digest: PlainDigest) -> ListRow:
    return _list_row(
        id=digest.id,
        kind="plain",
        subject=digest.subject,
        correspondents=digest.correspondents,
        date=digest.date,
        envelope=None,
        to_review=False,
        assigned_to=None,
        has_attachments=digest.has_attachments,
        replies=0,
        unread=digest.unread,
    )


def folder_ids(profile: Profile, name: str) -> list[int]:
    """The synced folders called `name` (any case), or with that role ("sent" is the
    folder marked \\Sent, whatever the server calls it), over all accounts."""
    wanted = name.strip().lower()
    found = [
        f.id
        for account in profile.store.accounts.all()
        for f in profile.store.folders.folders(account.id)
        if f.name.lower() == wanted or (f.special_use or "").lstrip("\\").lower() == wanted
    ]
    if not found:
        known = sorted(
            f.name
            for account in profile.store.accounts.all()
            for f in profile.store.folders.folders(account.id)
        )
        raise ZivverdeskError(
            f"Geen map {name!r} (wel: {', '.join(known) or 'geen / none'}). / No folder {name!r}."
        )
    return found


def resolve_conversation(profile: Profile, ident: str) -> str:
    """A conversation id from a conversation or message id (the CLI accepts both)."""
    store = profile.store
    try:
        return store.mailbox.conversation(ident).id
    except ZivverdeskError:
        pass
    message = store.mailbox.message(ident)
    if message.conversation_id is None:
        raise NotSecure(f"{ident} is een gewone e-mail, geen beveiligd gesprek. / A plain mail.")
    return message.conversation_id


def ensure_plain_content(profile: Profile, message: Message) -> None:
    """A synced plain mail's body, HTML and attachments come from IMAP on first read."""
    if message.kind == "plain" and profile.store.mailbox.body(message.id) is None:
        load_body(profile, message.id)


def _message_view(profile: Profile, m: Message) -> MessageView:
    store = profile.store
    attachments = [
        {"name": a.name, "size": a.size, "media_type": a.media_type, "cached": a.cached}
        for a in store.mailbox.attachments(m.id)
    ]
    recipients: list[RecipientView] = []
    envelope = None
    revoked = False
    if m.kind == "secure" and m.direction == "out" and store.secure.is_secure(m.id):
        timeline = store.secure.timeline(m.id)
        for r in store.secure.recipients(m.id, current_only=False):
            recipients.append(
                RecipientView(
                    recipient_id=r.id,
                    address=r.address,
                    name=r.name,
                    method=r.method.value,
                    state=r.state.value if r.replaced_by is None else "replaced",
                    timeline=[
                        TimelineView(at=e.at, kind=e.kind, detail=e.detail)
                        for e in timeline
                        if e.recipient_id == r.id
                    ],
                )
            )
        current = [r for r in store.secure.recipients(m.id)]
        envelope = envelope_state(r.state for r in current).value if current else None
        revoked = store.secure.info(m.id).revoked
    rendering = store.mailbox.rendering(m.id) if m.kind == "plain" else None
    return MessageView(
        message_id=m.id,
        direction=m.direction,
        sender=m.sender,
        date=m.date,
        subject=m.subject,
        body=store.mailbox.body(m.id) or "",
        in_reply_to=m.in_reply_to,
        attachments=attachments,
        recipients=recipients,
        envelope=envelope,
        revoked=revoked,
        html=rendering.html if rendering else "",
        remote_images_blocked=rendering.remote_images_blocked if rendering else 0,
        defects=list(rendering.defects) if rendering else [],
    )


def show(profile: Profile, ident: str) -> ConversationView | MessageView:
    store = profile.store
    try:
        conversation_id = resolve_conversation(profile, ident)
    except NotSecure:
        message = store.mailbox.message(ident)
        ensure_plain_content(profile, message)
        return _message_view(profile, message)
    conv = store.mailbox.conversation(conversation_id)
    # Oldest first; dates have whole seconds, so within one second a message comes before
    # what answers it (thread depth), then in the order this store received them.
    messages = store.mailbox.messages(conversation_id=conversation_id)
    parents = {m.id: m.in_reply_to for m in messages}
    arrival = store.mailbox.arrival_order(conversation_id)

    def depth(message_id: str) -> int:
        seen: set[str] = set()
        parent = parents.get(message_id)
        while parent is not None and parent in parents and parent not in seen:
            seen.add(parent)
            parent = parents[parent]
        return len(seen) + (parent is not None)

    messages.sort(key=lambda m: (m.date, depth(m.id), arrival.get(m.id, 0)))
    views = [_message_view(profile, m) for m in messages]
    first_out = [v for v in views if v.direction == "out" and v.in_reply_to is None]
    return ConversationView(
        conversation_id=conv.id,
        subject=conv.subject,
        envelope=first_out[0].envelope if first_out else None,
        to_review=conv.to_review,
        assigned_to=user_label(profile, conv.assigned_to),
        reviewed_by=user_label(profile, conv.reviewed_by),
        reviewed_at=conv.reviewed_at,
        messages=views,
    )


def mark_read(profile: Profile, ident: str, *, seen: Collection[str] | None = None) -> bool:
    """Mark a secure conversation read once it was shown: its received messages, or of them
    only those in `seen` (the ones the user was shown), so a reply that arrived in the
    meantime still makes it unread. Local only, like reading itself: nothing goes to the
    relay or the mail server. Returns whether the conversation is still unread."""
    store = profile.store
    conversation_id = resolve_conversation(profile, ident)
    with store.db.transaction():  # what is left unread, as the marking left it
        store.mailbox.mark_conversation_seen(conversation_id, message_ids=seen)
        return store.mailbox.conversation_unread(conversation_id)


def _sent_messages(profile: Profile, conversation_id: str) -> list[Message]:
    return [
        m
        for m in profile.store.mailbox.messages(conversation_id=conversation_id)
        if m.direction == "out" and profile.store.secure.is_secure(m.id)
    ]


def revoke(profile: Profile, ident: str) -> list[str]:
    """Revoke every message we sent in the conversation (or the one message named)."""
    store = profile.store
    if store.mailbox.has_message(ident) and store.secure.is_secure(ident):
        targets = [store.mailbox.message(ident)]
    else:
        targets = _sent_messages(profile, resolve_conversation(profile, ident))
    if not targets:
        raise NotSecure("Er is hier niets om in te trekken. / Nothing to revoke here.")
    done: list[str] = []
    with Connections(profile) as conn:
        for m in targets:
            info = store.secure.info(m.id)
            if info.revoked:
                continue
            if info.committed:
                conn.relay.revoke(m.id)
            store.secure.mark_revoked(m.id)
            store.secure.record_event(
                message_id=m.id, recipient_id=None, kind="revoked", event_key=f"local:revoke:{m.id}"
            )
            done.append(m.id)
    return done


def reply(
    profile: Profile,
    ident: str,
    *,
    body: str,
    attachments: list[Path],
    access_code: Secret[str] | None = None,
    kdf_iterations: int | None = None,
) -> Queued:
    """A secure reply in the thread to everyone the conversation's first message went to, or,
    in a conversation an outsider started, to that outsider (by e-mail code).

    Its CEK derives from the original message's (PROTOCOL: replies), so recipients who can
    read the thread can read the reply; they get a fresh notification each, verified the
    same way as before. The link secrets of the first send are not kept, so an access code
    given for that one send (not an organisation's) must be given again (`access_code`).
    """
    store = profile.store
    conversation_id = resolve_conversation(profile, ident)
    sent = sorted(
        _sent_messages(profile, conversation_id), key=lambda m: (m.date, m.in_reply_to is not None)
    )
    recipients: list[RecipientRequest] = []
    if sent:
        original = sent[0]
        for r in store.secure.recipients(original.id):
            if r.state is RecipientState.REVOKED:
                continue
            code = access_code if r.method is VerificationMethod.ACCESS_CODE else None
            recipients.append(
                RecipientRequest(
                    address=r.address, name=r.name, method=r.method, phone=r.phone, access_code=code
                )
            )
    else:
        original = _starter_message(profile, conversation_id)
        recipients.append(_starter_recipient(original, access_code))
    subject = (
        original.subject
        if original.subject.lower().startswith("re:")
        else f"Re: {original.subject}"
    )
    reply_id = new_id()
    return queue_secure(
        profile,
        SecureDraft(
            recipients=recipients,
            subject=subject,
            body=body,
            attachments=attachments,
            conversation_id=conversation_id,
            in_reply_to=original.id,
            kdf_iterations=kdf_iterations or DEFAULT_ITERATIONS,
        ),
        cek=Secret(reply_key(profile, original.id, reply_id)),
        message_id=reply_id,
    )


def _starter_message(profile: Profile, conversation_id: str) -> Message:
    """The first message of a conversation an outsider started on the starter page (S11)."""
    store = profile.store
    started = sorted(
        (
            m
            for m in store.mailbox.messages(conversation_id=conversation_id)
            if m.direction == "in" and m.in_reply_to is None and store.secure.is_secure(m.id)
        ),
        key=lambda m: m.date,
    )
    if not started:
        raise NotSecure(
            "In dit gesprek is nog niets vanaf deze werkplek verzonden. / Nothing was sent in "
            "this conversation yet."
        )
    return started[0]


def _starter_recipient(starter: Message, access_code: Secret[str] | None) -> RecipientRequest:
    """Who answers a starter gets the answer: the page proved the address with an e-mail code,
    and that is all we know of them, so the reply uses an e-mail code too (unless the user
    gives a one-off access code)."""
    if access_code is not None:
        return RecipientRequest(
            address=starter.sender, method=VerificationMethod.ACCESS_CODE, access_code=access_code
        )
    return RecipientRequest(address=starter.sender, method=VerificationMethod.EMAIL)


def _directory_user(profile: Profile, email: str) -> str:
    with Connections(profile) as conn:
        users = refresh_directory(profile, conn.relay)
    for user in users:
        if user["email"].lower() == email.strip().lower():
            return user["user_id"]
    raise ZivverdeskError(
        f"{email} is geen gebruiker van dit kantoor op de relay. / {email} is not a user of "
        "this office on the relay."
    )


def _relay_review(conn: Connections, conversation_id: str) -> dict[str, Any]:
    """The relay's current review state: a PUT replaces it whole, so each change starts from
    what the relay has (a colleague may have assigned or reviewed in the meantime)."""
    response = conn.relay.request("GET", f"/api/v1/conversations/{conversation_id}/review")
    state: dict[str, Any] = response.json()
    return state


def assign(profile: Profile, ident: str, *, to: str) -> None:
    store = profile.store
    conversation_id = resolve_conversation(profile, ident)
    user_id = _directory_user(profile, to)
    with Connections(profile) as conn:
        current = _relay_review(conn, conversation_id)
        conn.relay.review(
            conversation_id, assigned_to=user_id, reviewed=bool(current.get("reviewed"))
        )
    store.mailbox.set_review(
        conversation_id, assigned_to=user_id, reviewed=False, actor=profile.enrollment().user_id
    )


def mark_reviewed(profile: Profile, ident: str) -> None:
    store = profile.store
    conversation_id = resolve_conversation(profile, ident)
    with Connections(profile) as conn:
        current = _relay_review(conn, conversation_id)
        assigned_to = current.get("assigned_to")
        conn.relay.review(conversation_id, assigned_to=assigned_to, reviewed=True)
    if assigned_to != store.mailbox.conversation(conversation_id).assigned_to:
        store.mailbox.set_review(
            conversation_id,
            assigned_to=assigned_to,
            reviewed=False,
            actor=profile.enrollment().user_id,
        )
    store.mailbox.set_review(
        conversation_id,
        assigned_to=assigned_to,
        reviewed=True,
        actor=profile.enrollment().user_id,
    )
