"""SMS gateways for verification codes: `file` (development and demo: appends each SMS as a
JSON line to a file), `messagebird` (Bird's public REST API: `POST /messages` with an
`Authorization: AccessKey …` header and `{"originator", "recipients", "body"}`), and `none`.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Protocol

import httpx

from zivverdesk.core.errors import ZivverdeskError
from zivverdesk.relay.settings import SmsSettings
from zivverdesk.relay.wire import now, rfc3339


class SmsError(ZivverdeskError):
    """The SMS could not be handed to the gateway."""

    code = "gateway_failed"


class SmsGateway(Protocol):
    def send(self, phone: str, text: str) -> None: ...


class NoGateway:
    def send(self, phone: str, text: str) -> None:
        raise SmsError("This relay has no SMS gateway configured.")


class FileGateway:
    """Appends `{"at", "to", "text"}` lines to a file; safe for concurrent threads."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()

    def send(self, phone: str, text: str) -> None:
        line = json.dumps({"at": rfc3339(now()), "to": phone, "text": text}, ensure_ascii=False)
        try:
            with self._lock, self.path.open("a", encoding="utf-8") as fh:
                fh.write(line + "\n")
        except OSError as exc:
            raise SmsError(f"The SMS file {self.path} cannot be written: {exc.strerror}") from exc


class MessageBirdGateway:
    def __init__(self, settings: SmsSettings) -> None:
        self.settings = settings

    def send(self, phone: str, text: str) -> None:
        body = {
            "originator": self.settings.originator,
            "recipients": [phone.replace(" ", "").lstrip("+")],
            "body": text,
        }
        headers = {"Authorization": f"AccessKey {self.settings.access_key.reveal()}"}
        try:
            response = httpx.post(
                self.settings.url, json=body, headers=headers, timeout=self.settings.timeout
            )
        except httpx.HTTPError as exc:
            raise SmsError(f"The SMS gateway cannot be reached: {type(exc).__name__}") from exc
        if response.status_code >= 300:
            raise SmsError(f"The SMS gateway refused the message (HTTP {response.status_code}).")


def make_gateway(settings: SmsSettings) -> SmsGateway:
    if settings.gateway == "file":
        return FileGateway(Path(settings.file))
    if settings.gateway == "messagebird":
        return MessageBirdGateway(settings)
    return NoGateway()


def mask_phone(phone: str | None) -> str | None:
    """`0612345678` → `06 •• •• •• 78`: enough to recognise, too little to misuse. A Dutch
    number in the international form the desktop sends (`+31612345678`) is shown the way
    people in the Netherlands know their own number, starting with 06."""
    if not phone:
        return None
    digits = "".join(c for c in phone if c.isdigit())
    if len(digits) < 4:
        return "••"
    if phone.strip().startswith(("+316", "00316")) and len(digits) in (11, 13):
        digits = "0" + digits[-9:]
    return f"{digits[:2]} •• •• •• {digits[-2:]}"


def mask_email(address: str | None) -> str | None:
    if not address or "@" not in address:
        return None
    local, domain = address.rsplit("@", 1)
    return f"{local[:1]}•••@{domain}"
