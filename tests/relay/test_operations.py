"""Operating the relay: settings validation, the admin CLI, the audit trail and its tamper
detection, retention, and request size limits."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from tests.plugins.relay import RelayFactory, RelayProcess
from tests.relay.helpers import create_message, recipient_client, unique_email, verify
from zivverdesk.relay.settings import SettingsError, load_settings


def test_settings_from_file_env_and_overrides(tmp_path: Path) -> None:
    config = tmp_path / "relay.toml"
    config.write_text(
        'public_url = "https://relay.example.test"\n[limits]\nmax_attempts = 7\n'
        '[office]\nname = "Kantoor"\n',
        encoding="utf-8",
    )
    env = {
        "ZIVVERDESK_RELAY_LIMITS_MAX_ATTEMPTS": "6",
        "ZIVVERDESK_RELAY_SMTP_PORT": "2525",
        "ZIVVERDESK_RELAY_LIMITS_LOCKOUT_STEPS": "60,120",
        "OTHER": "x",
    }
    s = load_settings(
        data_dir=tmp_path,
        config_file=config,
        environ=env,
        overrides={"port": 9000, "database": None},
    )
    assert s.public_url == "https://relay.example.test" and s.port == 9000
    assert s.limits.max_attempts == 6 and s.limits.lockout_steps == (60, 120)
    assert s.smtp.port == 2525 and s.office.name == "Kantoor"
    assert s.database_url.startswith("sqlite:///")


@pytest.mark.parametrize(
    ("text", "env", "message"),
    [
        ("[limits]\nmax_attempts = 0\n", {}, "limits.max_attempts"),
        ('[smtp]\ntls = "maybe"\n', {}, "smtp.tls"),
        ('[smtp]\nhost = "mail"\n', {}, "smtp.from_address"),
        ('[sms]\ngateway = "file"\n', {}, "sms.file"),
        ("colour = 1\n", {}, "Unknown relay setting 'colour'"),
        ("[office]\nnaam = 1\n", {}, "office.naam"),
        ("", {"ZIVVERDESK_RELAY_PORT": "eighty"}, "port must be a int"),
        ('public_url = "ftp://x"\n', {}, "public_url"),
        ("[limits\n", {}, "cannot be read"),
    ],
)
def test_bad_settings_are_named(
    tmp_path: Path, text: str, env: dict[str, str], message: str
) -> None:
    config = tmp_path / "relay.toml"
    config.write_text(text, encoding="utf-8")
    with pytest.raises(SettingsError, match=message.replace(".", r"\.").replace("(", r"\(")):
        load_settings(data_dir=tmp_path, config_file=config, environ=env)


def test_serve_refuses_bad_settings_with_one_line(tmp_path: Path) -> None:
    config = tmp_path / "relay.toml"
    config.write_text("[limits]\nlockout_steps = [900, -1]\n", encoding="utf-8")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "zivverdesk",
            "relay",
            "serve",
            "--data",
            str(tmp_path / "d"),
            "--config",
            str(config),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "zivverdesk: limits.lockout_steps must be a list of positive seconds."
    ]


@pytest.fixture(scope="module")
def audited(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A stopped relay's data folder with a few dozen audit entries."""
    folder = tmp_path_factory.mktemp("audited")
    relay = RelayProcess(folder / "data").start()
    try:
        sender = relay.enroll_device(unique_email("audit"), "Auditor")
        for _ in range(3):
            msg = create_message(relay, sender)
            with recipient_client(relay) as client:
                verify(client, msg, msg.recipients[0])
                client.get(f"/api/v1/r/{msg.message_id}/{msg.recipients[0].recipient_id}/thread")
    finally:
        relay.stop()
    return folder / "data"


def _copy(data: Path, tmp_path: Path) -> Path:
    target = tmp_path / "copy"
    shutil.copytree(data, target)
    return target


def _verify(data: Path) -> tuple[bool, int | None, str]:
    from zivverdesk.relay import audit
    from zivverdesk.relay.db.engine import Database

    db = Database(f"sqlite:///{data / 'relay.sqlite3'}", pool_size=1)
    try:
        with db.read() as conn:
            result = audit.verify(conn)
    finally:
        db.dispose()
    return result.ok, result.first_bad_seq, result.reason


def _tamper(data: Path, *statements: str) -> None:
    conn = sqlite3.connect(data / "relay.sqlite3")
    with conn:
        for statement in statements:
            conn.execute(statement)
    conn.close()


def test_audit_intact_and_cli(audited: Path, tmp_path: Path) -> None:
    assert _verify(audited)[0]
    data = _copy(audited, tmp_path)
    ok = RelayProcess(data).admin("audit", "verify")
    assert ok.returncode == 0 and "intact" in ok.stdout
    _tamper(data, "UPDATE audit_log SET result = 'ok' WHERE seq = 5")
    _tamper(data, "UPDATE audit_log SET ip = '10.0.0.9' WHERE seq = 4")
    broken = RelayProcess(data).admin("audit", "verify", check=False)
    assert broken.returncode == 1
    assert "broken at entry 4" in broken.stderr


@pytest.mark.parametrize(
    ("statements", "bad"),
    [
        (["UPDATE audit_log SET actor = 'admin' WHERE seq = 6"], 6),
        (["DELETE FROM audit_log WHERE seq = 7"], 7),
        (
            [
                "UPDATE audit_log SET seq = seq + 1000 WHERE seq >= 3",
                "INSERT INTO audit_log (seq, at, event, actor, on_behalf_of, ip, user_agent, "
                "result, detail, prev_hash, hash) SELECT 3, at, 'verify', actor, on_behalf_of, "
                "ip, user_agent, result, detail, prev_hash, 'f' || substr(hash, 2) "
                "FROM audit_log WHERE seq = 1002",
                "UPDATE audit_log SET seq = seq - 999 WHERE seq >= 1003",
            ],
            3,
        ),
        (
            [
                "UPDATE audit_log SET seq = -1 WHERE seq = 8",
                "UPDATE audit_log SET seq = 8 WHERE seq = 9",
                "UPDATE audit_log SET seq = 9 WHERE seq = -1",
            ],
            8,
        ),
        (["DELETE FROM audit_log WHERE seq = (SELECT max(seq) FROM audit_log)"], None),
    ],
)
def test_audit_tampering_is_found(
    audited: Path, tmp_path: Path, statements: list[str], bad: int | None
) -> None:
    data = _copy(audited, tmp_path)
    _tamper(data, *statements)
    ok, first_bad, reason = _verify(data)
    assert not ok, reason
    if bad is None:  # cut off the end: found through the head record
        assert "removed" in reason
    else:
        assert first_bad == bad, reason


def test_audit_export(audited: Path, tmp_path: Path) -> None:
    data = _copy(audited, tmp_path)
    relay = RelayProcess(data)
    out = tmp_path / "audit.json"
    relay.admin("audit", "export", "--format", "json", "--output", str(out))
    rows = json.loads(out.read_text())
    assert rows[0]["seq"] == 1 and {"event", "actor", "ip", "user_agent", "result"} <= set(rows[0])
    assert {"message_created", "verify", "opened"} <= {r["event"] for r in rows}
    csv_text = relay.admin("audit", "export", "--since", "2000-01-01").stdout
    assert csv_text.splitlines()[0].startswith("seq,at,event,actor")
    assert len(csv_text.splitlines()) == len(rows) + 1
    future = relay.admin("audit", "export", "--since", "2999-01-01").stdout
    assert len(future.splitlines()) == 1


def test_admin_users_and_purge(relay_factory: RelayFactory) -> None:
    relay = relay_factory()
    email = unique_email("dora")
    sender = relay.enroll_device(email, "Dora")
    listed = json.loads(relay.admin("list-users", "--json").stdout)
    assert [u["email"] for u in listed] == [email] and listed[0]["devices"] == 1
    soon = datetime.fromtimestamp(time.time() + 2, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    expiring = create_message(relay, sender, expires_at=soon)
    keeper = create_message(relay, sender)
    blob = relay.data_dir / "blobs" / expiring.blob_ids[0][:2] / expiring.blob_ids[0]
    assert blob.exists()
    deadline = time.monotonic() + 10
    while (
        datetime.now(UTC).timestamp()
        < datetime.fromisoformat(soon.replace("Z", "+00:00")).timestamp()
    ):
        assert time.monotonic() < deadline
        time.sleep(0.1)
    purged = relay.admin("purge-expired").stdout
    assert "Purged 1 expired" in purged
    assert not blob.exists()
    keep_blob = relay.data_dir / "blobs" / keeper.blob_ids[0][:2] / keeper.blob_ids[0]
    assert keep_blob.exists()
    events = httpx.get(f"{relay.url}/api/v1/events", headers=sender.headers).json()["items"]
    assert ("expired", expiring.message_id) in {(e["kind"], e["message_id"]) for e in events}
    audit_rows = json.loads(relay.admin("audit", "export", "--format", "json").stdout)
    assert any(
        r["event"] == "content_deleted" and r["message_id"] == expiring.message_id
        for r in audit_rows
    )
    relay.admin("disable-user", email)
    assert httpx.get(f"{relay.url}/api/v1/me", headers=sender.headers).status_code == 401


def test_json_bodies_are_limited(relay_server: RelayProcess) -> None:
    big = b'{"code": "' + b"x" * (1024 * 1024 + 10) + b'"}'
    r = httpx.post(
        f"{relay_server.url}/api/v1/enroll",
        content=big,
        headers={"Content-Type": "application/json"},
    )
    assert r.status_code == 413 and r.json()["error"] == "too_large"
