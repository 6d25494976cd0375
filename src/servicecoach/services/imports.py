"""Importing files into the store: detect formats, read, resolve customers, write in batches.

An import runs in one transaction. By default it is all-or-nothing: the first invalid
record stops all writing, the rest of the input is still read so that every problem is
reported at once, and the transaction is rolled back. With ``skip_invalid`` the valid
records are written and the invalid ones reported.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from servicecoach.errors import (
    FormatDetectionError,
    ImportFailed,
    InvalidFileError,
    Problem,
    StoreError,
)
from servicecoach.ingest.base import Importer, ImportOptions, Source
from servicecoach.ingest.registry import detect_format, expand_paths, get_importer, importers
from servicecoach.model.conversation import Conversation
from servicecoach.store.database import Store
from servicecoach.store.limits import storage_problem
from servicecoach.store.schema import imports
from servicecoach.store.writer import ConversationWriter, WriteStats

__all__ = ["ImportPlan", "ImportReport", "plan_import", "run_import"]

MAX_PROBLEMS_KEPT = 500
ProgressCallback = Callable[[int, int, int], None]
"""Called with ``(bytes_done, bytes_total, conversations_read)`` as an import goes on."""


@dataclass(frozen=True, slots=True)
class ImportPlan:
    """Which importer reads which files."""

    groups: tuple[tuple[Importer, tuple[Path, ...]], ...]
    undetected: tuple[Problem, ...] = ()
    """Files found in folders that no importer recognises (reported as problems)."""

    @property
    def files(self) -> list[tuple[Path, str]]:
        """Every file with the name of the format it will be read as."""
        return [(path, importer.name) for importer, paths in self.groups for path in paths]

    @property
    def total_bytes(self) -> int:
        """The size of all files together."""
        return sum(path.stat().st_size for _, paths in self.groups for path in paths)


@dataclass(slots=True)
class ImportReport(WriteStats):
    """What an import did: what was written (:class:`WriteStats`), read and skipped."""

    files: list[tuple[Path, str]] = field(default_factory=list)
    conversations_read: int = 0
    skipped: int = 0
    problems: list[Problem] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def messages(self) -> int:
        """Messages written: new plus updated."""
        return self.messages_new + self.messages_updated

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready summary (``--json``)."""
        return {
            "files": [{"path": str(p), "format": f} for p, f in self.files],
            "conversations_read": self.conversations_read,
            "conversations_new": self.conversations_new,
            "conversations_updated": self.conversations_updated,
            "messages": self.messages,
            "messages_new": self.messages_new,
            "messages_updated": self.messages_updated,
            "customers_new": self.customers_new,
            "merges": self.merges,
            "skipped": self.skipped,
            "problems": [p.to_dict() for p in self.problems],
            "seconds": round(self.seconds, 3),
        }


def plan_import(paths: Sequence[Path], format: str | None = None) -> ImportPlan:
    """Expand folders and decide the format of each file.

    Files inside named folders that no importer recognises are kept in
    :attr:`ImportPlan.undetected` and reported by :func:`run_import`; a named file that
    is not recognised is an error at once.

    Raises:
        FormatDetectionError: a path is missing, a format unknown, or a named file
            undetectable.
    """
    files = expand_paths(paths)
    if format is not None:
        return ImportPlan(((get_importer(format), tuple(files)),) if files else ())
    named = {path for path in paths if not path.is_dir()}
    available = list(importers().values())
    grouped: dict[str, tuple[Importer, list[Path]]] = {}
    undetected: list[Problem] = []
    for path in files:
        try:
            importer = detect_format(path, available)
        except FormatDetectionError as exc:
            if path in named:
                raise
            empty = "is empty" in str(exc)
            undetected.append(
                Problem(
                    path,
                    "",
                    "the file is empty" if empty else "no importer recognises this file",
                    "remove it from the folder, or pass --format (see `servicecoach formats`)",
                )
            )
            continue
        grouped.setdefault(importer.name, (importer, []))[1].append(path)
    return ImportPlan(
        tuple((importer, tuple(group)) for importer, group in grouped.values()), tuple(undetected)
    )


def _read(
    plan: ImportPlan, options: ImportOptions
) -> Iterator[tuple[Sequence[Source], Conversation | Problem]]:
    """Every conversation and problem of the plan, with the sources being read."""
    for importer, paths in plan.groups:
        runs = [paths] if importer.reads_together else [(path,) for path in paths]
        for run_paths in runs:
            sources = [Source(path) for path in run_paths]
            try:
                for item in importer.read(sources, options):
                    if not isinstance(item, Problem) and (why := storage_problem(item)):
                        item = Problem(run_paths[0], f"conversation {item.id!r}", *why)
                    yield sources, item
            except InvalidFileError as exc:
                yield sources, exc.problem
            except RecursionError:
                yield (
                    sources,
                    Problem(
                        run_paths[0],
                        "",
                        "the file is nested too deeply to read",
                        "check that it is a real export of this format",
                    ),
                )


def run_import(
    store: Store,
    plan: ImportPlan,
    options: ImportOptions | None = None,
    *,
    skip_invalid: bool = False,
    batch_size: int = 500,
    progress: ProgressCallback | None = None,
) -> ImportReport:
    """Read every file of ``plan`` and write its conversations to ``store``.

    Raises:
        ImportFailed: invalid input without ``skip_invalid``; nothing was written.
        StoreError: the database refused a write.
    """
    options = options or ImportOptions()
    report = ImportReport(files=plan.files)
    started = time.perf_counter()
    started_at = datetime.now(UTC)
    total = plan.total_bytes
    done: dict[Path, int] = {}

    def note(problem: Problem) -> None:
        if len(report.problems) < MAX_PROBLEMS_KEPT:
            report.problems.append(problem)
        report.skipped += 1

    for problem in plan.undetected:
        note(problem)
    try:
        with store.begin() as connection:
            writer = ConversationWriter(
                connection,
                region=options.default_region,
                threaded_sources={i.name for i, _ in plan.groups if i.message_ids_are_global},
            )
            batch: list[Conversation] = []
            current: Sequence[Source] = ()
            for sources, item in _read(plan, options):
                if sources is not current:  # the files before are read to the end
                    done.update((s.path, s.size) for s in current)
                    current = sources
                if isinstance(item, Problem):
                    note(item)
                    continue
                report.conversations_read += 1
                if report.skipped and not skip_invalid:
                    continue  # rolled back at the end: read on only to report every problem
                batch.append(item)
                if len(batch) >= batch_size:
                    writer.write(batch)
                    batch.clear()
                if progress is not None and report.conversations_read % 50 == 0:
                    done.update((s.path, s.bytes_read) for s in sources)
                    progress(sum(done.values()), total, report.conversations_read)
            if report.skipped and not skip_invalid:
                raise ImportFailed(report.problems, report.skipped)
            if batch:
                writer.write(batch)
            for name in WriteStats.__dataclass_fields__:
                setattr(report, name, getattr(writer.stats, name))
            report.seconds = time.perf_counter() - started
            connection.execute(
                imports.insert().values(
                    started_at=started_at,
                    finished_at=datetime.now(UTC),
                    paths=[str(p) for p, _ in plan.files],
                    formats=sorted({f for _, f in plan.files}),
                    conversations_new=report.conversations_new,
                    conversations_updated=report.conversations_updated,
                    messages=report.messages,
                    skipped=report.skipped,
                )
            )
    except SQLAlchemyError as exc:
        raise StoreError(f"the database refused the import, nothing was written: {exc}") from None
    if progress is not None:
        progress(total, total, report.conversations_read)
    return report
