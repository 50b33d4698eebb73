"""Every folder a mail client shows is synced: the inbox, the special-use folders (sent,
drafts, junk, trash) and subscribed folders; unsubscribed and \\Noselect folders are not.
`list --folder` filters by name or role, and a sync with nothing new stays cheap."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from email.message import EmailMessage
from pathlib import Path

import pytest

from tests.e2e.harness import imap, setup_desk
from tests.plugins.mailstack import MailAccount, MailStack
from tests.plugins.relay import RelayProcess
from zivverdesk.crypto.keyring_backend import INSECURE_ENV
from zivverdesk.mail.imap_connect import disconnect
from zivverdesk.services.mail_sync import open_imap, sync_account
from zivverdesk.services.profile import Profile

pytestmark = pytest.mark.integration


def _mail(sender: str, to: str, subject: str) -> bytes:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = sender, to, subject
    message["Date"] = "Mon, 30 Nov 2026 10:00:00 +0100"
    message.set_content(f"Inhoud van {subject}.")
    return message.as_bytes()


def test_all_shown_folders_sync_and_filter(
    tmp_path: Path,
    mailstack: MailStack,
    mail_account: Callable[[str], MailAccount],
    relay_server: RelayProcess,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    me = mail_account("secretariaat")
    desk = setup_desk(tmp_path / "desk", mailstack, me, relay_server)
    client = imap(me)
    try:
        for name in ("Archief", "Oud", "Projecten/Lopend"):
            client.create_folder(name)
        client.subscribe_folder("Archief")
        client.subscribe_folder("Projecten/Lopend")
        for folder, subject in (
            ("INBOX", "In het postvak"),
            ("Trash", "Weggegooid"),
            ("Junk", "Reclame"),
            ("Drafts", "Concept"),
            ("Archief", "Gearchiveerd"),
            ("Projecten/Lopend", "Project"),
            ("Oud", "Niet geabonneerd"),
        ):
            client.append(folder, _mail("huisarts@example.test", me.email, subject))
        client.append("Sent", _mail(me.email, "huisarts@example.test", "Verstuurd"))
    finally:
        client.logout()

    desk.run("sync")
    folders = {f["name"]: f for f in desk.json("folders")}
    assert set(folders) == {
        "INBOX",
        "Sent",
        "Drafts",
        "Trash",
        "Junk",
        "Archief",
        "Projecten/Lopend",
    }
    assert folders["Sent"]["role"] == "\\Sent" and folders["Junk"]["role"] == "\\Junk"
    assert all(f["messages"] == 1 for f in folders.values())

    (sent,) = desk.json("list", "--folder", "sent")  # by role
    assert sent["subject"] == "Verstuurd" and sent["correspondents"] == "huisarts@example.test"
    assert [r["subject"] for r in desk.json("list", "--folder", "Trash")] == ["Weggegooid"]
    assert [r["subject"] for r in desk.json("list", "--folder", "archief")] == ["Gearchiveerd"]
    assert [r["subject"] for r in desk.json("list", "--folder", "Projecten/Lopend")] == ["Project"]
    everything = {r["subject"] for r in desk.json("list")}
    assert "Niet geabonneerd" not in everything and "Reclame" in everything
    failed = desk.run("list", "--folder", "Oud", ok=False)
    assert failed.code == 2 and "Geen map 'Oud'" in failed.err

    # Nothing new: one SELECT per folder. Measured over the 5 standard folders of a fresh
    # mailbox (the benchmark's target is 50 ms; the bound here only catches a regression
    # to refetching on a loaded test machine).
    other = mail_account("leeg")
    quiet = setup_desk(tmp_path / "quiet", mailstack, other, relay_server)
    quiet.run("sync")
    monkeypatch.setenv(INSECURE_ENV, "1")
    with Profile.open(quiet.home) as profile:
        connection = open_imap(profile)
        try:
            timings = []
            for _ in range(7):
                started = time.perf_counter()
                result = sync_account(profile, client=connection)
                timings.append(time.perf_counter() - started)
                assert len(result.reports) == 5 and result.added == 0
        finally:
            disconnect(connection)
    noop = statistics.median(timings) * 1000
    print(f"incremental no-op sync of 5 folders: {noop:.1f} ms")
    assert noop < 250, noop
