"""Text and JSON output of the command line: readable for people, stable for scripts."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from zivverdesk.services.conversations import ConversationView, ListRow, MessageView
from zivverdesk.store.outbox import OutboxJob

ENVELOPE_WORDS = {
    "not_delivered": "Niet afgeleverd / Not delivered",
    "closed": "Niet geopend / Not opened",
    "partly_open": "Deels geopend / Partly opened",
    "open": "Geopend / Opened",
}


def as_json(value: Any) -> str:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        value = dataclasses.asdict(value)
    elif isinstance(value, list):
        value = [
            dataclasses.asdict(v) if dataclasses.is_dataclass(v) and not isinstance(v, type) else v
            for v in value
        ]
    return json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True)


def list_rows(rows: list[ListRow]) -> str:
    if not rows:
        return "Geen berichten. / No messages."
    lines = []
    for r in rows:
        # Unread first, as a mail program's dot: a reply or mail not seen yet.
        marks = "●" if r.unread else " "
        marks += "🔒" if r.kind == "secure" else "  "
        marks += "📎" if r.has_attachments else "  "
        state = ENVELOPE_WORDS.get(r.envelope or "", "") if r.envelope else ""
        review = " [te beoordelen / to review]" if r.to_review else ""
        assigned = f" → {r.assigned_to}" if r.assigned_to else ""
        replies = f" ({r.replies} antw.)" if r.replies else ""
        lines.append(
            f"{r.id}  {r.date}  {marks} {r.subject[:60]}{replies} — {r.correspondents[:50]}"
            f"{'  ' + state if state else ''}{review}{assigned}"
        )
    return "\n".join(lines)


def message(view: MessageView, *, indent: str = "") -> str:
    way = "ontvangen / in" if view.direction == "in" else "verzonden / out"
    lines = [
        f"{indent}Bericht / Message {view.message_id} ({way})",
        f"{indent}  Van / From: {view.sender}",
        f"{indent}  Datum / Date: {view.date}",
        f"{indent}  Onderwerp / Subject: {view.subject}",
    ]
    if view.revoked:
        lines.append(f"{indent}  INGETROKKEN / REVOKED")
    if view.envelope:
        lines.append(f"{indent}  Status: {ENVELOPE_WORDS.get(view.envelope, view.envelope)}")
    for r in view.recipients:
        lines.append(f"{indent}  Ontvanger / Recipient {r.address} — {r.method} — {r.state}")
        for e in r.timeline:
            detail = f" ({e.detail})" if e.detail else ""
            lines.append(f"{indent}      {e.at}  {e.kind}{detail}")
    for a in view.attachments:
        lines.append(f"{indent}  Bijlage / Attachment: {a['name']} ({a['size']} bytes)")
    if view.remote_images_blocked:
        lines.append(
            f"{indent}  Externe afbeeldingen geblokkeerd / remote images blocked: "
            f"{view.remote_images_blocked}"
        )
    if view.defects:
        lines.append(
            f"{indent}  Beschadigd bericht, getoond voor zover leesbaar / damaged message, "
            "shown as far as readable"
        )
    lines.append("")
    lines.extend(f"{indent}  {line}" for line in view.body.splitlines())
    return "\n".join(lines)


def conversation(view: ConversationView) -> str:
    head = [
        f"Gesprek / Conversation {view.conversation_id}: {view.subject}",
    ]
    if view.envelope:
        head.append(f"Status: {ENVELOPE_WORDS.get(view.envelope, view.envelope)}")
    if view.to_review:
        head.append("Te beoordelen / To review")
    if view.assigned_to:
        head.append(f"Toegewezen aan / Assigned to: {view.assigned_to}")
    if view.reviewed_by:
        head.append(f"Beoordeeld door / Reviewed by: {view.reviewed_by} ({view.reviewed_at})")
    return "\n".join(head) + "\n\n" + "\n\n".join(message(m) for m in view.messages)


def outbox(jobs: list[OutboxJob]) -> str:
    if not jobs:
        return "Postvak UIT is leeg. / The outbox is empty."
    return "\n".join(
        f"{j.id}  {j.kind}  bericht/message {j.message_id}  {j.status}"
        f"{'  pogingen/attempts ' + str(j.attempts) if j.attempts else ''}"
        f"{'  — ' + j.last_error if j.last_error else ''}"
        for j in jobs
    )
