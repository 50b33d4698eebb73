"""The documented shape of a link's public state (`GET /api/v1/r/{mid}/{rid}`).

The handler builds its answer as plain values (a JSONResponse, for CPU per request); these
models only describe that answer in the OpenAPI document, so clients and the fuzzer know
every field. Nothing here is secret: it is what anyone holding the link's ids may read.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field


class SenderInfo(BaseModel):
    name: str
    organisation: str
    address: str


class OfficeContact(BaseModel):
    email: str
    phone: str


class OfficeInfo(BaseModel):
    name: str
    contact: OfficeContact
    remember_device: bool
    remember_device_days: int | None


class KdfInfo(BaseModel):
    code_salt: str
    iterations: int


class LinkState(BaseModel):
    method: Literal["access_code", "sms", "email"]
    masked_phone: str | None
    masked_email: str | None
    sender: SenderInfo
    office: OfficeInfo
    state: Literal["active", "revoked", "expired"]
    attempts_left: int
    locked_until: str | None = Field(description="RFC 3339 UTC, while the link is locked")
    kdf: KdfInfo | None
    conversation_id: str
    address_hash: str | None
    expires_at: str = Field(
        description=(
            "RFC 3339 UTC: until when the message can be opened and its files downloaded; "
            "the relay deletes the content after it"
        )
    )
