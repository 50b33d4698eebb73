"""What the request handlers share: settings, database, blob store, mail queue, SMS gateway."""

from __future__ import annotations

from dataclasses import dataclass

from zivverdesk.relay.blobs import BlobStore
from zivverdesk.relay.db.engine import Database
from zivverdesk.relay.settings import RelaySettings
from zivverdesk.relay.sms import SmsGateway


@dataclass(frozen=True, kw_only=True)
class RelayContext:
    settings: RelaySettings
    db: Database
    blobs: BlobStore
    sms: SmsGateway
