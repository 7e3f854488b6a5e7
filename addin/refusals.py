"""What a command says instead of doing its work: the input cannot be read, a file will not
be written, a format or an option is wrong.

Every such error derives from `Refusal`, so the command turns any of them into one line and
exit code 2 without importing the modules that raise them (the command starts faster).
"""

from __future__ import annotations


class Refusal(Exception):
    """The command cannot go on; `str()` of it is the whole message for the user."""
