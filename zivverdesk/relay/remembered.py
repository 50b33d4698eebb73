"""What a remembered device ("Dit apparaat onthouden") is bound to on the relay side."""

from __future__ import annotations

from zivverdesk.relay.wire import sha256

ADDRESS_LABEL = b"zivverdesk/v1/address\x00"


def address_hash(address: str) -> bytes:
    """SHA-256 of a label and the trimmed, lower-cased address (PROTOCOL.md, remembered
    devices). The page gets it in the link info to find what it remembered for this person;
    it is the same for every link to that address, so it is shown only where the office
    allows remembering."""
    return sha256(ADDRESS_LABEL + address.strip().lower().encode("utf-8"))
