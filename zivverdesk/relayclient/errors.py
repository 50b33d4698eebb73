"""Typed failures of relay calls, built from the relay's `{"error", "message"}` bodies.

`RelayError.error` is the relay's machine code (`not_found`, `conflict`, `revoked`, …, see
docs/API.md); callers branch on the subclass or on that code, and show `str(error)`.
`RelayUnreachable` and 5xx answers are worth retrying; 4xx answers are not (except
`rate_limited`, after a pause).
"""

from __future__ import annotations

from zivverdesk.core.errors import ZivverdeskError


class RelayError(ZivverdeskError):
    """The relay refused a request."""

    code = "relay_error"

    def __init__(self, message: str, *, status: int = 0, error: str = "relay_error") -> None:
        super().__init__(message, code=error)
        self.status = status
        self.error = error

    @property
    def retryable(self) -> bool:
        return self.status >= 500 or self.error == "rate_limited"


class RelayUnreachable(RelayError):
    """No answer at all: connection refused, DNS, TLS or time-out. Retry later."""

    def __init__(self, url: str, reason: str) -> None:
        self.url = url
        self.reason = reason
        super().__init__(
            f"De relay ({url}) is niet bereikbaar: {reason}. / "
            f"The relay ({url}) cannot be reached: {reason}.",
            error="unreachable",
        )

    @property
    def retryable(self) -> bool:
        return True


class Unauthorized(RelayError):
    """The device token is missing, wrong or revoked: this device must enroll again."""


class EnrollmentRefused(Unauthorized):
    """The relay refused an enrollment code: unknown, used already or expired."""


class NotFound(RelayError):
    pass


class Conflict(RelayError):
    pass


class TooLarge(RelayError):
    pass


class Gone(RelayError):
    """Revoked, expired or deleted on the relay."""


class TransferCancelled(ZivverdeskError):
    """The user cancelled an upload or download; it can resume later from where it stopped."""

    code = "cancelled"


_BY_ERROR: dict[str, type[RelayError]] = {
    "unauthorized": Unauthorized,
    "forbidden": Unauthorized,
    "not_found": NotFound,
    "conflict": Conflict,
    "too_large": TooLarge,
    "revoked": Gone,
    "expired": Gone,
    "gone": Gone,
}


def error_from_response(status: int, body: object, url: str) -> RelayError:
    """The typed error for a 4xx/5xx answer; tolerant of bodies that are not our JSON (a
    proxy's HTML error page), whose text is never shown."""
    error, message = "relay_error", ""
    if isinstance(body, dict):
        error = str(body.get("error") or error)
        message = str(body.get("message") or "")
    if not message:
        message = f"De relay antwoordde met status {status}. / The relay answered {status}."
    if error == "relay_error" and status == 401:
        error = "unauthorized"
    elif error == "relay_error" and status == 404:
        error = "not_found"
    # A 401 is about this device, whatever its code says: `revoked` there means the
    # administrator revoked the device, not a revoked message (410).
    cls = Unauthorized if status == 401 else _BY_ERROR.get(error, RelayError)
    return cls(message, status=status, error=error)
