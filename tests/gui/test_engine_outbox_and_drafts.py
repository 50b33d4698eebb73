"""The Outbox and Drafts folders over the real engine and its sealed store (no servers): a
waiting message is listed with its subject and recipient, and with why it waits once it
does; a draft is kept sealed (its subject is nowhere in the store's files in clear, its
typed access code not kept at all), read back as it was, listed and removed."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from tests.store.mail_data import offline_account
from zivverdesk.core.model import VerificationMethod
from zivverdesk.gui.backend import DRAFT_PREFIX, FOLDER_DRAFTS, OutgoingMessage, RecipientCheck
from zivverdesk.gui.engine_backend import FOLDER_OUTBOX, EngineBackend
from zivverdesk.services.plain_send import queue_plain
from zivverdesk.services.profile import Profile

pytestmark = pytest.mark.gui

SUBJECT = "Verwijzing dr. Bakker"


@pytest.fixture
def home(home: Path) -> Path:
    """The fresh profile with a mail account whose servers are never contacted."""
    with Profile.open(home) as profile:
        offline_account(profile.store)
    return home


def test_a_waiting_message_is_listed_as_written(home: Path, engine: EngineBackend) -> None:
    with Profile.open(home) as profile:
        _mid, job = queue_plain(
            profile, to=["huisarts@example.test"], subject=SUBJECT, body="b", attachments=[]
        )
    (row,) = engine.conversations(FOLDER_OUTBOX, None, 50).rows
    assert (row.subject, row.correspondent) == (SUBJECT, "huisarts@example.test")
    with Profile.open(home) as profile:
        profile.store.outbox.mark_waiting(job, "Mailserver niet bereikbaar", retry_in=timedelta(1))
    (row,) = engine.conversations(FOLDER_OUTBOX, None, 50).rows
    assert (row.subject, row.correspondent) == (SUBJECT, "Mailserver niet bereikbaar")


def test_a_draft_is_kept_sealed_and_read_back(
    home: Path, engine: EngineBackend, tmp_path: Path
) -> None:
    letter = tmp_path / "verwijzing.pdf"
    letter.write_bytes(b"%PDF-1.7 verwijzing")
    draft = OutgoingMessage(
        to=["nieuw@patient.test"],
        subject=SUBJECT,
        body="Beste mevrouw,",
        attachments=(letter,),
        checks={
            "nieuw@patient.test": RecipientCheck(
                method=VerificationMethod.ACCESS_CODE, access_code="Geboren-1984"
            )
        },
    )
    draft_id = engine.save_draft(draft, None)
    kept = engine.load_draft(draft_id)
    assert (kept.to, kept.subject, kept.body, kept.attachments) == (
        ["nieuw@patient.test"],
        SUBJECT,
        "Beste mevrouw,",
        (letter,),
    )
    # The choice of an access code is kept, the code itself is not.
    assert kept.checks == {
        "nieuw@patient.test": RecipientCheck(method=VerificationMethod.ACCESS_CODE)
    }
    assert engine.save_draft(kept, draft_id) == draft_id  # saved again: the same draft
    (row,) = engine.conversations(FOLDER_DRAFTS, None, 50).rows
    assert (row.conversation_id, row.subject) == (DRAFT_PREFIX + draft_id, SUBJECT)
    assert engine.details(row.conversation_id).messages[0].body == "Beste mevrouw,"
    for path in home.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert SUBJECT.encode() not in data and b"Geboren-1984" not in data, path
    engine.delete_draft(draft_id)
    assert engine.conversations(FOLDER_DRAFTS, None, 50).rows == []
