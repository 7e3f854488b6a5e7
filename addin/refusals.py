"""What a command says instead of doing its work: the input cannot be read, a file will not
be written, a format or an option is wrong.

Every such error derives from `Refusal`, so the command turns any of them into one line and
exit code 2 without importing the modules that raise them (the command starts faster).
"""

from __future__ import annotations


class Refusal(Exception):
    """The command cannot go on; `str()` of it is the whole message for the user."""


class ReadError(Refusal):
    """The file cannot be read as a batch at all."""

    def __init__(self, path: str, message: str, line: int | None = None, column: str | None = None):
        super().__init__(message)
        self.path = path
        self.line = line
        self.column = column
        self.message = message

    def __str__(self) -> str:
        where = self.path
        if self.line is not None:
            where += f": line {self.line}"
            if self.column:
                where += f", column {self.column}"
        return f"{where}: {self.message}"
