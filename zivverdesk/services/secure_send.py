"""Send securely (S2, S3, S5): check, queue, encrypt, upload, commit, notify, report.

    queued = queue_secure(profile, SecureDraft(...))   # local only; raises before queueing
    run_job(profile, queued.job_id)                    # the outbox runner does the rest

Order of guarantees:
1. Every recipient's verification method is resolved first; one missing → nothing is
   stored, queued or sent (`RecipientsIncomplete`).
2. The message, its recipients and the outbox job are written in one transaction before any
   network traffic, so a crash never loses a send the user saw accepted.
3. The steps run in order and each is recorded when done (`Outbox.finish_step`); a restart
   resumes at the first unfinished step. The relay's create/commit are idempotent on the
   client-chosen ids; a notification is sent once per recipient step.
4. There is no path to plain mail: a failing step leaves the job waiting with its reason.
"""

from __future__ import annotations

import hashlib
import io
import mimetypes
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, BinaryIO

from zivverdesk.core.errors import ZivverdeskError
from zivverdesk.core.model import VerificationMethod, new_id
from zivverdesk.core.secret import Secret
from zivverdesk.crypto.encoding import b64url_decode, b64url_encode
from zivverdesk.crypto.hpke import seal_cek
from zivverdesk.crypto.identity import PublicIdentity
from zivverdesk.crypto.keyschedule import (
    DEFAULT_ITERATIONS,
    MANIFEST_BLOB_ID,
    file_key,
    new_cek,
    reply_cek,
    seal_for_link_recipient,
)
from zivverdesk.crypto.manifest import (
    AttachmentEntry,
    Manifest,
    ManifestRecipient,
    Sender,
    encode_manifest,
)
from zivverdesk.crypto.stream import encrypt_stream
from zivverdesk.relayclient.client import RelayClient
from zivverdesk.relayclient.transfers import upload_blob
from zivverdesk.services.connections import Connections
from zivverdesk.services.notify import send_notification
from zivverdesk.services.profile import Profile
from zivverdesk.services.recipients import RecipientRequest, ResolvedRecipient, resolve_recipients
from zivverdesk.store.addressbook import mail_domain

KIND = "secure_send"
#: A cap that keeps a send within what the relay accepts by default; the relay enforces its own.
MAX_ATTACHMENT_BYTES = 2 * 1024**3

Progress = Any  # Callable[[str, int, int | None], None]: (phase, done, total)


class AttachmentProblem(ZivverdeskError):
    code = "attachment"


@dataclass(frozen=True, kw_only=True)
class SecureDraft:
    recipients: list[RecipientRequest]
    subject: str
    body: str
    attachments: list[Path] = field(default_factory=list)
    conversation_id: str | None = None
    in_reply_to: str | None = None
    shared: bool | None = None  # None: the user's "share with the team" setting
    expires_days: int | None = None
    #: Key derivation cost for access-code recipients (tests and benchmarks may lower it
    #: within the protocol's accepted range).
    kdf_iterations: int = DEFAULT_ITERATIONS


@dataclass(frozen=True)
class Queued:
    message_id: str
    conversation_id: str
    job_id: str


def queue_secure(
    profile: Profile,
    draft: SecureDraft,
    *,
    cek: Secret[bytes] | None = None,
    message_id: str | None = None,
) -> Queued:
    """Check everything that can be checked locally, then store and queue the message."""
    resolved = resolve_recipients(profile.store.addressbook, draft.recipients)
    account = profile.account()
    enrollment = profile.enrollment()
    files = [_describe_attachment(path) for path in draft.attachments]
    message_id = message_id or new_id()
    conversation_id = draft.conversation_id or new_id()
    key = cek or new_cek()
    shared = (
        draft.shared if draft.shared is not None else bool(profile.settings.get("share_with_team"))
    )
    days = draft.expires_days or int(profile.settings.get("default_expiry_days"))
    expires = (datetime.now(UTC) + timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%SZ")
    recipients = [(new_id(), r) for r in resolved]
    store = profile.store
    with store.db.transaction():
        store.mailbox.ensure_conversation(
            conversation_id,
            account_id=account.id,
            kind="secure",
            subject=draft.subject,
            shared=shared,
        )
        store.mailbox.add_message(
            message_id=message_id,
            account_id=account.id,
            conversation_id=conversation_id,
            kind="secure",
            direction="out",
            sender=account.email,
            recipients=", ".join(r.address for _, r in recipients),
            subject=draft.subject,
            body=draft.body,
            in_reply_to=draft.in_reply_to,
            has_attachments=bool(files),
        )
        store.secure.add(
            message_id=message_id, relay_url=enrollment.relay_url, cek=key, expires_at=expires
        )
        for recipient_id, r in recipients:
            store.secure.add_recipient(
                recipient_id=recipient_id,
                message_id=message_id,
                address=r.address,
                name=r.name,
                method=r.method,
                phone=r.phone,
            )
        for f in files:
            store.mailbox.add_attachment(
                attachment_id=f["blob_id"],
                message_id=message_id,
                name=f["name"],
                size=f["size"],
                media_type=f["media_type"],
                sha256=f["sha256"],
            )
        job_id = store.outbox.enqueue(
            kind=KIND,
            message_id=message_id,
            payload={
                "account_id": account.id,
                "conversation_id": conversation_id,
                "in_reply_to": draft.in_reply_to,
                "shared": shared,
                "expires_at": expires,
                "kdf_iterations": draft.kdf_iterations,
                "manifest_blob_id": new_id(),
                "recipients": [_recipient_payload(rid, r) for rid, r in recipients],
                "attachments": files,
            },
        )
    return Queued(message_id=message_id, conversation_id=conversation_id, job_id=job_id)


def _recipient_payload(recipient_id: str, r: ResolvedRecipient) -> dict[str, Any]:
    return {
        "recipient_id": recipient_id,
        "address": r.address,
        "name": r.name,
        "method": r.method.value,
        "phone": r.phone,
        # Only until the "encrypt" step has wrapped the CEK; then it is dropped.
        "access_code": r.access_code.reveal() if r.access_code is not None else None,
    }


def _describe_attachment(path: Path) -> dict[str, Any]:
    try:
        size = path.stat().st_size
        digest = hashlib.sha256()
        with path.open("rb") as fh:
            while chunk := fh.read(1024 * 1024):
                digest.update(chunk)
    except OSError as exc:
        raise AttachmentProblem(
            f"Bijlage {path} is niet te lezen ({exc.strerror}). / Attachment cannot be read."
        ) from exc
    if not path.is_file():
        raise AttachmentProblem(f"Bijlage {path} is geen bestand. / Attachment is not a file.")
    if size > MAX_ATTACHMENT_BYTES:
        raise AttachmentProblem(f"Bijlage {path.name} is te groot. / Attachment too large.")
    media_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return {
        "blob_id": new_id(),
        "path": str(path.resolve()),
        "name": path.name,
        "size": size,
        "media_type": media_type,
        "sha256": digest.hexdigest(),
    }


# --- steps ---------------------------------------------------------------------------


def steps(payload: dict[str, Any]) -> list[str]:
    names = ["encrypt", "create"]
    names += [f"upload:{b['blob_id']}" for b in _blob_list(payload)]
    names.append("commit")
    for r in payload["recipients"]:
        names += [f"notify:{r['recipient_id']}", f"report:{r['recipient_id']}"]
    return names


def _blob_list(payload: dict[str, Any]) -> list[dict[str, Any]]:
    """The blobs as the relay lists them: the manifest first (known after "encrypt")."""
    blobs: list[dict[str, Any]] = payload.get("blobs") or [
        {"blob_id": payload["manifest_blob_id"]},
        *({"blob_id": a["blob_id"]} for a in payload["attachments"]),
    ]
    return blobs


def run_step(
    profile: Profile,
    job_id: str,
    message_id: str,
    step: str,
    payload: dict[str, Any],
    conn: Connections,
    progress: Progress | None,
) -> dict[str, Any]:
    """Do one step; returns the payload (changed by "encrypt")."""
    name, _, arg = step.partition(":")
    store = profile.store
    if name == "encrypt":
        payload = _encrypt(profile, message_id, payload, progress)
        # The payload (with link secrets) and the step mark land in one transaction.
        with store.db.transaction():
            store.outbox.update_payload(job_id, payload)
            store.outbox.finish_step(job_id, step)
        return payload
    if name == "create":
        conn.relay.create_message(_create_body(profile, message_id, payload, conn.relay))
    elif name == "upload":
        path = profile.spool_dir / message_id / arg
        upload_blob(
            conn.relay,
            arg,
            path,
            progress=(lambda done, total: progress("upload", done, total)) if progress else None,
        )
    elif name == "commit":
        conn.relay.commit(message_id)
        store.secure.mark_committed(message_id)
    elif name == "notify":
        notify_link_recipient(
            profile, message_id, arg, _recipient(payload, arg), payload["account_id"]
        )
    elif name == "report":
        report_notification_outcome(profile, conn.relay, message_id, arg)
    else:
        raise ZivverdeskError(f"Unknown outbox step {step!r}.")
    store.outbox.finish_step(job_id, step)
    return payload


def notify_link_recipient(
    profile: Profile, message_id: str, recipient_id: str, entry: dict[str, Any], account_id: str
) -> None:
    """Mail the notification for one link recipient as an outbox payload describes it
    (`address`, `name`, `method`, `phone`, `link_secret`); used by sending and re-sending."""
    send_notification(
        profile,
        message_id=message_id,
        recipient_id=recipient_id,
        address=entry["address"],
        name=entry["name"],
        method=VerificationMethod(entry["method"]),
        phone=entry["phone"],
        link_secret=Secret(b64url_decode(entry["link_secret"], length=32)),
        subject=profile.store.mailbox.message(message_id).subject,
        account_id=account_id,
    )


def finish(profile: Profile, message_id: str, payload: dict[str, Any]) -> dict[str, Any]:
    """After the last step: drop the spool and the link secrets (no longer needed)."""
    profile.clear_spool(message_id)
    return {
        **payload,
        "recipients": [
            {k: v for k, v in r.items() if k not in ("link_secret", "access_code")}
            for r in payload["recipients"]
        ],
    }


def _recipient(payload: dict[str, Any], recipient_id: str) -> dict[str, Any]:
    for r in payload["recipients"]:
        if r["recipient_id"] == recipient_id:
            return dict(r)
    raise ZivverdeskError(f"Recipient {recipient_id} is not part of this send.")


def report_notification_outcome(
    profile: Profile, relay: RelayClient, message_id: str, recipient_id: str
) -> None:
    """Tell the relay whether the notification was accepted (it emits the feed event)."""
    timeline = profile.store.secure.timeline(message_id)
    refused = [
        e for e in timeline if e.recipient_id == recipient_id and e.kind == "notification_refused"
    ]
    if refused:
        relay.report_notification(
            message_id, recipient_id, accepted=False, detail=refused[-1].detail
        )
    else:
        relay.report_notification(message_id, recipient_id, accepted=True)


# --- encrypt ----------------------------------------------------------------------------


class _HashingReader:
    """Reads a file for encryption and hashes exactly the bytes that were encrypted."""

    def __init__(self, raw: BinaryIO) -> None:
        self._raw = raw
        self.digest = hashlib.sha256()
        self.size = 0

    def readinto(self, view: memoryview) -> int:
        got = self._raw.readinto(view)  # type: ignore[attr-defined]
        if got:
            self.digest.update(view[:got])
            self.size += got
        return int(got or 0)


def _encrypt(
    profile: Profile, message_id: str, payload: dict[str, Any], progress: Progress | None
) -> dict[str, Any]:
    store = profile.store
    cek = store.secure.cek(message_id)
    folder = profile.spool_dir / message_id
    folder.mkdir(parents=True, exist_ok=True)
    blobs: list[dict[str, Any]] = []

    manifest_bytes = encode_manifest(_manifest(profile, message_id, payload))
    manifest_path = folder / payload["manifest_blob_id"]
    with manifest_path.open("wb") as out:
        encrypt_stream(io.BytesIO(manifest_bytes), out, file_key(cek.reveal(), MANIFEST_BLOB_ID))
    blobs.append(_blob_entry(payload["manifest_blob_id"], manifest_path))

    for attachment in payload["attachments"]:
        path = folder / attachment["blob_id"]
        source = Path(attachment["path"])
        try:
            with source.open("rb", buffering=0) as raw, path.open("wb") as out:
                reader = _HashingReader(raw)
                encrypt_stream(
                    reader,  # type: ignore[arg-type]
                    out,
                    file_key(cek.reveal(), attachment["blob_id"]),
                    total=attachment["size"],
                    progress=(lambda d, t: progress("encrypt", d, t)) if progress else None,
                )
        except OSError as exc:
            raise AttachmentProblem(
                f"Bijlage {source} is niet meer te lezen ({exc.strerror}). / The attachment "
                "can no longer be read."
            ) from exc
        if reader.digest.hexdigest() != attachment["sha256"]:
            raise AttachmentProblem(
                f"Bijlage {source.name} is gewijzigd sinds het verzenden; verstuur opnieuw. / "
                "The attachment changed after sending; send again."
            )
        blobs.append(_blob_entry(attachment["blob_id"], path))

    iterations = int(payload.get("kdf_iterations") or DEFAULT_ITERATIONS)
    recipients = []
    for r in payload["recipients"]:
        code = r.get("access_code")
        envelope, link_secret = seal_for_link_recipient(
            cek,
            message_id=message_id,
            recipient_id=r["recipient_id"],
            method=VerificationMethod(r["method"]),
            access_code=Secret(code) if code is not None else None,
            iterations=iterations,
        )
        recipients.append(
            {
                **{k: v for k, v in r.items() if k != "access_code"},
                "link_secret": b64url_encode(link_secret.reveal()),
                "verifier": b64url_encode(envelope.verifier),
                "wrapped_cek": b64url_encode(envelope.wrapped_cek),
                "code_salt": b64url_encode(envelope.code_salt) if envelope.code_salt else None,
                "kdf_iterations": envelope.iterations,
            }
        )
    return {**payload, "blobs": blobs, "recipients": recipients}


def _blob_entry(blob_id: str, path: Path) -> dict[str, Any]:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(1024 * 1024):
            digest.update(chunk)
    return {"blob_id": blob_id, "size": path.stat().st_size, "sha256": digest.hexdigest()}


def _manifest(profile: Profile, message_id: str, payload: dict[str, Any]) -> Manifest:
    store = profile.store
    message = store.mailbox.message(message_id)
    account = store.accounts.get(payload["account_id"])
    enrollment = profile.enrollment()
    return Manifest(
        conversation_id=payload["conversation_id"],
        message_id=message_id,
        in_reply_to=payload.get("in_reply_to"),
        sender=Sender(
            name=account.display_name or enrollment.name or account.email,
            organisation=account.organisation or str(enrollment.office.get("name") or ""),
            address=account.email,
            key_fingerprint=profile.identity().public.fingerprint_hex,
        ),
        recipients=tuple(
            ManifestRecipient(address=r["address"], name=r["name"]) for r in payload["recipients"]
        ),
        subject=message.subject,
        body=store.mailbox.body(message_id) or "",
        created=message.date,
        attachments=tuple(
            AttachmentEntry(
                blob_id=a["blob_id"],
                name=a["name"],
                size=a["size"],
                media_type=a["media_type"],
                sha256=a["sha256"],
            )
            for a in payload["attachments"]
        ),
    )


# --- create --------------------------------------------------------------------------


def _create_body(
    profile: Profile, message_id: str, payload: dict[str, Any], relay: RelayClient
) -> dict[str, Any]:
    cek = profile.store.secure.cek(message_id).reveal()
    return {
        "message_id": message_id,
        "conversation_id": payload["conversation_id"],
        "in_reply_to": payload.get("in_reply_to"),
        "shared": bool(payload["shared"]),
        "expires_at": payload["expires_at"],
        "blobs": payload["blobs"],
        "sealed": sealed_for_team(profile, relay, cek, message_id, shared=bool(payload["shared"])),
        "recipients": [
            {
                "recipient_id": r["recipient_id"],
                "address": r["address"],
                "name": r["name"],
                "method": r["method"],
                "phone": r["phone"],
                "verifier": r["verifier"],
                "wrapped_cek": r["wrapped_cek"],
                "code_salt": r["code_salt"],
                "kdf_iterations": r["kdf_iterations"],
            }
            for r in payload["recipients"]
        ],
    }


def sealed_for_team(
    profile: Profile, relay: RelayClient, cek: bytes, message_id: str, *, shared: bool
) -> list[dict[str, str]]:
    """The CEK sealed to this user's devices, and to every colleague when shared (the
    relay's key directory). This device's own key is always included."""
    me = profile.enrollment().user_id
    own = profile.identity().public.to_b64url()
    sealed: dict[str, str] = {}
    own_found = False
    for colleague in relay.directory():
        if colleague.user_id != me and not shared:
            continue
        for key in colleague.public_keys:
            own_found = own_found or key.public_key == own
            public = PublicIdentity.from_b64url(key.public_key)
            sealed[key.key_id] = b64url_encode(seal_cek(cek, public, message_id))
    if not own_found:
        # Without our own sealed copy we could not read the replies: refuse to go on.
        raise ZivverdeskError(
            "De relay kent de sleutel van deze werkplek niet (meer); meld de werkplek opnieuw "
            "aan. / The relay does not list this workstation's key; enroll again."
        )
    return [{"key_id": k, "sealed_cek": v} for k, v in sealed.items()]


def reply_key(profile: Profile, original_message_id: str, reply_id: str) -> bytes:
    return reply_cek(profile.store.secure.cek(original_message_id).reveal(), reply_id)


def sender_domain(profile: Profile, account_id: str) -> str:
    return mail_domain(profile.store.accounts.get(account_id).email)
