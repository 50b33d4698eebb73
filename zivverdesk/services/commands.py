"""The desktop engine's `zivverdesk` commands (mail accounts, relay, address book, secure
send and its follow-up, sync, outbox, review workflow).

Every command takes `--profile DIR` (or ZIVVERDESK_HOME). Output is readable text, or JSON
with `--json` where offered. Failures raise `ZivverdeskError`: the dispatcher prints one line
and exits 2. `send`/`reply`/`resend` exit 75 (EX_TEMPFAIL) when the message is safely queued
but could not go out yet (the outbox shows why), 0 when it went out.
"""

from __future__ import annotations

import argparse
import getpass
import platform
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from zivverdesk.core.errors import UsageError, ZivverdeskError
from zivverdesk.core.model import VerificationMethod
from zivverdesk.core.secret import Secret
from zivverdesk.crypto.keyschedule import DEFAULT_ITERATIONS
from zivverdesk.services import addressbook as book_service
from zivverdesk.services import conversations, outbox_runner, render, setup
from zivverdesk.services.connections import Connections
from zivverdesk.services.plain_send import queue_plain
from zivverdesk.services.profile import Profile
from zivverdesk.services.recipients import RecipientRequest
from zivverdesk.services.relay_sync import save_attachment
from zivverdesk.services.resend import queue_resend
from zivverdesk.services.secure_send import SecureDraft, queue_secure
from zivverdesk.services.sync import sync_once, watch
from zivverdesk.store.addressbook import OrganisationHasContacts
from zivverdesk.store.outbox import OutboxJob

EX_TEMPFAIL = 75
Handler = Callable[[Profile, argparse.Namespace], int]


def _run(handler: Handler) -> Callable[[argparse.Namespace], int]:
    def run(args: argparse.Namespace) -> int:
        with Profile.open(args.profile) as profile:
            return handler(profile, args)

    return run


def _common() -> argparse.ArgumentParser:
    parent = argparse.ArgumentParser(add_help=False)
    parent.add_argument(
        "--profile", metavar="DIR", default=None, help="profile folder (default: ZIVVERDESK_HOME)"
    )
    return parent


def _body(args: argparse.Namespace) -> str:
    if args.body_file:
        try:
            return Path(args.body_file).read_text(encoding="utf-8")
        except OSError as exc:
            raise UsageError(f"{args.body_file} is niet te lezen ({exc.strerror}).") from exc
    return str(args.body)


def _add_body(parser: argparse.ArgumentParser) -> None:
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--body", help="the message text")
    group.add_argument("--body-file", metavar="F", help="read the message text from a file")
    parser.add_argument("--attach", metavar="FILE", action="append", default=[], type=Path)
    parser.add_argument(
        "--kdf-iterations", type=int, default=DEFAULT_ITERATIONS, help=argparse.SUPPRESS
    )


def _access_code(args: argparse.Namespace) -> str | None:
    """`--access-code CODE`, or with `--access-code-stdin` the first line of stdin (so the
    code does not show in the process list)."""
    if getattr(args, "access_code_stdin", False):
        code = sys.stdin.readline().strip()
        if not code:
            raise UsageError("Lege toegangscode op stdin. / Empty access code on stdin.")
        return code
    value = getattr(args, "access_code", None)
    return str(value) if value is not None else None


def _add_access_code(parser: Any, help_text: str) -> None:
    parser.add_argument("--access-code", metavar="CODE", help=help_text)
    parser.add_argument(
        "--access-code-stdin", action="store_true", help="read the access code from stdin"
    )


def _send_outcome(profile: Profile, job_id: str, message_id: str) -> int:
    """Run the queued job now and report; the message id is printed whatever happens."""
    job = outbox_runner.run_job(profile, job_id)
    print(message_id)
    return _job_exit(job)


def _job_exit(job: OutboxJob) -> int:
    if job.status == "done":
        return 0
    if job.status == "failed":
        raise ZivverdeskError(f"Verzenden mislukt / sending failed: {job.last_error}")
    print(
        f"zivverdesk: in Postvak UIT, wordt later verzonden / queued in the outbox: "
        f"{job.last_error}",
        file=sys.stderr,
    )
    return EX_TEMPFAIL


# --- handlers --------------------------------------------------------------------------


def cmd_account_add(profile: Profile, args: argparse.Namespace) -> int:
    if args.provider:
        account = setup.add_oauth_account(
            profile,
            email=args.email,
            provider=args.provider,
            tenant=args.tenant,
            client_id=args.client_id,
            device_code=args.device_code,
            ca_file=args.ca_file,
            display_name=args.name or "",
            organisation=args.organisation or "",
        )
    else:
        missing = [
            flag
            for flag, value in (
                ("--imap-host", args.imap_host),
                ("--imap-port", args.imap_port),
                ("--smtp-host", args.smtp_host),
                ("--smtp-port", args.smtp_port),
                ("--username", args.username),
            )
            if value is None
        ]
        if missing:
            raise UsageError(f"Ontbreekt / missing: {', '.join(missing)}")
        password = _read_password(args)
        account = setup.add_password_account(
            profile,
            email=args.email,
            username=args.username,
            password=Secret(password),
            imap_host=args.imap_host,
            imap_port=args.imap_port,
            imap_security=args.imap_security,
            smtp_host=args.smtp_host,
            smtp_port=args.smtp_port,
            smtp_security=args.smtp_security,
            ca_file=args.ca_file,
            display_name=args.name or "",
            organisation=args.organisation or "",
            test_connection=not args.no_test,
        )
    print(f"Account {account.email} toegevoegd / added ({account.id}).")
    return 0


def cmd_account_reauth(profile: Profile, args: argparse.Namespace) -> int:
    from zivverdesk.mail import oauth

    email = args.email or args.email_option or profile.account().email
    oauth.reauth(email, device_code=args.device_code, paths=profile.paths)
    print(f"{email}: opnieuw aangemeld / signed in again.")
    return 0


def cmd_account_password(profile: Profile, args: argparse.Namespace) -> int:
    account = next(
        (a for a in profile.store.accounts.all() if a.email == args.email.strip().lower()), None
    )
    if account is None:
        raise UsageError(f"Geen account {args.email}. / No account {args.email}.")
    password = _read_password(args)
    setup.change_password(profile, account, Secret(password))
    print(f"Wachtwoord van {account.email} bijgewerkt / password updated.")
    return 0


def _read_password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = getpass.getpass("Wachtwoord / password: ")
    if not password:
        raise UsageError("Leeg wachtwoord. / Empty password.")
    return password


def cmd_account_list(profile: Profile, args: argparse.Namespace) -> int:
    for a in profile.store.accounts.all():
        print(
            f"{a.id}  {a.email}  {a.auth_kind}  IMAP {a.imap_host}:{a.imap_port}  "
            f"SMTP {a.smtp_host}:{a.smtp_port}"
        )
    return 0


def cmd_enroll(profile: Profile, args: argparse.Namespace) -> int:
    code = args.code if args.code is not None else sys.stdin.readline().strip()
    enrollment = setup.enroll(
        profile,
        relay_url=args.relay,
        code=Secret(code),
        device_name=args.device_name or platform.node() or "werkplek",
        ca_file=args.ca_file,
    )
    fingerprint = profile.identity().public.human_fingerprint
    print(f"Aangemeld bij / enrolled with {enrollment.relay_url} als / as {enrollment.email}.")
    print(f"Vingerafdruk van deze werkplek / this workstation's fingerprint: {fingerprint}")
    return 0


def cmd_org_add(profile: Profile, args: argparse.Namespace) -> int:
    org = book_service.add_organisation(
        profile.store.addressbook,
        name=args.name,
        domains=args.domain,
        access_code=_access_code(args),
        contact=args.contact or "",
    )
    print(f"Organisatie {org.name} ({', '.join(org.domains)}) opgeslagen / saved.")
    return 0


def cmd_org_edit(profile: Profile, args: argparse.Namespace) -> int:
    book = profile.store.addressbook
    org = book.organisation_by_name(args.name)
    # Through the same checks as the address book window: a name or domain that another
    # organisation has is refused with a sentence, not a database error.
    org = book_service.update_organisation(
        book,
        org.name,
        name=args.rename if args.rename is not None else org.name,
        domains=args.domain if args.domain is not None else list(org.domains),
        contact=args.contact if args.contact is not None else org.contact_person,
    )
    print(f"Organisatie {org.name} ({', '.join(org.domains)}) bijgewerkt / updated.")
    return 0


def cmd_org_code(profile: Profile, args: argparse.Namespace) -> int:
    book = profile.store.addressbook
    if args.set:
        book_service.rotate_access_code(book, args.name, args.set)
        print(f"Nieuwe toegangscode voor {args.name} opgeslagen / new access code saved.")
        return 0
    org = book.organisation_by_name(args.name)
    code = book.access_code(org.id)
    if code is None:
        raise ZivverdeskError(f"{org.name} heeft geen toegangscode. / No access code.")
    print(code.reveal())  # asked for explicitly, to read it out to a caller (S4)
    return 0


def cmd_org_list(profile: Profile, args: argparse.Namespace) -> int:
    orgs = profile.store.addressbook.organisations()
    if args.json:
        print(render.as_json(orgs))
        return 0
    for o in orgs:
        code = "code ✓" if o.has_access_code else "geen code / no code"
        print(f"{o.name}  {', '.join(o.domains)}  {code}  {o.contact_person}")
    return 0


def cmd_org_delete(profile: Profile, args: argparse.Namespace) -> int:
    try:
        detached = book_service.delete_organisation(
            profile.store.addressbook, args.name, detach_contacts=args.detach_contacts
        )
    except OrganisationHasContacts as exc:
        raise UsageError(
            f"{exc} Verwijder of wijzig die eerst, of gebruik --detach-contacts: zij blijven "
            "dan zonder organisatie en krijgen bij het volgende bericht een eigen controle. / "
            "Delete or edit them first, or use --detach-contacts."
        ) from exc
    print(f"Organisatie {args.name} verwijderd / deleted.")
    for contact in detached:
        print(f"  {contact.email}: geen organisatie meer / no organisation any more")
    return 0


def cmd_contact_delete(profile: Profile, args: argparse.Namespace) -> int:
    book_service.delete_contact(profile.store.addressbook, args.email)
    print(f"Contactpersoon {args.email.strip().lower()} verwijderd / deleted.")
    return 0


def cmd_contact_add(profile: Profile, args: argparse.Namespace) -> int:
    contact = book_service.add_contact(
        profile.store.addressbook,
        email=args.email,
        name=args.name,
        mobile=args.mobile,
        organisation=args.org,
    )
    print(f"Contactpersoon {contact.email} opgeslagen / saved.")
    return 0


def cmd_contacts_import(profile: Profile, args: argparse.Namespace) -> int:
    report = book_service.import_contacts(profile.store.addressbook, Path(args.file))
    print(
        f"{report.added} toegevoegd / added, {report.updated} bijgewerkt / updated, "
        f"{len(report.skipped)} overgeslagen / skipped."
    )
    for line in report.skipped:
        print(f"  {line}", file=sys.stderr)
    return 0


def cmd_contacts_list(profile: Profile, args: argparse.Namespace) -> int:
    contacts = profile.store.addressbook.contacts()
    if args.json:
        print(render.as_json(contacts))
        return 0
    for c in contacts:
        print(f"{c.email}  {c.name}  {c.mobile or ''}")
    return 0


def cmd_send(profile: Profile, args: argparse.Namespace) -> int:
    body = _body(args)
    if args.plain:
        message_id, job_id = queue_plain(
            profile, to=args.to, subject=args.subject, body=body, attachments=args.attach
        )
        return _send_outcome(profile, job_id, message_id)
    method = None
    code = _access_code(args)
    if code is not None:
        method = VerificationMethod.ACCESS_CODE
    elif args.sms is not None:
        method = VerificationMethod.SMS
    elif args.email_code:
        method = VerificationMethod.EMAIL
    requests = [
        RecipientRequest(
            address=address,
            method=method,
            access_code=Secret(code) if code is not None else None,
            phone=args.sms,
        )
        for address in args.to
    ]
    queued = queue_secure(
        profile,
        SecureDraft(
            recipients=requests,
            subject=args.subject,
            body=body,
            attachments=args.attach,
            kdf_iterations=args.kdf_iterations,
        ),
    )
    return _send_outcome(profile, queued.job_id, queued.message_id)


def cmd_reply(profile: Profile, args: argparse.Namespace) -> int:
    queued = conversations.reply(
        profile,
        args.id,
        body=_body(args),
        attachments=args.attach,
        access_code=Secret(code) if (code := _access_code(args)) else None,
        kdf_iterations=args.kdf_iterations,
    )
    return _send_outcome(profile, queued.job_id, queued.message_id)


def cmd_resend(profile: Profile, args: argparse.Namespace) -> int:
    job_id = queue_resend(
        profile,
        args.id,
        recipient=args.recipient,
        new_address=args.to_address,
        access_code=Secret(code) if (code := _access_code(args)) else None,
        kdf_iterations=args.kdf_iterations,
    )
    return _send_outcome(profile, job_id, args.id)


def cmd_revoke(profile: Profile, args: argparse.Namespace) -> int:
    revoked = conversations.revoke(profile, args.id)
    for message_id in revoked:
        print(f"{message_id} ingetrokken / revoked")
    if not revoked:
        print("Was al ingetrokken. / Already revoked.")
    return 0


def cmd_sync(profile: Profile, args: argparse.Namespace) -> int:
    if args.watch:
        stop = threading.Event()

        def report(summary: Any) -> None:
            if summary.new_mail or summary.feed_events or summary.outbox:
                _print_summary(summary)

        try:
            watch(profile, stop=stop, on_pass=report)
        except KeyboardInterrupt:
            stop.set()
        return 0
    summary = sync_once(profile)
    _print_summary(summary)
    if summary.problems:
        raise ZivverdeskError("; ".join(summary.problems))
    return 0


def _print_summary(summary: Any) -> None:
    sent = sum(1 for j in summary.outbox if j.status == "done")
    waiting = sum(1 for j in summary.outbox if j.status != "done")
    print(
        f"Nieuwe mail / new mail: {summary.new_mail}; relay-gebeurtenissen / relay events: "
        f"{summary.feed_events}; verzonden / sent: {sent}; wachtend / waiting: {waiting}"
    )


def cmd_list(profile: Profile, args: argparse.Namespace) -> int:
    if args.folder and args.to_review:
        raise UsageError("--folder en --to-review gaan niet samen. / Use one of them.")
    rows = conversations.list_conversations(
        profile, to_review=args.to_review, query=args.search, limit=args.limit, folder=args.folder
    )
    print(render.as_json(rows) if args.json else render.list_rows(rows))
    return 0


def cmd_folders(profile: Profile, args: argparse.Namespace) -> int:
    store = profile.store
    folders = [
        {
            "account": account.email,
            "name": f.name,
            "role": f.special_use,
            "messages": store.folders.count_in_folder(f.id),
        }
        for account in store.accounts.all()
        for f in store.folders.folders(account.id)
    ]
    if args.json:
        print(render.as_json(folders))
        return 0
    for f in folders:
        role = f"  {f['role']}" if f["role"] else ""
        print(f"{f['account']}  {f['name']}{role}  ({f['messages']})")
    return 0


def cmd_show(profile: Profile, args: argparse.Namespace) -> int:
    view = conversations.show(profile, args.id)
    if args.json:
        print(render.as_json(view))
    elif isinstance(view, conversations.ConversationView):
        print(render.conversation(view))
    else:
        print(render.message(view))
    return 0


def cmd_save_attachment(profile: Profile, args: argparse.Namespace) -> int:
    store = profile.store
    target_ids = [args.id]
    if store.mailbox.has_message(args.id):
        conversations.ensure_plain_content(profile, store.mailbox.message(args.id))
    else:
        conversation_id = conversations.resolve_conversation(profile, args.id)
        target_ids = [m.id for m in store.mailbox.messages(conversation_id=conversation_id)]
    holder = next(
        (
            mid
            for mid in target_ids
            if any(a.name == args.name for a in store.mailbox.attachments(mid))
        ),
        args.id,
    )
    needs_relay = store.relay.enrollment() is not None
    with Connections(profile) as conn:
        path = save_attachment(
            profile, conn.relay if needs_relay else None, holder, args.name, Path(args.to)
        )
    print(path)
    return 0


def cmd_outbox(profile: Profile, args: argparse.Namespace) -> int:
    jobs = profile.store.outbox.jobs(include_done=args.all)
    print(render.as_json(jobs) if args.json else render.outbox(jobs))
    return 0


def cmd_assign(profile: Profile, args: argparse.Namespace) -> int:
    conversations.assign(profile, args.id, to=args.to)
    print(f"Toegewezen aan / assigned to {args.to}.")
    return 0


def cmd_review(profile: Profile, args: argparse.Namespace) -> int:
    conversations.mark_reviewed(profile, args.id)
    print("Gemarkeerd als beoordeeld / marked as reviewed.")
    return 0


# --- parsers ---------------------------------------------------------------------------


def register(subparsers: Any) -> None:
    common = _common()

    def add(name: str, handler: Handler, help_text: str, sub: Any = subparsers) -> Any:
        parser = sub.add_parser(name, parents=[common], help=help_text, description=help_text)
        parser.set_defaults(handler=_run(handler))
        return parser

    account = subparsers.add_parser("account", help="mail accounts")
    account_sub = account.add_subparsers(dest="account_command", metavar="ACTION", required=True)
    p = add("add", cmd_account_add, "add a mail account (tests the connection first)", account_sub)
    p.add_argument("--email", required=True)
    p.add_argument("--provider", choices=["microsoft", "google"])
    p.add_argument("--tenant")
    p.add_argument("--client-id")
    p.add_argument("--device-code", action="store_true")
    p.add_argument("--imap-host")
    p.add_argument("--imap-port", type=int)
    p.add_argument("--imap-security", choices=["ssl", "starttls", "none"], default="ssl")
    p.add_argument("--smtp-host")
    p.add_argument("--smtp-port", type=int)
    p.add_argument("--smtp-security", choices=["ssl", "starttls", "none"], default="starttls")
    p.add_argument("--username")
    p.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    p.add_argument("--ca-file", type=Path, help="trust this CA or self-signed certificate")
    p.add_argument("--name", help="your name as recipients see it")
    p.add_argument("--organisation", help="your organisation as recipients see it")
    p.add_argument("--no-test", action="store_true", help=argparse.SUPPRESS)
    p = add("reauth", cmd_account_reauth, "sign in again (Microsoft/Google)", account_sub)
    p.add_argument("email", nargs="?", help="the account (default: the only one)")
    p.add_argument("--email", dest="email_option", metavar="EMAIL", help=argparse.SUPPRESS)
    p.add_argument("--device-code", action="store_true")
    add("list", cmd_account_list, "list mail accounts", account_sub)
    p = add("password", cmd_account_password, "store a changed password (tested)", account_sub)
    p.add_argument("--email", required=True)
    p.add_argument("--password-stdin", action="store_true")

    p = add("enroll", cmd_enroll, "enroll this workstation with the relay")
    p.add_argument("--relay", required=True, metavar="URL")
    p.add_argument("--code", help="enrollment code (read from stdin when left out)")
    p.add_argument("--device-name")
    p.add_argument("--ca-file", type=Path)

    org = subparsers.add_parser("org", help="organisations and their access codes")
    org_sub = org.add_subparsers(dest="org_command", metavar="ACTION", required=True)
    p = add("add", cmd_org_add, "add an organisation", org_sub)
    p.add_argument("name")
    p.add_argument("--domain", action="append", required=True)
    _add_access_code(p, "the organisation's access code")
    p.add_argument("--contact", help="contact person (name, phone)")
    p = add("edit", cmd_org_edit, "change an organisation's name, domains or contact", org_sub)
    p.add_argument("name")
    p.add_argument("--rename", metavar="NEW_NAME")
    p.add_argument("--domain", action="append", help="replaces all domains when given")
    p.add_argument("--contact")
    p = add("code", cmd_org_code, "show (or --set) an organisation's access code", org_sub)
    p.add_argument("name")
    p.add_argument("--set", metavar="NEW_CODE", help="rotate: store a new access code")
    p = add(
        "delete",
        cmd_org_delete,
        "delete an organisation with its domains and access code (messages sent stay)",
        org_sub,
    )
    p.add_argument("name")
    p.add_argument(
        "--detach-contacts",
        action="store_true",
        help="delete it even when contacts belong to it: they stay without an organisation",
    )
    p = add("list", cmd_org_list, "list organisations", org_sub)
    p.add_argument("--json", action="store_true")

    contact = subparsers.add_parser("contact", help="contacts")
    contact_sub = contact.add_subparsers(dest="contact_command", metavar="ACTION", required=True)
    p = add("add", cmd_contact_add, "add or update a contact", contact_sub)
    p.add_argument("email")
    p.add_argument("--name")
    p.add_argument("--mobile")
    p.add_argument("--org", metavar="NAME")
    p = add("delete", cmd_contact_delete, "delete a contact (messages sent stay)", contact_sub)
    p.add_argument("email")
    contacts = subparsers.add_parser("contacts", help="the address book")
    contacts_sub = contacts.add_subparsers(dest="contacts_command", metavar="ACTION", required=True)
    p = add("import", cmd_contacts_import, "import contacts from CSV or vCard", contacts_sub)
    p.add_argument("file")
    p = add("list", cmd_contacts_list, "list contacts", contacts_sub)
    p.add_argument("--json", action="store_true")

    p = add("send", cmd_send, "send a secure message (prints its id)")
    p.add_argument("--to", action="append", required=True, metavar="EMAIL")
    method = p.add_mutually_exclusive_group()
    method.add_argument("--access-code", metavar="CODE")
    method.add_argument(
        "--access-code-stdin", action="store_true", help="read the access code from stdin"
    )
    method.add_argument("--sms", metavar="MOBILE")
    method.add_argument("--email-code", action="store_true")
    method.add_argument("--plain", action="store_true", help="send WITHOUT protection")
    p.add_argument("--subject", required=True)
    _add_body(p)

    p = add("sync", cmd_sync, "sync mail, relay events and the outbox")
    p.add_argument("--watch", action="store_true", help="keep running (IMAP IDLE, feed)")

    p = add("list", cmd_list, "list conversations and mail")
    p.add_argument("--json", action="store_true")
    p.add_argument("--to-review", action="store_true")
    p.add_argument("--search", metavar="TEXT")
    p.add_argument("--limit", type=int, default=200)
    p.add_argument("--folder", metavar="NAME", help="only mail in this folder (or role: sent)")

    p = add("folders", cmd_folders, "list the synced mail folders")
    p.add_argument("--json", action="store_true")

    p = add("show", cmd_show, "show a conversation or message with recipients and timeline")
    p.add_argument("id")
    p.add_argument("--json", action="store_true")

    p = add("save-attachment", cmd_save_attachment, "save an attachment")
    p.add_argument("id")
    p.add_argument("name")
    p.add_argument("--to", required=True, metavar="PATH")

    p = add("reply", cmd_reply, "reply securely in the thread")
    p.add_argument("id")
    _add_access_code(p, "the code of a one-off access code")
    _add_body(p)

    p = add("resend", cmd_resend, "send a fresh notification (new link)")
    p.add_argument("id", help="message id")
    p.add_argument("--recipient", required=True, metavar="EMAIL")
    p.add_argument("--to-address", metavar="NEW", help="send it to another address")
    _add_access_code(p, "the code of a one-off access code")
    p.add_argument("--kdf-iterations", type=int, default=DEFAULT_ITERATIONS, help=argparse.SUPPRESS)

    p = add("revoke", cmd_revoke, "revoke a message (or all sent in a conversation)")
    p.add_argument("id")

    p = add("outbox", cmd_outbox, "show what waits in the outbox")
    p.add_argument("--json", action="store_true")
    p.add_argument("--all", action="store_true", help="include finished items")

    p = add("assign", cmd_assign, "assign a conversation to an adviser")
    p.add_argument("id")
    p.add_argument("--to", required=True, metavar="EMAIL")

    p = add("review", cmd_review, "mark a conversation as reviewed")
    p.add_argument("id")
