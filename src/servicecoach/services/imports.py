"""Importing files into the store: detect formats, read, resolve customers, write in batches.

An import runs in one transaction. By default it is all-or-nothing: the first invalid
record stops all writing, the rest of the input is still read so that every problem is
reported at once, and the transaction is rolled back. With ``skip_invalid`` the valid
records are written and the invalid ones reported.

The importer's :class:`~servicecoach.store.filters.Scope` decides what it may write
(everything for admins, API tokens and the command line; a lead's team's conversations
for a lead, see ``store/writer.py``): a conversation outside it is an invalid record,
reported by file and conversation id. A conversation or message id repeated in the input
is merged (the later copy wins) and reported as a warning, counted in ``duplicates``.

An import holds the store's write lock from its start (``Store.begin(exclusive=True)``):
a second import started meanwhile from another process waits a few seconds, then fails
with "the database is busy: another import ..." (exit code 5, nothing written). Within
one server, imports queue instead (``web/api/import_jobs.py``). Database errors are
reported by their first line, never with SQL or row data.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from servicecoach.errors import (
    ImportFailed,
    Problem,
    StoreError,
)
from servicecoach.ingest.base import ImportOptions, Source
from servicecoach.ingest.transcripts.roles import speaker_option_warnings
from servicecoach.model.conversation import Conversation
from servicecoach.privacy.conversation import Redactor
from servicecoach.privacy.redact import RedactionCounts
from servicecoach.services.plan import ImportPlan, plan_import
from servicecoach.services.reading import read_plan
from servicecoach.store.database import Store, describe_error
from servicecoach.store.filters import Scope
from servicecoach.store.redaction_key import redaction_key
from servicecoach.store.schema import imports
from servicecoach.store.writer import ConversationWriter, WriteNote, WriteStats

__all__ = ["ImportPlan", "ImportReport", "plan_import", "run_import"]

MAX_PROBLEMS_KEPT = 500
ProgressCallback = Callable[[int, int, int], None]
"""Called with ``(bytes_done, bytes_total, conversations_read)`` as an import goes on."""


@dataclass(slots=True)
class ImportReport(WriteStats):
    """What an import did: what was written (:class:`WriteStats`), read and skipped.

    ``problems`` are the records skipped (or, without ``skip_invalid``, that failed the
    import); ``warnings`` are remarks that fail nothing: records written with a remark
    (duplicates), records an importer left out on purpose (nothing to score), ``--speaker``
    labels that matched no speaker.
    """

    files: list[tuple[Path, str]] = field(default_factory=list)
    conversations_read: int = 0
    skipped: int = 0
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    redacted: RedactionCounts | None = None
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
            "duplicates": self.duplicates,
            "skipped": self.skipped,
            "problems": [p.to_dict() for p in self.problems],
            "warnings": [p.to_dict() for p in self.warnings],
            **({"redacted": self.redacted.to_dict()} if self.redacted is not None else {}),
            "seconds": round(self.seconds, 3),
        }


def run_import(
    store: Store,
    plan: ImportPlan,
    options: ImportOptions | None = None,
    *,
    skip_invalid: bool = False,
    batch_size: int = 500,
    progress: ProgressCallback | None = None,
    scope: Scope | None = None,
    redact: bool = False,
) -> ImportReport:
    """Read every file of ``plan`` and write its conversations to ``store``.

    Args:
        store: the store.
        plan: the files and their importers.
        options: how sources are read.
        skip_invalid: write the valid records and report the invalid ones.
        batch_size: conversations per write.
        progress: called as the import goes on.
        scope: what the importer may write; everything (admins, API tokens, the
            command line, which runs with the database owner's rights) by default.
        redact: replace emails, phone numbers, card numbers and street addresses in
            the text and hash the customer's identifiers before anything is written
            (docs/redaction.md); the report counts what was removed.

    Raises:
        ImportFailed: invalid input (a conversation outside ``scope`` included)
            without ``skip_invalid``; nothing was written.
        StoreBusyError: another import holds the store (nothing was written).
        StoreError: the database refused a write.
    """
    options = options or ImportOptions()
    report = ImportReport(files=plan.files)
    started = time.perf_counter()
    started_at = datetime.now(UTC)
    total = plan.total_bytes
    done: dict[Path, int] = {}
    speakers: dict[str, None] = {}  # call speaker labels read, for the --speaker warnings

    def note(problem: Problem) -> None:
        if len(report.problems) < MAX_PROBLEMS_KEPT:
            report.problems.append(problem)
        report.skipped += 1

    def warn(problem: Problem) -> None:
        if len(report.warnings) < MAX_PROBLEMS_KEPT:
            report.warnings.append(problem)

    def take_notes(notes: list[WriteNote], origins: list[Path]) -> None:
        for item in notes:
            where = f"conversation {item.conversation_id!r}"
            problem = Problem(origins[item.index], where, item.message, item.fix)
            if item.refused:
                note(problem)
            else:
                warn(problem)

    for problem in plan.undetected:
        note(problem)
    # The key is read (or created) in its own short transaction, before the import
    # takes the write lock.
    redactor = Redactor(redaction_key(store), options.default_region) if redact else None
    try:
        with store.begin(exclusive=True) as connection:
            writer = ConversationWriter(
                connection,
                region=options.default_region,
                threaded_sources={i.name for i, _ in plan.groups if i.message_ids_are_global},
                scope=scope,
            )
            batch: list[Conversation] = []
            origins: list[Path] = []

            def flush() -> None:
                failed = report.skipped and not skip_invalid
                # Once the import has failed nothing more is written: the rest is only
                # checked, so that every problem is reported at once.
                take_notes(writer.check(batch) if failed else writer.write(batch), origins)
                batch.clear()
                origins.clear()

            current: Sequence[Source] = ()
            for sources, item in read_plan(plan, options):
                if sources is not current:  # the files before are read to the end
                    done.update((s.path, s.size) for s in current)
                    current = sources
                if isinstance(item, Problem):
                    if item.warning:
                        warn(item)
                    else:
                        note(item)
                    continue
                report.conversations_read += 1
                if options.speaker_roles:
                    speakers.update(dict.fromkeys(item.meta.get("speakers", ())))
                batch.append(redactor.conversation(item) if redactor is not None else item)
                origins.append(sources[0].path)
                if len(batch) >= batch_size:
                    flush()
                if progress is not None and report.conversations_read % 50 == 0:
                    done.update((s.path, s.bytes_read) for s in sources)
                    progress(sum(done.values()), total, report.conversations_read)
            if batch:
                flush()
            if options.speaker_roles:
                for warning in speaker_option_warnings(options.speaker_roles, speakers):
                    warn(warning)
            if report.skipped and not skip_invalid:
                raise ImportFailed(report.problems, report.skipped)
            for name in WriteStats.__dataclass_fields__:
                setattr(report, name, getattr(writer.stats, name))
            if redactor is not None:
                report.redacted = redactor.counts
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
        raise StoreError(
            f"the database refused the import, nothing was written: {describe_error(exc)}"
        ) from None
    if progress is not None:
        progress(total, total, report.conversations_read)
    return report
