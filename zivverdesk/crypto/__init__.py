"""Formats and key schedule (see docs/PROTOCOL.md): streaming attachment encryption,
manifests, link-secret and access-code wrapping, HPKE sealing, identity keys, keystore.

May import `zivverdesk.core` and third-party crypto (`cryptography`, `keyring`) only; the
relay and the desktop both use it.
"""
