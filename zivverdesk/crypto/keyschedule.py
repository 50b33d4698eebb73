"""The key schedule (docs/PROTOCOL.md §5–§7): content keys, per-blob file keys, the link
secret L, the access-code key K, the wrapped CEK and the relay's auth verifier, reply keys.

What the relay stores for a link recipient (`LinkRecipientEnvelope`) is useless without L,
which lives only in the URL fragment of the notification mail: the relay can neither unwrap
the CEK nor test access-code guesses offline. The mail alone is useless without the code
(or the SMS/e-mail code the relay checks), and the relay counts online guesses.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import unicodedata
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from zivverdesk.core.model import VerificationMethod, is_valid_id
from zivverdesk.core.secret import Secret
from zivverdesk.crypto.encoding import b64url_decode, b64url_encode
from zivverdesk.crypto.errors import (
    BadEncoding,
    IntegrityError,
    InvalidAccessCode,
    InvalidParameters,
    UnsupportedVersion,
    WrongAccessCode,
)
from zivverdesk.crypto.kdf import hkdf_sha256, pbkdf2_sha256

KEY_LEN = 32
LINK_SECRET_LEN = 32
CODE_SALT_LEN = 16
WRAP_VERSION = 1
WRAPPED_CEK_LEN = 61  # version 1 + nonce 12 + CEK 32 + tag 16
MANIFEST_BLOB_ID = "manifest"

#: PBKDF2 iterations for new access-code recipients (calibrated, see docs/PROTOCOL.md §6.2).
DEFAULT_ITERATIONS = 2_000_000
MIN_ITERATIONS = 600_000
MAX_ITERATIONS = 10_000_000

LABEL_FILE = b"zivverdesk/v1/file"
LABEL_WRAP = b"zivverdesk/v1/wrap"
LABEL_AUTH = b"zivverdesk/v1/relay-auth"
LABEL_REPLY = b"zivverdesk/v1/reply"

# The Unicode White_Space property plus U+FEFF (a BOM that copy and paste brings along).
# Listed explicitly because Python's str.isspace() and JavaScript's \s disagree at the edges.
_CODE_SEPARATORS = frozenset(
    "\u0009\u000a\u000b\u000c\u000d\u0020\u0085\u00a0\u1680"
    "\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
    "\u2028\u2029\u202f\u205f\u3000\ufeff-"
)


def new_cek() -> Secret[bytes]:
    """A fresh 256-bit content key for one message."""
    return Secret(secrets.token_bytes(KEY_LEN))


def _id_bytes(value: str, what: str) -> bytes:
    if not is_valid_id(value):
        raise BadEncoding(f"{what} must be 32 lowercase hexadecimal characters")
    return value.encode("ascii")


def file_key(cek: bytes, blob_id: str) -> bytes:
    """The key of one blob: the manifest (`blob_id` "manifest") or an attachment."""
    if blob_id != MANIFEST_BLOB_ID:
        _id_bytes(blob_id, "blob id")
    return hkdf_sha256(cek, salt=b"", info=LABEL_FILE + blob_id.encode("ascii"))


def reply_cek(cek: bytes, reply_id: str) -> bytes:
    """The content key of a reply: derived from the original message's CEK so that exactly
    the parties who hold that CEK (sender, team, verified recipient) can read the reply."""
    return hkdf_sha256(cek, salt=b"", info=LABEL_REPLY + _id_bytes(reply_id, "reply id"))


# --- access codes ---------------------------------------------------------------------


def normalise_access_code(code: str) -> str:
    """NFKC, then drop every whitespace character and "-", then lowercase.

    So "AB-12 cd", "ab12CD" and "ａｂ１２ｃｄ" (full-width) are the same code.
    """
    folded = unicodedata.normalize("NFKC", code)
    kept = "".join(ch for ch in folded if ch not in _CODE_SEPARATORS).lower()
    if not kept:
        raise InvalidAccessCode()
    return kept


def check_iterations(iterations: int) -> None:
    if not MIN_ITERATIONS <= iterations <= MAX_ITERATIONS:
        raise InvalidParameters(
            f"PBKDF2 iteration count {iterations} outside {MIN_ITERATIONS}..{MAX_ITERATIONS}"
        )


def code_key(access_code: Secret[str], code_salt: bytes, iterations: int) -> bytes:
    """K = PBKDF2-HMAC-SHA256(normalised code, code_salt, iterations, 32). Deliberately slow."""
    check_iterations(iterations)
    if len(code_salt) != CODE_SALT_LEN:
        raise BadEncoding("the code salt must be 16 bytes")
    normalised = normalise_access_code(access_code.reveal())
    return pbkdf2_sha256(normalised.encode("utf-8"), salt=code_salt, iterations=iterations)


# --- link secret ----------------------------------------------------------------------


def new_link_secret() -> Secret[bytes]:
    return Secret(secrets.token_bytes(LINK_SECRET_LEN))


def encode_link_secret(link_secret: Secret[bytes]) -> str:
    return b64url_encode(link_secret.reveal())


def parse_link_secret(fragment: str) -> Secret[bytes]:
    """L from a URL fragment (with or without the leading "#")."""
    text = fragment.removeprefix("#")
    if len(text) != 43:
        raise BadEncoding("the link secret must be 43 base64url characters; the link is damaged")
    return Secret(b64url_decode(text, length=LINK_SECRET_LEN, what="link secret"))


def recipient_link(
    public_url: str, message_id: str, recipient_id: str, link_secret: Secret[bytes]
) -> str:
    """`{public_url}/m/{message_id}/{recipient_id}#{L}`: the fragment never reaches a server."""
    _id_bytes(message_id, "message id")
    _id_bytes(recipient_id, "recipient id")
    base = public_url.rstrip("/")
    return f"{base}/m/{message_id}/{recipient_id}#{encode_link_secret(link_secret)}"


# --- wrap key, auth token, wrapped CEK ------------------------------------------------


@dataclass(frozen=True, slots=True)
class RecipientKeys:
    wrap_key: bytes
    auth: bytes  # sent to the relay; it keeps only SHA-256(auth)


def recipient_keys(
    link_secret: bytes, code_key_bytes: bytes, message_id: str, recipient_id: str
) -> RecipientKeys:
    """ikm = L ‖ K (K empty for SMS and e-mail); salt = message_id ‖ recipient_id."""
    if len(link_secret) != LINK_SECRET_LEN:
        raise BadEncoding("the link secret must be 32 bytes")
    if code_key_bytes and len(code_key_bytes) != KEY_LEN:
        raise BadEncoding("the code key must be 32 bytes or empty")
    ikm = link_secret + code_key_bytes
    salt = _id_bytes(message_id, "message id") + _id_bytes(recipient_id, "recipient id")
    return RecipientKeys(
        wrap_key=hkdf_sha256(ikm, salt=salt, info=LABEL_WRAP),
        auth=hkdf_sha256(ikm, salt=salt, info=LABEL_AUTH),
    )


def auth_verifier(auth: bytes) -> bytes:
    return hashlib.sha256(auth).digest()


def check_auth(verifier: bytes, auth: bytes) -> bool:
    """The relay's check: SHA-256(auth) equals the stored verifier, in constant time."""
    return hmac.compare_digest(hashlib.sha256(auth).digest(), verifier)


def _wrap_aad(message_id: str, recipient_id: str) -> bytes:
    return (
        LABEL_WRAP + _id_bytes(message_id, "message id") + _id_bytes(recipient_id, "recipient id")
    )


def wrap_cek(
    cek: bytes,
    wrap_key: bytes,
    message_id: str,
    recipient_id: str,
    *,
    nonce: bytes | None = None,
) -> bytes:
    """0x01 ‖ nonce ‖ AES-256-GCM(wrap_key, nonce, CEK, aad). `nonce` only for vectors."""
    if len(cek) != KEY_LEN:
        raise ValueError("a CEK is 32 bytes")
    nonce = nonce if nonce is not None else secrets.token_bytes(12)
    sealed = AESGCM(wrap_key).encrypt(nonce, cek, _wrap_aad(message_id, recipient_id))
    return bytes([WRAP_VERSION]) + nonce + sealed


def unwrap_cek(wrapped: bytes, wrap_key: bytes, message_id: str, recipient_id: str) -> bytes:
    if len(wrapped) < 1:
        raise BadEncoding("the wrapped key is empty")
    if wrapped[0] != WRAP_VERSION:
        raise UnsupportedVersion("De verpakte sleutel / The wrapped key", wrapped[0])
    if len(wrapped) != WRAPPED_CEK_LEN:
        raise BadEncoding(f"the wrapped key must be {WRAPPED_CEK_LEN} bytes")
    try:
        return AESGCM(wrap_key).decrypt(
            wrapped[1:13], wrapped[13:], _wrap_aad(message_id, recipient_id)
        )
    except InvalidTag:
        raise IntegrityError() from None


# --- the whole recipient schedule -----------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class LinkRecipientEnvelope:
    """Everything the relay stores for one link recipient: no L, no code, no CEK."""

    message_id: str
    recipient_id: str
    method: VerificationMethod
    code_salt: bytes | None  # access_code only
    iterations: int | None  # access_code only
    verifier: bytes
    wrapped_cek: bytes


def seal_for_link_recipient(
    cek: Secret[bytes],
    *,
    message_id: str,
    recipient_id: str,
    method: VerificationMethod,
    access_code: Secret[str] | None = None,
    iterations: int = DEFAULT_ITERATIONS,
    link_secret: Secret[bytes] | None = None,
    code_salt: bytes | None = None,
    nonce: bytes | None = None,
) -> tuple[LinkRecipientEnvelope, Secret[bytes]]:
    """Make a recipient's envelope for the relay and L for the notification link.

    `link_secret`, `code_salt` and `nonce` are injectable for test vectors (or to keep L when
    re-wrapping); normally they are fresh random values.
    """
    link = link_secret if link_secret is not None else new_link_secret()
    salt: bytes | None = None
    n: int | None = None
    k = b""
    if method is VerificationMethod.ACCESS_CODE:
        if access_code is None:
            raise InvalidAccessCode()
        salt = code_salt if code_salt is not None else secrets.token_bytes(CODE_SALT_LEN)
        n = iterations
        k = code_key(access_code, salt, n)
    keys = recipient_keys(link.reveal(), k, message_id, recipient_id)
    envelope = LinkRecipientEnvelope(
        message_id=message_id,
        recipient_id=recipient_id,
        method=method,
        code_salt=salt,
        iterations=n,
        verifier=auth_verifier(keys.auth),
        wrapped_cek=wrap_cek(cek.reveal(), keys.wrap_key, message_id, recipient_id, nonce=nonce),
    )
    return envelope, link


def derive_for_link_recipient(
    envelope: LinkRecipientEnvelope,
    link_secret: Secret[bytes],
    access_code: Secret[str] | None,
) -> RecipientKeys:
    """What the recipient's browser computes from L, the code and the public parameters."""
    k = b""
    if envelope.method is VerificationMethod.ACCESS_CODE:
        if access_code is None or envelope.code_salt is None or envelope.iterations is None:
            raise InvalidAccessCode()
        k = code_key(access_code, envelope.code_salt, envelope.iterations)
    return recipient_keys(link_secret.reveal(), k, envelope.message_id, envelope.recipient_id)


def open_as_link_recipient(
    envelope: LinkRecipientEnvelope,
    link_secret: Secret[bytes],
    access_code: Secret[str] | None = None,
) -> Secret[bytes]:
    """The recipient's side end to end: derive, pass the relay's check, unwrap the CEK."""
    keys = derive_for_link_recipient(envelope, link_secret, access_code)
    if not check_auth(envelope.verifier, keys.auth):
        raise WrongAccessCode()
    return Secret(
        unwrap_cek(envelope.wrapped_cek, keys.wrap_key, envelope.message_id, envelope.recipient_id)
    )
