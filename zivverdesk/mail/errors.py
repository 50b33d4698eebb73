"""Typed failures of the mail layer, each with a message a person can act on.

The outbox and the sync decide by type: `TemporaryFailure` and `ServerUnreachable` (with its
kind `ConnectionLost`) mean "keep the mail and try again later"; `RecipientRefused` means
"this address will not work, tell the user".
Authentication errors live in `zivverdesk.mail.auth`.
"""

from __future__ import annotations

from zivverdesk.core.errors import ZivverdeskError


class MailError(ZivverdeskError):
    """Something went wrong talking to a mail server."""

    code = "mail_error"


class ServerUnreachable(MailError):
    """No connection: DNS, refused port, timeout, or the connection dropped."""

    code = "server_unreachable"

    def __init__(self, server: str, reason: str) -> None:
        super().__init__(
            f"Mailserver {server} is niet bereikbaar ({reason}). / "
            f"Mail server {server} cannot be reached ({reason})."
        )
        self.server = server
        self.reason = reason


class ConnectionLost(ServerUnreachable):
    """An open connection broke in the middle of a command: the server restarted, the network
    went away (Wi-Fi, a laptop that slept), or the server stopped answering within the time-out.
    Nothing about the mail is wrong: what was interrupted is done again on the next try."""

    code = "connection_lost"

    def __init__(self, server: str, reason: str) -> None:
        MailError.__init__(
            self,
            f"De verbinding met mailserver {server} is verbroken ({reason}); er wordt later "
            f"opnieuw verbonden. / The connection to mail server {server} was lost ({reason}); "
            "it will be tried again later.",
        )
        self.server = server
        self.reason = reason


class CertificateError(MailError):
    """The server's TLS certificate could not be verified: never continue unencrypted."""

    code = "certificate_error"

    def __init__(self, server: str, reason: str) -> None:
        super().__init__(
            f"Het certificaat van {server} is niet te vertrouwen ({reason}). / "
            f"The certificate of {server} cannot be trusted ({reason})."
        )


class TemporaryFailure(MailError):
    """The server answered 4xx: the mail stays in the outbox and is retried later."""

    code = "temporary_failure"

    def __init__(self, server: str, smtp_code: int, reply: str) -> None:
        super().__init__(
            f"{server} kan het bericht nu niet aannemen ({smtp_code} {reply}); het wordt later "
            f"opnieuw geprobeerd. / {server} cannot take the message now ({smtp_code} {reply}); "
            "it will be retried later."
        )
        self.smtp_code = smtp_code
        self.reply = reply


class RecipientRefused(MailError):
    """The server permanently refused one or more recipients (5xx at RCPT TO)."""

    code = "recipient_refused"

    def __init__(self, refused: dict[str, tuple[int, str]]) -> None:
        names = ", ".join(f"{addr} ({code} {text})" for addr, (code, text) in refused.items())
        super().__init__(
            f"De mailserver weigert ontvanger(s): {names}. / "
            f"The mail server refuses recipient(s): {names}."
        )
        self.refused = refused


class MessageRejected(MailError):
    """The server permanently refused the message itself (5xx after DATA or MAIL FROM)."""

    code = "message_rejected"

    def __init__(self, server: str, smtp_code: int, reply: str) -> None:
        super().__init__(
            f"{server} weigert het bericht ({smtp_code} {reply}). / "
            f"{server} refuses the message ({smtp_code} {reply})."
        )
        self.smtp_code = smtp_code
        self.reply = reply


class ImapError(MailError):
    """The IMAP server answered NO/BAD to a command we cannot do without."""

    code = "imap_error"
