"""Resend a notification (S5, S6, S7): a fresh link for one recipient, optionally to another
address. The relay replaces the recipient's envelope (the old link stops working at once),
then a new notification goes out — queued and resumable like a send."""

from __future__ import annotations

from typing import Any

from zivverdesk.core.errors import ZivverdeskError
from zivverdesk.core.model import VerificationMethod, new_id
from zivverdesk.core.secret import Secret
from zivverdesk.crypto.encoding import b64url_encode
from zivverdesk.crypto.keyschedule import DEFAULT_ITERATIONS, seal_for_link_recipient
from zivverdesk.services import secure_send
from zivverdesk.services.connections import Connections
from zivverdesk.services.errors import NotSecure
from zivverdesk.services.profile import Profile
from zivverdesk.services.recipients import RecipientRequest, resolve_recipients

KIND = "resend"


def queue_resend(
    profile: Profile,
    message_id: str,
    *,
    recipient: str,
    new_address: str | None = None,
    access_code: Secret[str] | None = None,
    kdf_iterations: int = DEFAULT_ITERATIONS,
) -> str:
    """Queue a fresh notification for `recipient` (an address); returns the job id.
    `message_id` may also be a conversation id: then the latest message sent to that
    recipient in the conversation is meant."""
    store = profile.store
    message_id = _message_for(profile, message_id, recipient)
    info = store.secure.info(message_id)
    if info.revoked:
        raise NotSecure("Dit bericht is ingetrokken. / This message has been revoked.")
    current = [r for r in store.secure.recipients(message_id) if r.address == recipient.lower()]
    if not current:
        raise ZivverdeskError(
            f"{recipient} is geen ontvanger van dit bericht. / {recipient} is not a recipient "
            "of this message."
        )
    old = current[0]
    # The same method as before; its data (organisation code, mobile) is looked up afresh.
    # A one-off access code is not kept after the first send, so it comes with the call.
    code = access_code if old.method is VerificationMethod.ACCESS_CODE else None
    (resolved,) = resolve_recipients(
        store.addressbook,
        [
            RecipientRequest(
                address=old.address,
                name=old.name,
                method=old.method,
                phone=old.phone,
                access_code=code,
            )
        ],
    )
    account = profile.account()
    return store.outbox.enqueue(
        kind=KIND,
        message_id=message_id,
        payload={
            "account_id": account.id,
            "old_recipient_id": old.id,
            "recipient_id": new_id(),
            "address": (new_address or old.address).strip().lower(),
            "name": old.name,
            "method": resolved.method.value,
            "phone": resolved.phone,
            "access_code": resolved.access_code.reveal() if resolved.access_code else None,
            "kdf_iterations": kdf_iterations,
        },
    )


def _message_for(profile: Profile, ident: str, recipient: str) -> str:
    store = profile.store
    if store.mailbox.has_message(ident):
        return ident
    conversation = store.mailbox.conversation(ident)
    for message in store.mailbox.messages(conversation_id=conversation.id):  # newest first
        if message.direction == "out" and any(
            r.address == recipient.lower() for r in store.secure.recipients(message.id)
        ):
            return message.id
    raise ZivverdeskError(
        f"{recipient} is geen ontvanger in dit gesprek. / {recipient} is not a recipient in "
        "this conversation."
    )


def steps(payload: dict[str, Any]) -> list[str]:
    rid = payload["recipient_id"]
    return ["wrap", "rotate", f"notify:{rid}", f"report:{rid}"]


def run_step(
    profile: Profile,
    job_id: str,
    message_id: str,
    step: str,
    payload: dict[str, Any],
    conn: Connections,
    progress: Any,
) -> dict[str, Any]:
    store = profile.store
    name = step.partition(":")[0]
    rid = payload["recipient_id"]
    if name == "wrap":
        code = payload.get("access_code")
        envelope, link = seal_for_link_recipient(
            store.secure.cek(message_id),
            message_id=message_id,
            recipient_id=rid,
            method=VerificationMethod(payload["method"]),
            access_code=Secret(code) if code else None,
            iterations=int(payload["kdf_iterations"]),
        )
        payload = {
            **{k: v for k, v in payload.items() if k != "access_code"},
            "link_secret": b64url_encode(link.reveal()),
            "verifier": b64url_encode(envelope.verifier),
            "wrapped_cek": b64url_encode(envelope.wrapped_cek),
            "code_salt": b64url_encode(envelope.code_salt) if envelope.code_salt else None,
            "kdf_iterations": envelope.iterations,
        }
        with store.db.transaction():
            store.outbox.update_payload(job_id, payload)
            store.outbox.finish_step(job_id, step)
        return payload
    if name == "rotate":
        conn.relay.rotate(
            message_id,
            payload["old_recipient_id"],
            {
                "new_recipient_id": rid,
                "address": payload["address"],
                "verifier": payload["verifier"],
                "wrapped_cek": payload["wrapped_cek"],
                "code_salt": payload["code_salt"],
                "kdf_iterations": payload["kdf_iterations"],
                "method": payload["method"],
                "phone": payload["phone"],
            },
        )
        with store.db.transaction():
            store.secure.replace_recipient(
                payload["old_recipient_id"], rid, address=payload["address"]
            )
            store.outbox.finish_step(job_id, step)
        return payload
    if name == "notify":
        secure_send.notify_link_recipient(profile, message_id, rid, payload, payload["account_id"])
    elif name == "report":
        secure_send.report_notification_outcome(profile, conn.relay, message_id, rid)
    store.outbox.finish_step(job_id, step)
    return payload


def finish(profile: Profile, message_id: str, payload: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in payload.items() if k not in ("link_secret", "access_code")}
