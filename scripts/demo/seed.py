"""Seeds the demo profile of `make run` once, through the same `zivverdesk` commands a person
would type, and prints what to open.

    seed.py DEMO_DIR       (the relay, the mail stack and ZIVVERDESK_HOME must be up/set)

Every step is recorded in DEMO_DIR/seed-state.json as soon as it succeeds, so a run that
stopped half-way continues where it stopped and a finished profile is only synced again.
Reads the mail stack's settings from the environment (the variables of its stack.env) and
the demo's own from DEMO_DIR: `mailboxes.json` (passwords), `relay.toml`.
"""

from __future__ import annotations

import contextlib
import email
import io
import json
import os
import re
import secrets
import shlex
import smtplib
import ssl
import sys
import time
from collections.abc import Callable
from email import policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from imapclient import IMAPClient

from zivverdesk import cli
from zivverdesk.config import Settings, profile_paths
from zivverdesk.mail.notification import NOTIFICATION_HEADER

ORGANISATION = "Verzekeraar Voorbeeld"
OFFICE = "Medisch Adviesbureau Demo"
SENDER = "secretariaat"
COLLEAGUE = "adviseur"
PATIENT = "patient"
DEMO_MOBILE = "+31612345678"  # a fictitious number; the relay's file gateway writes the SMS
LINK = re.compile(r"https?://\S+/m/([0-9a-f]{32})/[0-9a-f]{32}#[A-Za-z0-9_-]{43}")
NOTIFICATION_WAIT = 30.0  # seconds; local delivery takes well under one


class SeedError(Exception):
    """A demo step failed; the message says which one and what the command printed."""


class Demo:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.state_file = folder / "seed-state.json"
        self.state: dict[str, Any] = (
            json.loads(self.state_file.read_text(encoding="utf-8"))
            if self.state_file.exists()
            else {}
        )
        self.mailboxes: dict[str, str] = json.loads(
            (folder / "mailboxes.json").read_text(encoding="utf-8")
        )
        self.domain = os.environ["MAIL_DOMAIN"]
        self.ca_file = os.environ["CA_FILE"]
        self.profile = os.environ["ZIVVERDESK_HOME"]

    def address(self, user: str) -> str:
        return f"{user}@{self.domain}"

    def step(self, name: str, action: Callable[[], Any]) -> Any:
        """Run `action` unless an earlier run finished it; remember its result."""
        if name not in self.state:
            self.state[name] = action()
            tmp = self.state_file.with_suffix(".tmp")
            tmp.write_text(json.dumps(self.state, indent=2), encoding="utf-8")
            tmp.chmod(0o600)  # holds the demo access code
            tmp.replace(self.state_file)
        return self.state[name]

    def zivverdesk(self, *args: str, stdin: str | None = None, profile: bool = True) -> str:
        """One `zivverdesk` command in this process; its output, or SeedError on failure."""
        argv = [*args, "--profile", self.profile] if profile else list(args)
        out, err = io.StringIO(), io.StringIO()
        old_stdin = sys.stdin
        if stdin is not None:
            sys.stdin = io.StringIO(stdin)
        try:
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                code = cli.main(argv)
        finally:
            sys.stdin = old_stdin
        if code != 0:
            raise SeedError(f"zivverdesk {args[0]} {args[1]} failed ({code}): {err.getvalue()}")
        return out.getvalue()


def seed(demo: Demo) -> None:
    sender = demo.address(SENDER)
    patient = demo.address(PATIENT)
    colleague = demo.address(COLLEAGUE)
    relay_dir = str(demo.folder / "relay")
    relay_config = str(demo.folder / "relay.toml")
    relay_url = os.environ["RELAY_URL"]

    demo.step(
        "account",
        lambda: demo.zivverdesk(
            "account", "add", "--email", sender, "--username", SENDER,
            "--imap-host", "127.0.0.1", "--imap-port", os.environ["IMAP_PORT"],
            "--imap-security", "starttls",
            "--smtp-host", "127.0.0.1", "--smtp-port", os.environ["SUBMIT_PORT"],
            "--smtp-security", "starttls",
            "--ca-file", demo.ca_file, "--password-stdin",
            "--name", "Secretariaat", "--organisation", OFFICE,
            stdin=demo.mailboxes[SENDER] + "\n",
        ),
    )  # fmt: skip

    def enroll() -> str:
        added = demo.zivverdesk(
            "relay", "admin", "--data", relay_dir, "--config", relay_config,
            "add-user", sender, "--name", "Secretariaat", "--json",
            profile=False,
        )  # fmt: skip
        code = json.loads(added)["code"]
        demo.zivverdesk("enroll", "--relay", relay_url, "--device-name", "demo", stdin=code + "\n")
        return relay_url

    demo.step("enrolled", enroll)

    # A random access code per demo folder: nothing in the repository may work as a secret.
    access_code = demo.step("access_code", lambda: f"{secrets.randbelow(10**8):08d}")
    demo.step(
        "organisation",
        lambda: demo.zivverdesk(
            "org", "add", ORGANISATION, "--domain", demo.domain,
            "--access-code", access_code, "--contact", "Afdeling Schade, 010 123 4567",
        ),
    )  # fmt: skip
    demo.step(
        "contacts",
        lambda: [
            demo.zivverdesk(
                "contact", "add", patient, "--name", "P. de Patiënt",
                "--mobile", DEMO_MOBILE, "--org", ORGANISATION,
            ),
            demo.zivverdesk("contact", "add", colleague, "--name", "A. de Adviseur"),
        ],
    )  # fmt: skip

    attachment = demo.folder / "seed-files" / "behandelplan.txt"
    attachment.parent.mkdir(parents=True, exist_ok=True)
    attachment.write_text(
        "Behandelplan (demo)\n\nDit bestand is versleuteld verzonden.\n"
        "Treatment plan (demo): this file was sent encrypted.\n",
        encoding="utf-8",
    )
    demo.step(
        "secure_access_code",
        lambda: demo.zivverdesk(
            "send", "--to", patient, "--subject", "Uw medisch dossier / your medical file",
            "--body", "Beste heer/mevrouw,\n\nIn de bijlage vindt u uw behandelplan.\n\n"
            "Met vriendelijke groet,\nSecretariaat",
            "--attach", str(attachment),
        ).strip(),
    )  # fmt: skip
    demo.step(
        "secure_sms",
        lambda: demo.zivverdesk(
            "send", "--to", patient, "--sms", DEMO_MOBILE,
            "--subject", "Afspraak keuring / appointment",
            "--body", "Uw keuring is op maandag om 10:00 uur. Bevestigt u de afspraak?",
        ).strip(),
    )  # fmt: skip
    demo.step(
        "plain_sent",
        lambda: demo.zivverdesk(
            "send", "--plain", "--to", colleague, "--subject", "Rooster volgende week",
            "--body", "Het rooster staat in de gedeelde map. (gewone mail / plain mail)",
        ).strip(),
    )  # fmt: skip
    demo.step("plain_received", lambda: send_plain_from_colleague(demo, colleague, sender))
    message_id = demo.state["secure_access_code"]
    demo.step("link", lambda: notification_link(demo, patient, message_id))


def send_plain_from_colleague(demo: Demo, colleague: str, sender: str) -> str:
    """Ordinary mail into the sender's inbox, so the app shows plain and secure side by side."""
    msg = EmailMessage()
    msg["From"] = f"A. de Adviseur <{colleague}>"
    msg["To"] = sender
    msg["Subject"] = "Dossiers deze week / files this week"
    msg.set_content("Kun je de drie dossiers van deze week veilig versturen? Dank je!\n")
    context = ssl.create_default_context(cafile=demo.ca_file)
    with smtplib.SMTP("127.0.0.1", int(os.environ["SUBMIT_PORT"]), timeout=30) as smtp:
        smtp.starttls(context=context)
        smtp.login(COLLEAGUE, demo.mailboxes[COLLEAGUE])
        smtp.send_message(msg)
    return str(msg["Subject"])


def notification_link(demo: Demo, patient: str, message_id: str) -> str:
    """The recipient link of `message_id`, read from the patient's own mailbox."""
    context = ssl.create_default_context(cafile=demo.ca_file)
    deadline = time.monotonic() + NOTIFICATION_WAIT
    while True:
        with IMAPClient(
            "127.0.0.1", port=int(os.environ["IMAPS_PORT"]), ssl=True, ssl_context=context
        ) as client:
            client.login(PATIENT, demo.mailboxes[PATIENT])
            client.select_folder("INBOX", readonly=True)
            uids = client.search("ALL")
            fetched = client.fetch(uids, ["BODY.PEEK[]"]) if uids else {}
        for uid in sorted(fetched):
            raw = fetched[uid][b"BODY[]"]
            if not isinstance(raw, bytes):
                continue
            message = email.message_from_bytes(raw, policy=policy.default)
            if not message[NOTIFICATION_HEADER]:
                continue
            for match in LINK.finditer(message_text(message)):
                if match.group(1) == message_id:
                    return match.group(0)
        if time.monotonic() > deadline:
            raise SeedError(f"No notification mail with a link reached {patient} in time.")
        time.sleep(0.2)


def message_text(message: email.message.Message) -> str:
    parts = []
    for part in message.walk():
        if part.get_content_type() == "text/plain":
            payload = part.get_payload(decode=True)
            if isinstance(payload, bytes):
                parts.append(payload.decode(part.get_content_charset() or "utf-8", "replace"))
    return "\n".join(parts)


def main() -> int:
    demo = Demo(Path(sys.argv[1]))
    try:
        seed(demo)
        # What the app shows as the relay address (the enrollment holds the same URL).
        Settings(profile_paths(demo.profile).ensure()).set("relay_url", os.environ["RELAY_URL"])
        # Every start: fetch new mail and relay events (what the recipient did since last time).
        demo.zivverdesk("sync")
    except SeedError as exc:
        print(f"Demo vullen mislukt / seeding the demo failed: {exc}", file=sys.stderr)
        return 1
    # Shell assignments for run-demo.sh to source; quoted, the link holds a '#'.
    for name, value in (
        ("DEMO_LINK", demo.state["link"]),
        ("DEMO_ACCESS_CODE", demo.state["access_code"]),
        ("DEMO_ORGANISATION", ORGANISATION),
        ("DEMO_MESSAGE_IDS", f"{demo.state['secure_access_code']} {demo.state['secure_sms']}"),
    ):
        print(f"{name}={shlex.quote(value)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
