"""The errors govkg raises on purpose, one family: every one derives from
:class:`GovkgError` and carries, where it knows them, the file, the row and the character
offset its message is about. Library code raises them; the command line turns them into
one-line messages and exit statuses, and never prints a traceback for one.

>>> err = InputError("column 'id' appears twice", file="units.csv", row=1)
>>> isinstance(err, GovkgError), err.where()
(True, 'units.csv, row 1')
"""

from __future__ import annotations

from pathlib import Path


class GovkgError(Exception):
    """An error meant for the user: the message says what is wrong and where.

    ``file``, ``row`` and ``offset`` say where, as far as the raiser knows (each may be
    ``None``); the message already names them, so printing ``str(err)`` is enough.
    """

    def __init__(
        self,
        message: str = "",
        *,
        file: str | Path | None = None,
        row: int | None = None,
        offset: int | None = None,
    ) -> None:
        super().__init__(message)
        self.file = str(file) if file is not None else None
        self.row = row
        self.offset = offset

    def where(self) -> str:
        """The file, row and offset known, as text (empty when none is)."""
        parts = [self.file] if self.file else []
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.offset is not None:
            parts.append(f"offset {self.offset}")
        return ", ".join(parts)


class InputError(GovkgError):
    """An input (a corpus report, a manifest, a roster file or mapping, a query) is at
    fault."""


class BuildError(GovkgError):
    """The build cannot go on; the message names the input at fault."""


class ServiceError(GovkgError):
    """A server or service the command needs failed or could not be reached."""
