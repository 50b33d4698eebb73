"""`zivverdesk relay serve` and `zivverdesk relay admin …`: run the relay and administer it."""

from __future__ import annotations

import argparse
import gc
import json
import os
import signal
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from zivverdesk.core.errors import UsageError
from zivverdesk.relay.settings import RelaySettings, load_settings


def register(subparsers: Any) -> None:
    relay = subparsers.add_parser("relay", help="run or administer the relay server")
    sub = relay.add_subparsers(dest="relay_command", metavar="COMMAND", required=True)

    serve = sub.add_parser("serve", help="run the relay server")
    _common(serve)
    serve.add_argument("--host", help="address to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=int, help="port to listen on (default 8080)")
    serve.add_argument("--public-url", help="address recipients use, e.g. https://relay.example")
    serve.add_argument("--tls-cert", help="serve HTTPS with this certificate (PEM)")
    serve.add_argument("--tls-key", help="private key of --tls-cert (PEM)")
    serve.add_argument(
        "--workers", type=int, default=1, help="server processes sharing the port (default 1)"
    )
    serve.set_defaults(handler=_serve)

    admin = sub.add_parser("admin", help="administer users, devices, audit trail, retention")
    _common(admin)
    acts = admin.add_subparsers(dest="admin_command", metavar="ACTION", required=True)
    add = acts.add_parser("add-user", help="add a user and print a one-time enrollment code")
    add.add_argument("email")
    add.add_argument("--name", default="")
    add.add_argument("--json", action="store_true", help="print JSON")
    add.set_defaults(handler=_add_user)
    lst = acts.add_parser("list-users", help="list users and their devices")
    lst.add_argument("--json", action="store_true", help="print JSON")
    lst.set_defaults(handler=_list_users)
    dis = acts.add_parser("disable-user", help="disable a user and revoke all their devices")
    dis.add_argument("email")
    dis.set_defaults(handler=_disable_user)
    rev = acts.add_parser("revoke-device", help="revoke one device (its token stops working)")
    rev.add_argument("device_id")
    rev.set_defaults(handler=_revoke_device)
    aud = acts.add_parser("audit", help="check or export the audit trail")
    aud_sub = aud.add_subparsers(dest="audit_command", metavar="ACTION", required=True)
    ver = aud_sub.add_parser("verify", help="check the hash chain of the audit trail")
    ver.set_defaults(handler=_audit_verify)
    exp = aud_sub.add_parser("export", help="write the audit trail as CSV or JSON")
    exp.add_argument("--since", help="only entries from this date (YYYY-MM-DD or RFC 3339)")
    exp.add_argument("--format", choices=("csv", "json"), default="csv")
    exp.add_argument("--output", help="file to write (default: standard output)")
    exp.set_defaults(handler=_audit_export)
    pur = acts.add_parser("purge-expired", help="delete content of expired and revoked messages")
    pur.set_defaults(handler=_purge)


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data", required=True, help="the relay's data folder")
    parser.add_argument("--database", help="postgresql://… (default: SQLite in --data)")
    parser.add_argument("--config", help="settings file (TOML)")


def _settings(args: argparse.Namespace, **extra: Any) -> RelaySettings:
    return load_settings(
        data_dir=Path(args.data),
        config_file=args.config,
        overrides={"database": args.database, **extra},
    )


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from zivverdesk.relay import workers
    from zivverdesk.relay.api.uploads import send_from_mappings
    from zivverdesk.relay.app import create_app

    overrides = {"host": args.host, "port": args.port, "public_url": args.public_url}
    settings = _settings(args, **overrides)
    if bool(args.tls_cert) != bool(args.tls_key):
        raise UsageError("--tls-cert and --tls-key go together.")
    if not 1 <= args.workers <= 64:
        raise UsageError("--workers must be between 1 and 64.")
    # Handlers run in worker threads; the default 5 ms GIL switch interval would add up to
    # 5 ms to every hand-over between the event loop and a worker.
    sys.setswitchinterval(0.0005)
    send_from_mappings(not args.tls_cert)
    app: Any = create_app(settings)
    _freeze_startup_objects()
    options: dict[str, Any] = {
        "host": settings.host,
        "port": settings.port,
        "log_level": settings.log_level,
        "server_header": False,  # no version banner
        "access_log": False,  # paths carry message and recipient ids; the audit trail logs access
        "ssl_certfile": args.tls_cert,
        "ssl_keyfile": args.tls_key,
        "timeout_graceful_shutdown": 5,
        "timeout_keep_alive": 30,  # browsers and desktops reuse connections between steps
        # The standard loop, also where uvloop is installed: libuv accepts one connection per
        # loop iteration, so under load new visitors queued ~0.6 s in the listen backlog
        # while connections already open were served; asyncio accepts all that wait, and
        # with the request work on the loop it costs no more CPU (docs/BENCHMARKS.md).
        "loop": "asyncio",
    }
    if args.workers == 1:
        uvicorn.run(app, **options)
        return 0
    # Each worker process builds the app itself from the same inputs (all state is in the
    # database and the blob folder, so processes need not share anything else).
    os.environ[SERVE_ARGS_ENV] = json.dumps(
        {
            "data": args.data,
            "config": args.config,
            "overrides": {"database": args.database, **overrides},
            "supervisor": os.getpid(),
            "tls": bool(args.tls_cert),
        }
    )
    factory = "zivverdesk.relay.commands:app_from_environment"
    if not workers.own_sockets_possible():
        uvicorn.run(factory, factory=True, workers=args.workers, **options)
        return 0
    config = uvicorn.Config(factory, factory=True, workers=args.workers, **options)
    sockets = workers.listening_sockets(settings.host, settings.port, args.workers, config.backlog)
    return workers.Workers(config, sockets).run()


SERVE_ARGS_ENV = "ZIVVERDESK_SERVE_ARGS"


def app_from_environment() -> Any:
    """The app of one worker process of `relay serve --workers N`."""
    from zivverdesk.relay.api.uploads import send_from_mappings
    from zivverdesk.relay.app import create_app

    sys.setswitchinterval(0.0005)
    spec = json.loads(os.environ[SERVE_ARGS_ENV])
    send_from_mappings(not spec["tls"])
    settings = load_settings(
        data_dir=Path(spec["data"]), config_file=spec["config"], overrides=spec["overrides"]
    )
    app = create_app(settings)
    _freeze_startup_objects()
    _end_with_supervisor(spec["supervisor"])
    return app


def _end_with_supervisor(supervisor: int) -> None:
    """A worker ends when the process that started it is gone (killed, or crashed): alone
    it would go on serving on the port, and the relay started again after such a crash
    could not listen there."""

    def watch() -> None:
        while os.getppid() == supervisor:
            time.sleep(1)
        os.kill(os.getpid(), signal.SIGTERM)  # uvicorn's own orderly shutdown

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def _freeze_startup_objects() -> None:
    """Leave what start-up built (~120,000 objects: modules, the app, SQLAlchemy's schema)
    out of the garbage collector's future passes: a full collection over all of it stopped
    a worker for 30-100 ms at random moments under load, the slowest requests' delay."""
    gc.collect()
    gc.freeze()


def _context(args: argparse.Namespace) -> Any:
    from zivverdesk.relay.app import open_context

    return open_context(_settings(args))


def _add_user(args: argparse.Namespace) -> int:
    from zivverdesk.relay import accounts

    ctx = _context(args)
    with ctx.db.write() as conn:
        user_id, code = accounts.add_user(
            conn, args.email, args.name, ctx.settings.limits.enrollment_ttl
        )
    hours = ctx.settings.limits.enrollment_ttl // 3600
    if args.json:
        print(json.dumps({"user_id": user_id, "code": code.reveal(), "expires_hours": hours}))
    else:
        print(f"User {args.email} ({user_id})")
        print(f"Enrollment code (one use, valid {hours} hours): {code.reveal()}")
    return 0


def _list_users(args: argparse.Namespace) -> int:
    from zivverdesk.relay import accounts

    ctx = _context(args)
    with ctx.db.read() as conn:
        rows = accounts.list_users(conn)
        for row in rows:
            row["device_list"] = accounts.user_devices(conn, str(row["id"]))
    if args.json:
        print(json.dumps(rows, indent=1))
        return 0
    for row in rows:
        state = "disabled" if row["disabled"] else "active"
        print(f"{row['email']}\t{row['name']}\t{state}\t{row['devices']} device(s)\t{row['id']}")
        for dev in row["device_list"]:
            revoked = f" revoked {dev['revoked']}" if dev["revoked"] else ""
            print(f"    device {dev['id']}  {dev['name']}  {dev['fingerprint']}{revoked}")
    return 0


def _disable_user(args: argparse.Namespace) -> int:
    from zivverdesk.relay import accounts

    ctx = _context(args)
    with ctx.db.write() as conn:
        accounts.disable_user(conn, args.email)
    print(f"User {args.email} is disabled; their devices are revoked.")
    return 0


def _revoke_device(args: argparse.Namespace) -> int:
    from zivverdesk.relay import accounts

    ctx = _context(args)
    with ctx.db.write() as conn:
        accounts.revoke_device(conn, args.device_id)
    print(f"Device {args.device_id} is revoked.")
    return 0


def _audit_verify(args: argparse.Namespace) -> int:
    from zivverdesk.relay import audit

    ctx = _context(args)
    with ctx.db.read() as conn:
        result = audit.verify(conn)
    if result.ok:
        print(f"Audit trail intact: {result.entries} entries.")
        return 0
    print(
        f"Audit trail broken at entry {result.first_bad_seq}: {result.reason} "
        f"({result.entries} entries before it are intact).",
        file=sys.stderr,
    )
    return 1


def _audit_export(args: argparse.Namespace) -> int:
    from zivverdesk.relay import audit

    since = None
    if args.since:
        try:
            since = datetime.fromisoformat(args.since.replace("Z", "+00:00"))
        except ValueError:
            raise UsageError(f"--since {args.since!r} is not a date.") from None
        if since.tzinfo is None:
            since = since.replace(tzinfo=UTC)
    ctx = _context(args)
    with ctx.db.read() as conn:
        rows = audit.export_rows(conn, since=since)
        text = audit.to_csv(rows) if args.format == "csv" else audit.to_json(rows)
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


def _purge(args: argparse.Namespace) -> int:
    from zivverdesk.relay.retention import purge

    ctx = _context(args)
    report = purge(ctx.db, ctx.blobs, ctx.settings)
    print(
        f"Purged {report.messages} expired or revoked message(s), {report.abandoned} abandoned "
        f"upload(s), {report.blobs} blob(s), {report.partials} stale partial file(s)."
    )
    return 0
