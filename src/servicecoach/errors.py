"""Every exception servicecoach raises on purpose.

The tree::

    ServiceCoachError                 base; the CLI prints its message, never a traceback
    ├── InputError                    the user's input is wrong (exit code 3)
    │   ├── FormatDetectionError      no importer recognises a file
    │   ├── InvalidFileError          a whole file cannot be read (bad JSON, wrong encoding)
    │   ├── InvalidRecordError        one record (row, ticket, message) is malformed
    │   └── ImportFailed              an import found problems and wrote nothing
    ├── ConfigError                   a bad option or configuration value (exit code 2)
    ├── NotFoundError                 a customer or conversation id does not exist (exit code 4)
    └── StoreError                    the database cannot be opened or migrated (exit code 5)
        └── StoreBusyError            another writer (an import) holds the database; retry later

Every message says what is wrong, where (file, line or record) and how to fix it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "ConfigError",
    "FormatDetectionError",
    "ImportFailed",
    "InputError",
    "InvalidFileError",
    "InvalidRecordError",
    "NotFoundError",
    "Problem",
    "ServiceCoachError",
    "StoreBusyError",
    "StoreError",
]


class ServiceCoachError(Exception):
    """Base class for errors that are reported to the user as a plain message."""

    exit_code = 1


class InputError(ServiceCoachError):
    """The input files are wrong in a way the user can fix."""

    exit_code = 3


class ConfigError(ServiceCoachError):
    """An option or configuration value is invalid."""

    exit_code = 2


class NotFoundError(ServiceCoachError):
    """A requested object does not exist in the store."""

    exit_code = 4


class StoreError(ServiceCoachError):
    """The store cannot be opened, migrated or written."""

    exit_code = 5


class StoreBusyError(StoreError):
    """Another writer (an import, usually) holds the store's write lock; nothing was written.

    The same exit code as :class:`StoreError` (5) and, over HTTP, 503 ``store_unavailable``:
    the request may succeed when retried later.
    """


@dataclass(frozen=True, slots=True)
class Problem:
    """Where and why one piece of input is invalid.

    Attributes:
        path: the file the problem is in.
        location: a human description of where, e.g. ``"line 42"`` or ``"ticket 3 (id 481)"``.
        message: what is wrong.
        fix: how to fix it, or an empty string when the message says it all.
        line: the 1-based line number when known, for machines.
        warning: the record was read but left out on purpose (e.g. a ticket exported
            without any comment: nothing to score), or something in it deserves a look;
            a warning never fails an import or an analysis, it is reported beside it.
    """

    path: Path
    location: str
    message: str
    fix: str = ""
    line: int | None = None
    warning: bool = False

    def __str__(self) -> str:
        where = f"{self.path}, {self.location}" if self.location else str(self.path)
        text = f"{where}: {self.message}"
        return f"{text} ({self.fix})" if self.fix else text

    def to_dict(self) -> dict[str, object]:
        """The problem as a JSON-ready dict (for ``--json`` output)."""
        return {
            "path": str(self.path),
            "location": self.location,
            "line": self.line,
            "message": self.message,
            "fix": self.fix,
            **({"warning": True} if self.warning else {}),
        }


class FormatDetectionError(InputError):
    """No importer recognises a file, or the named format does not exist."""


class InvalidFileError(InputError):
    """A whole file cannot be read."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem


class InvalidRecordError(InputError):
    """One record of a file is malformed.

    Importers raise it while building one record; the import runner turns it into a
    reported :class:`Problem` and either aborts the import or skips the record.
    """

    def __init__(self, message: str, fix: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.fix = fix


class ImportFailed(InputError):
    """An all-or-nothing import (or analysis) found invalid input; nothing was written.

    Attributes:
        problems: the first problems found (at most a few hundred).
        problem_count: how many problems there were in all.
    """

    def __init__(
        self,
        problems: list[Problem],
        problem_count: int,
        *,
        outcome: str = "import rolled back",
        lost: str = "nothing was written",
        action: str = "import",
    ) -> None:
        noun = "problem" if problem_count == 1 else "problems"
        super().__init__(
            f"{outcome}: {problem_count} {noun} in the input, {lost} "
            f"(fix them, or pass --skip-invalid to {action} the valid records and skip the rest)"
        )
        self.problems = problems
        self.problem_count = problem_count
