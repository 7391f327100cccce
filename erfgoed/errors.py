"""Errors a user can cause. The CLI and API print these as plain messages, never tracebacks."""

from __future__ import annotations


class UserError(Exception):
    """Something the user can fix: bad input, a wrong option, a missing file."""


class InputError(UserError):
    """A problem in an input file, located as precisely as we can (file, line, column)."""

    def __init__(self, message: str, *, file: str | None = None, line: int | None = None,
                 column: str | None = None):
        self.file, self.line, self.column, self.reason = file, line, column, message
        where = ", ".join(
            part for part in (
                file,
                f"line {line}" if line is not None else None,
                f"column '{column}'" if column else None,
            ) if part
        )
        super().__init__(f"{where}: {message}" if where else message)
