"""Typed failures of the encryption formats and the keystore.

Every error carries a stable `code` from the vocabulary in docs/PROTOCOL.md ("integrity",
"truncated", ...) so the test vectors, the relay API and the browser can name the same
failure, and a message that a person can read without knowing the format.
"""

from __future__ import annotations

from zivverdesk.core.errors import ZivverdeskError


class CryptoError(ZivverdeskError):
    """Encrypted data or a key could not be used."""

    code = "crypto"


class IntegrityError(CryptoError):
    """Authentication failed: the data was altered, damaged, or the key is wrong."""

    code = "integrity"

    def __init__(self, message: str | None = None) -> None:
        super().__init__(
            message
            or "Het versleutelde bestand is beschadigd of gewijzigd. / "
            "The encrypted data is damaged or was altered."
        )


class TruncatedStream(CryptoError):
    """The data ends before its final part: an incomplete download or a cut-off file."""

    code = "truncated"

    def __init__(self, message: str | None = None) -> None:
        super().__init__(
            message
            or "Het versleutelde bestand is onvolledig (afgebroken download?). / "
            "The encrypted data is incomplete (interrupted download?)."
        )


class TrailingData(CryptoError):
    """Bytes follow the final part: the data was spliced or appended to."""

    code = "trailing_data"

    def __init__(self, message: str | None = None) -> None:
        super().__init__(
            message
            or "Na het einde van het versleutelde bestand staan nog gegevens. / "
            "There is extra data after the end of the encrypted data."
        )


class UnsupportedVersion(CryptoError):
    """Written by a newer (or unknown) format version."""

    code = "unsupported_version"

    def __init__(self, what: str, version: int) -> None:
        super().__init__(
            f"{what} heeft formaatversie {version}, die deze versie van zivverdesk niet kent; "
            f"werk zivverdesk bij. / {what} uses format version {version}, which this version "
            "of zivverdesk does not know; please update zivverdesk."
        )


class UnsupportedSuite(CryptoError):
    """Uses an algorithm suite this release does not implement."""

    code = "unsupported_suite"

    def __init__(self, what: str, suite: str) -> None:
        super().__init__(
            f"{what} gebruikt versleutelingsmethode {suite}, die deze versie niet kent. / "
            f"{what} uses encryption suite {suite}, which this version does not support."
        )


class BadHeader(CryptoError):
    """The fixed header of a blob is not a zivverdesk header or has invalid fields."""

    code = "bad_header"

    def __init__(self, detail: str) -> None:
        super().__init__(
            f"Dit is geen geldig versleuteld zivverdesk-bestand ({detail}). / "
            f"This is not a valid zivverdesk encrypted file ({detail})."
        )


class BadEncoding(CryptoError):
    """A base64url field, key or fixed-size value is malformed."""

    code = "bad_encoding"

    def __init__(self, detail: str) -> None:
        super().__init__(f"Ongeldige gegevens: {detail}. / Malformed data: {detail}.")


class InvalidParameters(CryptoError):
    """A parameter stored with the data (such as the PBKDF2 iteration count) is out of range."""

    code = "bad_parameters"

    def __init__(self, detail: str) -> None:
        super().__init__(
            f"De versleutelingsparameters zijn ongeldig ({detail}). / "
            f"The encryption parameters are invalid ({detail})."
        )


class NonCanonical(CryptoError):
    """JSON that is valid but not in the one canonical form the protocol requires."""

    code = "non_canonical"

    def __init__(self, detail: str) -> None:
        super().__init__(
            f"Het berichtoverzicht is niet in de vereiste vorm ({detail}). / "
            f"The message manifest is not in canonical form ({detail})."
        )


class InvalidManifest(CryptoError):
    """The manifest lacks a required field or a field has the wrong type or shape."""

    code = "invalid_manifest"

    def __init__(self, detail: str) -> None:
        super().__init__(
            f"Het berichtoverzicht is ongeldig ({detail}). / "
            f"The message manifest is invalid ({detail})."
        )


class InvalidAccessCode(CryptoError):
    """An access code that is empty once spaces and dashes are removed."""

    code = "invalid_code"

    def __init__(self) -> None:
        super().__init__(
            "De toegangscode is leeg. Vul de afgesproken code in. / "
            "The access code is empty. Enter the agreed code."
        )


class WrongAccessCode(CryptoError):
    """The code (or the link secret) does not open this message."""

    code = "wrong_code"

    def __init__(self) -> None:
        super().__init__(
            "De toegangscode klopt niet, of de link is onvolledig. / "
            "The access code is wrong, or the link is incomplete."
        )


class Cancelled(CryptoError):
    """The person stopped the operation; no output file was left behind."""

    code = "cancelled"

    def __init__(self) -> None:
        super().__init__("Afgebroken. / Cancelled.")


class KeystoreError(CryptoError):
    """The key file in the profile cannot be read or written."""

    code = "keystore"


class KeystoreUnavailable(KeystoreError):
    """No usable OS keyring to hold the key-encryption key."""

    code = "keystore_unavailable"
