"""What the user reads when something fails in a window.

The relay's own sentences (`{"error": CODE, "message": TEXT}`) are English and meant for the
log: the desktop shows its own translated sentence for each code a user can meet, and a
general one with the code for any other (the relay's text stays on the error, for the log).
A mail server that cannot be reached, or whose connection broke, gets a sentence of its own
too: in an outage it stays in the status bar until a pass gets through again.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication

from zivverdesk.core.errors import ZivverdeskError
from zivverdesk.mail.errors import ConnectionLost, ServerUnreachable
from zivverdesk.relayclient.errors import EnrollmentRefused, RelayError, RelayUnreachable
from zivverdesk.services.sync import SyncFailed

# By the relay's `error` code (docs/API.md); the code's status is checked for `revoked`,
# which is a revoked device with 401 and a revoked message with 410. `lambda`s: the text is
# looked up in the language installed when the error is shown.
RELAY_ERROR_TEXTS: dict[str, Callable[[], str]] = {
    "unauthorized": lambda: QCoreApplication.translate(
        "RelayErrors",
        "The relay does not recognise this workstation (any more). Enrol it again under Set up.",
    ),
    "forbidden": lambda: QCoreApplication.translate(
        "RelayErrors", "The relay does not allow this for your account."
    ),
    "not_found": lambda: QCoreApplication.translate(
        "RelayErrors", "The relay does not know this message or file (any more)."
    ),
    "conflict": lambda: QCoreApplication.translate(
        "RelayErrors",
        "The relay already holds something else under this name. Synchronise and try again.",
    ),
    "too_large": lambda: QCoreApplication.translate(
        "RelayErrors", "The message or an attachment is larger than the relay accepts."
    ),
    "revoked": lambda: QCoreApplication.translate("RelayErrors", "This message has been revoked."),
    "expired": lambda: QCoreApplication.translate("RelayErrors", "This message has expired."),
    "gone": lambda: QCoreApplication.translate(
        "RelayErrors", "This is no longer stored on the relay."
    ),
    "rate_limited": lambda: QCoreApplication.translate(
        "RelayErrors", "The relay has had too many requests. Wait a minute and try again."
    ),
    "unavailable": lambda: QCoreApplication.translate(
        "RelayErrors", "The relay is temporarily unavailable. Try again later."
    ),
    "bad_request": lambda: QCoreApplication.translate(
        "RelayErrors",
        "The relay refused the request as incorrect. The details are in the log file.",
    ),
}


def relay_error_text(error: RelayError) -> str:
    """The translated sentence for a refusal of the relay (or no answer from it). Each text
    is spelled out in a `translate` call of its own, where `lupdate` finds it."""
    if isinstance(error, RelayUnreachable):
        return QCoreApplication.translate(
            "RelayErrors",
            "The relay (%1) cannot be reached. Check the internet connection, or try again later.",
        ).replace("%1", error.url)
    if isinstance(error, EnrollmentRefused):
        return QCoreApplication.translate(
            "RelayErrors",
            "This enrollment code is unknown, used or expired. Ask the administrator for a "
            "new one.",
        )
    if error.error == "revoked" and error.status == 401:
        return QCoreApplication.translate(
            "RelayErrors",
            "The administrator has revoked this workstation. Ask the administrator for a new "
            "enrollment code.",
        )
    text = RELAY_ERROR_TEXTS.get(error.error)
    if text is not None:
        return text()
    if error.error == "relay_error" and 0 < error.status < 400:
        # Answered, but not with what this program expects (a proxy's page, another version).
        return QCoreApplication.translate(
            "RelayErrors", "The relay gave an answer this program does not understand."
        )
    # Any other code, or a 5xx without one: the code (or status) lets support find it.
    code = error.error if error.error != "relay_error" else f"HTTP {error.status}"
    return QCoreApplication.translate(
        "RelayErrors", "The relay refused the request (%1). The details are in the log file."
    ).replace("%1", code)


def mail_outage_text(error: ServerUnreachable) -> str:
    """The translated sentence for a mail server out of reach, with the technical reason
    (refused, time-out, closed), which tells a wrong port from a network that is down."""
    if isinstance(error, ConnectionLost):
        text = QCoreApplication.translate(
            "MailErrors",
            "The connection to the mail server %1 was lost (%2). Check the internet "
            "connection, or try again later.",
        )
    else:
        text = QCoreApplication.translate(
            "MailErrors",
            "The mail server %1 cannot be reached (%2). Check the internet connection, or try "
            "again later.",
        )
    return text.replace("%1", error.server).replace("%2", error.reason)


def error_text(error: BaseException) -> str:
    """What the user sees for a failure: the relay's refusals and an unreachable mail server
    in the user's language, our own other errors speak for themselves."""
    if isinstance(error, RelayError):
        return relay_error_text(error)
    if isinstance(error, ServerUnreachable):
        return mail_outage_text(error)
    if isinstance(error, SyncFailed):  # each part's own, translated where it is the relay's
        return "; ".join(error_text(e) for e in error.errors)
    if isinstance(error, ZivverdeskError):
        return str(error)
    return QCoreApplication.translate(
        "MainWindow", "Something went wrong. The details are in the log file."
    )
