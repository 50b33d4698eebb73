"""Where a mail server is and how to reach it securely.

`ServerSettings` is what an account stores for its IMAP and its SMTP server; `tls_context`
builds the verifying TLS context both protocols use (a per-account CA file lets an office
trust its own self-signed server without turning verification off).
"""

from __future__ import annotations

import ssl
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path


class Security(StrEnum):
    SSL = "ssl"  # implicit TLS (IMAPS 993, SMTPS 465)
    STARTTLS = "starttls"  # plain connect, then upgrade; refuse to continue without it
    NONE = "none"  # loopback test servers and explicitly chosen by an administrator


@dataclass(frozen=True, kw_only=True)
class ServerSettings:
    host: str
    port: int
    security: Security = Security.SSL
    ca_file: Path | None = None
    timeout: float = 30.0

    @property
    def label(self) -> str:
        return f"{self.host}:{self.port}"


def tls_context(settings: ServerSettings) -> ssl.SSLContext:
    """A context that verifies the certificate chain and the host name. With `ca_file` the
    account trusts that CA (or self-signed certificate) in addition to the system's roots."""
    context = ssl.create_default_context()
    if settings.ca_file is not None:
        context.load_verify_locations(cafile=str(settings.ca_file))
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    return context
