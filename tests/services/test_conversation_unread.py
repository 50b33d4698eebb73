"""A secure conversation with a reply the user has not been shown lists as unread in each
list it is in ("Secure", "To review", "All mail"); showing it marks it read, in the store
alone, up to what was shown; a reply after that makes it unread again."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.store.mail_data import secure_reply, secure_sent
from zivverdesk.services.conversations import list_conversations, mark_read, show
from zivverdesk.services.errors import NotSecure
from zivverdesk.services.profile import Profile


def _reply(profile: Profile, conversation_id: str, answers: str, date: str) -> str:
    """A reply stored as the relay sync stores one: the conversation is to be reviewed."""
    store = profile.store
    reply = secure_reply(
        store, conversation_id, date, in_reply_to=answers, body="Dank u, ik heb nog een vraag."
    )
    store.mailbox.touch_conversation(conversation_id, needs_review=True)
    return reply


def _plain(profile: Profile, date: str, flags: str = "\\Seen") -> str:
    return profile.store.mailbox.add_message(
        account_id=None,
        conversation_id=None,
        kind="plain",
        direction="in",
        sender="huisarts@example.test",
        recipients="kantoor@office.test",
        subject="Gewone mail",
        body="tekst",
        date=date,
        flags=flags,
    )


def _unread_by_list(profile: Profile) -> dict[str, dict[str, bool]]:
    """Each row's unread state in the lists the GUI's folders show."""
    return {
        "secure": {r.id: r.unread for r in list_conversations(profile, secure_only=True)},
        "to_review": {r.id: r.unread for r in list_conversations(profile, to_review=True)},
        "all": {r.id: r.unread for r in list_conversations(profile)},
    }


def test_a_reply_makes_a_conversation_unread_in_every_list_until_it_is_shown(
    profile_dir: Path,
) -> None:
    with Profile.open(profile_dir) as profile:
        cid, sent, _ = secure_sent(profile.store, "Uitslag", "2026-03-01T10:00:00Z")
        other, _, _ = secure_sent(profile.store, "Anders", "2026-03-01T11:00:00Z")
        plain = _plain(profile, "2026-03-01T12:00:00Z")
        before = _unread_by_list(profile)
        assert before["all"] == {cid: False, other: False, plain: False}

        reply = _reply(profile, cid, sent, "2026-03-02T10:00:00Z")
        assert _unread_by_list(profile) == {
            "secure": {cid: True, other: False},
            "to_review": {cid: True},
            "all": {cid: True, other: False, plain: False},
        }
        show(profile, cid)  # reading the thread alone changes nothing: the window marks it
        assert mark_read(profile, reply) is False  # a message id names its conversation
        read = _unread_by_list(profile)
        assert read == {
            "secure": {cid: False, other: False},
            "to_review": {cid: False},  # still to review: reading is not reviewing
            "all": {cid: False, other: False, plain: False},
        }

    with Profile.open(profile_dir) as profile:  # kept in the store: read after a restart
        assert _unread_by_list(profile) == read
        assert mark_read(profile, cid) is False  # already read: nothing changes

        _reply(profile, cid, sent, "2026-03-03T10:00:00Z")
        assert _unread_by_list(profile)["all"] == {cid: True, other: False, plain: False}


def test_a_reply_that_came_after_what_was_shown_stays_unread(profile: Profile) -> None:
    cid, sent, _ = secure_sent(profile.store, "Uitslag", "2026-03-01T10:00:00Z")
    first = _reply(profile, cid, sent, "2026-03-02T10:00:00Z")
    shown = [m.message_id for m in show(profile, cid).messages]  # type: ignore[union-attr]
    assert shown == [sent, first]
    _reply(profile, cid, sent, "2026-03-02T10:00:01Z")  # stored by a sync meanwhile
    assert mark_read(profile, cid, seen=shown) is True
    assert [r.unread for r in list_conversations(profile)] == [True]
    assert mark_read(profile, cid) is False
    assert [r.unread for r in list_conversations(profile)] == [False]


def test_the_users_own_messages_never_make_a_conversation_unread(profile: Profile) -> None:
    cid, sent, _ = secure_sent(profile.store, "Uitslag", "2026-03-01T10:00:00Z")
    profile.store.mailbox.add_message(  # our own follow-up in the thread
        account_id=None,
        conversation_id=cid,
        kind="secure",
        direction="out",
        sender="kantoor@office.test",
        recipients="p@example.test",
        subject="Re: Uitslag",
        body="Aanvulling.",
        date="2026-03-02T10:00:00Z",
        in_reply_to=sent,
    )
    assert [r.unread for r in list_conversations(profile)] == [False]
    assert mark_read(profile, cid) is False


def test_plain_mail_is_not_marked_read_here(profile: Profile) -> None:
    """Plain mail is marked read on its server (`mail_sync.mark_seen`), never here."""
    plain = _plain(profile, "2026-03-01T10:00:00Z", flags="")
    with pytest.raises(NotSecure):
        mark_read(profile, plain)
    assert profile.store.mailbox.message(plain).flags == ""
