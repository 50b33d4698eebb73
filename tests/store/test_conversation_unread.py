"""A secure conversation's unread state in the store: a received message the user has not
been shown makes it unread (what the user sends never does), marking it read is kept in the
store across a restart, and a newer reply makes it unread again."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.store.mail_data import secure_reply, secure_sent
from zivverdesk.core.model import new_id
from zivverdesk.store import Store, open_store


@pytest.fixture
def key() -> bytes:
    return os.urandom(32)


def _received(
    store: Store, conversation_id: str, date: str, *, in_reply_to: str | None = None
) -> str:
    return secure_reply(store, conversation_id, date, in_reply_to=in_reply_to)


def _sent_in(store: Store, conversation_id: str, date: str, in_reply_to: str) -> str:
    """A message the user sent in the thread."""
    return secure_reply(
        store, conversation_id, date, in_reply_to=in_reply_to, direction="out", body="Graag gedaan."
    )


def _unread(store: Store, *, to_review: bool = False, message_ids: bool = False) -> dict[str, bool]:
    digests = store.listing.digests(to_review=to_review, message_ids=message_ids)
    return {d.id: d.unread for d in digests}


def test_a_reply_makes_the_conversation_unread_and_what_the_user_sends_does_not(
    tmp_path: Path, key: bytes
) -> None:
    with open_store(tmp_path, key) as store:
        cid, sent, _ = secure_sent(store, "Uitslag", "2026-03-01T10:00:00Z")
        other, other_sent, _ = secure_sent(store, "Anders", "2026-03-01T11:00:00Z")
        assert _unread(store) == {cid: False, other: False}
        assert not store.mailbox.conversation_unread(cid)

        _sent_in(store, other, "2026-03-02T09:00:00Z", other_sent)  # our own follow-up
        assert _unread(store) == {cid: False, other: False}

        _received(store, cid, "2026-03-02T10:00:00Z", in_reply_to=sent)
        store.mailbox.touch_conversation(cid, needs_review=True)
        assert _unread(store) == {cid: True, other: False}
        assert store.mailbox.conversation_unread(cid)
        # The same in the review list and in a search's digests.
        assert _unread(store, to_review=True) == {cid: True}
        assert _unread(store, message_ids=True) == {cid: True, other: False}


def test_a_message_from_a_colleague_or_an_outsider_makes_it_unread(
    tmp_path: Path, key: bytes
) -> None:
    """A conversation an outsider started on the starter page (or a colleague's message to
    us) holds only received messages that answer nothing."""
    with open_store(tmp_path, key) as store:
        cid = new_id()
        store.mailbox.ensure_conversation(cid, account_id=None, kind="secure", subject="Vraag")
        _received(store, cid, "2026-03-01T10:00:00Z")
        assert _unread(store) == {cid: True}


def test_marking_read_is_kept_across_a_restart(tmp_path: Path, key: bytes) -> None:
    with open_store(tmp_path, key) as store:
        cid, sent, _ = secure_sent(store, "Uitslag", "2026-03-01T10:00:00Z")
        other, other_sent, _ = secure_sent(store, "Anders", "2026-03-01T11:00:00Z")
        reply = _received(store, cid, "2026-03-02T10:00:00Z", in_reply_to=sent)
        _received(store, other, "2026-03-02T11:00:00Z", in_reply_to=other_sent)
        assert store.mailbox.mark_conversation_seen(cid) == 1
        assert _unread(store) == {cid: False, other: True}  # the other one is untouched
        assert store.mailbox.mark_conversation_seen(cid) == 0  # already read
        assert store.mailbox.message(reply).flags == "\\Seen"
        assert store.mailbox.message(sent).flags == ""  # sent messages are not marked

    with open_store(tmp_path, key) as store:
        assert _unread(store) == {cid: False, other: True}
        assert not store.mailbox.conversation_unread(cid)


def test_a_newer_reply_after_reading_makes_it_unread_again(tmp_path: Path, key: bytes) -> None:
    with open_store(tmp_path, key) as store:
        cid, sent, _ = secure_sent(store, "Uitslag", "2026-03-01T10:00:00Z")
        first = _received(store, cid, "2026-03-02T10:00:00Z", in_reply_to=sent)
        store.mailbox.mark_conversation_seen(cid, message_ids=[sent, first])
        assert _unread(store) == {cid: False}

        # A reply whose date is older than the one read (the relay delivered it late): it
        # is unread all the same, as it is the message, not a date, that was seen.
        late = _received(store, cid, "2026-03-01T12:00:00Z", in_reply_to=sent)
        assert _unread(store) == {cid: True}
        store.mailbox.mark_conversation_seen(cid, message_ids=[late])
        assert _unread(store) == {cid: False}

        _received(store, cid, "2026-03-03T10:00:00Z", in_reply_to=sent)
        assert _unread(store) == {cid: True}


def test_only_the_messages_shown_are_marked(tmp_path: Path, key: bytes) -> None:
    """The GUI marks what it showed: a reply stored after the thread was read from the store
    (by a sync running beside it) stays unread."""
    with open_store(tmp_path, key) as store:
        cid, sent, _ = secure_sent(store, "Uitslag", "2026-03-01T10:00:00Z")
        shown = _received(store, cid, "2026-03-02T10:00:00Z", in_reply_to=sent)
        arrived = _received(store, cid, "2026-03-02T10:00:05Z", in_reply_to=sent)
        assert store.mailbox.mark_conversation_seen(cid, message_ids=[sent, shown]) == 1
        assert store.mailbox.conversation_unread(cid)
        assert _unread(store) == {cid: True}
        assert store.mailbox.mark_conversation_seen(cid, message_ids=[]) == 0
        assert store.mailbox.mark_conversation_seen(cid, message_ids=[arrived]) == 1
        assert _unread(store) == {cid: False}


def test_marking_keeps_other_flags(tmp_path: Path, key: bytes) -> None:
    with open_store(tmp_path, key) as store:
        cid, sent, _ = secure_sent(store, "Uitslag", "2026-03-01T10:00:00Z")
        reply = _received(store, cid, "2026-03-02T10:00:00Z", in_reply_to=sent)
        store.mailbox.set_flags(reply, "\\Flagged")
        assert _unread(store) == {cid: True}
        store.mailbox.mark_conversation_seen(cid)
        assert store.mailbox.message(reply).flags == "\\Flagged \\Seen"
        assert _unread(store) == {cid: False}
