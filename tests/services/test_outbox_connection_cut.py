"""A plain mail whose SMTP connection is cut in the middle of DATA stays in the outbox with a
worded reason and goes out once, complete, when the server can be reached again. Real
Postfix (or aiosmtpd) and Dovecot, with a proxy in front of the submission port."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.mail.helpers import imap_settings, password, wait_for
from tests.plugins.mailstack import MailAccount
from tests.plugins.tcp_proxy import CuttableProxy, add_account_through
from zivverdesk.mail.imap_connect import connect, disconnect
from zivverdesk.services import outbox_runner
from zivverdesk.services.plain_send import queue_plain
from zivverdesk.services.profile import Profile
from zivverdesk.services.sync import sync_once

pytestmark = pytest.mark.integration

SUBJECT = "Verslag na de cut"
BODY = "Regel van het verslag.\n" * 20_000  # ~460 KB: the cut at 100 KB lands inside DATA


def _received(account: MailAccount) -> list[int]:
    client = connect(imap_settings(account), password(account))
    try:
        client.select_folder("INBOX", readonly=True)
        uids = client.search(["SUBJECT", SUBJECT])
        return [int(d[b"RFC822.SIZE"]) for d in client.fetch(uids, ["RFC822.SIZE"]).values()]
    finally:
        disconnect(client)


def test_a_cut_during_data_leaves_the_mail_queued_and_it_goes_out_once(
    profile: Profile, mail_account: Callable[[str], MailAccount]
) -> None:
    account = mail_account("smtpcut")
    with CuttableProxy(account.smtp_host, account.smtp_port) as proxy:
        add_account_through(profile, account, smtp_port=proxy.port)
        _, job_id = queue_plain(
            profile, to=[account.email], subject=SUBJECT, body=BODY, attachments=[]
        )
        proxy.cut_after(client_bytes=100_000)
        summary = sync_once(profile)  # the pass's outbox part meets the cut
        assert proxy.cuts == 1
        job = profile.store.outbox.job(job_id)
        assert job.status == "waiting", job
        assert job.last_error and "niet bereikbaar" in job.last_error
        assert [j.status for j in summary.outbox] == ["waiting"]
        assert not [p for p in summary.problems if p.startswith("outbox")]

        proxy.restore()
        (done,) = outbox_runner.run_due(profile, ignore_backoff=True)
        assert done.status == "done"
    # Postfix hands the mail on to Dovecot in the background.
    sizes = wait_for(lambda: _received(account), what="the mail in the inbox")
    assert len(sizes) == 1 and sizes[0] > len(BODY)  # once, and whole
