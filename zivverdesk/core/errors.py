"""The root of every error that zivverdesk reports to a person.

Each subclass carries a message written for the person who reads it (a secretariat employee,
an administrator, a recipient), never a traceback. Code that catches `ZivverdeskError` may
show `str(error)` as it is.
"""


class ZivverdeskError(Exception):
    """An expected failure with a message a person understands."""

    #: A stable machine-readable code (used in JSON output and API errors).
    code: str = "error"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        if code is not None:
            self.code = code


class UsageError(ZivverdeskError):
    """The command or request was given wrong or missing input."""

    code = "usage"
