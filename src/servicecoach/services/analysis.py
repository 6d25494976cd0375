"""Analysing files directly (no database): read any supported format, write FORMAT.md results.

Like an import, an analysis is all-or-nothing by default: invalid input stops it before
any result is written (every problem is still reported). With ``skip_invalid`` the valid
conversations are analysed and the invalid records reported. Results go to a temporary
file beside the output that replaces it only at the end.
"""

from __future__ import annotations

import json
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from servicecoach.analysis.pipeline import BATCH, Pipeline
from servicecoach.analysis.result import ConversationResult
from servicecoach.errors import ImportFailed, Problem
from servicecoach.files import atomic_text
from servicecoach.ingest.base import ImportOptions, Source
from servicecoach.model.conversation import Conversation
from servicecoach.services.collection import BatchCollection
from servicecoach.services.plan import ImportPlan
from servicecoach.services.reading import read_plan

if TYPE_CHECKING:  # the store (SQLAlchemy, Alembic) is imported by analyze_store alone
    from servicecoach.store.database import Store

__all__ = ["AnalysisReport", "RenderedResult", "Runner", "analyze_plan", "analyze_store"]

MAX_PROBLEMS_KEPT = 500

_ENCODER = json.JSONEncoder(ensure_ascii=False, check_circular=False)
"""``json.dumps(..., ensure_ascii=False)`` without making an encoder per line or checking
for cycles (a result is a tree): the same text, 14% less time."""


@dataclass(frozen=True, slots=True)
class RenderedResult:
    """A result already written as its JSON line (FORMAT.md), as worker processes send it."""

    line: str
    failures: int


Runner = Callable[[Iterable[Conversation]], Iterable[ConversationResult | RenderedResult]]
"""What turns conversations into their results, in order: ``Pipeline.run`` here, worker
processes here (:mod:`servicecoach.services.local_pool`), or a cluster
(:mod:`servicecoach.services.distributed`)."""


@dataclass(slots=True)
class AnalysisReport:
    """What an analysis did."""

    files: list[tuple[Path, str]]
    conversations: int = 0
    failures: int = 0
    skipped: int = 0
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    seconds: float = 0.0

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready summary (``--json``)."""
        return {
            "files": [{"path": str(p), "format": f} for p, f in self.files],
            "conversations": self.conversations,
            "analyser_failures": self.failures,
            "skipped": self.skipped,
            "problems": [p.to_dict() for p in self.problems],
            "warnings": [p.to_dict() for p in self.warnings],
            "seconds": round(self.seconds, 3),
        }


def analyze_plan(
    plan: ImportPlan,
    pipeline: Pipeline,
    out: Path | None,
    options: ImportOptions | None = None,
    *,
    skip_invalid: bool = False,
    stdout: TextIO | None = None,
    progress: Callable[[int, int, int], None] | None = None,
    runner: Runner | None = None,
) -> AnalysisReport:
    """Analyse every conversation of ``plan`` and write one result line per conversation.

    Args:
        plan: the files and their formats.
        pipeline: the analysers to run.
        out: the results file, or ``None`` to write to ``stdout``.
        options: how to read the files.
        skip_invalid: analyse the valid records when some are invalid.
        stdout: where results go when ``out`` is ``None``.
        progress: called with ``(bytes_done, bytes_total, conversations)``.
        runner: analyses the conversations (default: ``pipeline.run`` in this process).

    Raises:
        ImportFailed: invalid input without ``skip_invalid``; no results were written.
    """
    options = options or ImportOptions()
    report = AnalysisReport(files=plan.files)
    started = time.perf_counter()
    for problem in plan.undetected:
        _note(report, problem)
    run = runner or pipeline.run
    if out is None:
        _analyze(plan, run, options, skip_invalid, report, stdout, progress)
    else:
        with atomic_text(out) as handle:
            _analyze(plan, run, options, skip_invalid, report, handle, progress)
    report.seconds = time.perf_counter() - started
    return report


def _note(report: AnalysisReport, problem: Problem) -> None:
    if problem.warning:  # left out on purpose: reported, never a failure
        if len(report.warnings) < MAX_PROBLEMS_KEPT:
            report.warnings.append(problem)
        return
    if len(report.problems) < MAX_PROBLEMS_KEPT:
        report.problems.append(problem)
    report.skipped += 1


def _analyze(
    plan: ImportPlan,
    run: Runner,
    options: ImportOptions,
    skip_invalid: bool,
    report: AnalysisReport,
    handle: TextIO | None,
    progress: Callable[[int, int, int], None] | None,
) -> None:
    total = plan.total_bytes
    done: dict[Path, int] = {}
    lines: list[str] = []

    def conversations() -> Iterator[Conversation]:
        current: tuple[Source, ...] = ()
        for sources, item in read_plan(plan, options):
            if tuple(sources) != current:
                done.update((s.path, s.size) for s in current)
                current = tuple(sources)
            done.update((s.path, s.bytes_read) for s in sources)
            if isinstance(item, Problem):
                _note(report, item)
            elif not report.skipped or skip_invalid:
                yield item  # once stopped, read on only to report every problem

    with BatchCollection() as collection:
        _collect(run(conversations()), report, lines, handle, collection, progress, done, total)
    if report.skipped and not skip_invalid:
        raise ImportFailed(
            report.problems,
            report.skipped,
            outcome="analysis stopped",
            lost="no results were written",
            action="analyse",
        )
    if lines and handle is not None:
        handle.write("\n".join(lines) + "\n")
    if progress is not None:
        progress(total, total, report.conversations)


def _collect(
    results: Iterable[ConversationResult | RenderedResult],
    report: AnalysisReport,
    lines: list[str],
    handle: TextIO | None,
    collection: BatchCollection,
    progress: Callable[[int, int, int], None] | None,
    done: dict[Path, int],
    total: int,
) -> None:
    """Count and render ``results``, writing every 200 lines (all of them only when valid)."""
    for result in results:
        report.conversations += 1
        if isinstance(result, RenderedResult):
            report.failures += result.failures
            lines.append(result.line)
        else:
            report.failures += len(result.failures)
            lines.append(_ENCODER.encode(result.to_dict()))
        if len(lines) >= 200 and handle is not None:
            handle.write("\n".join(lines) + "\n")
            lines.clear()
        if report.conversations % BATCH == 0:
            collection.loaded()
            if progress is not None:
                progress(sum(done.values()), total, report.conversations)


def analyze_store(
    store: Store,
    pipeline: Pipeline,
    *,
    batch_size: int = 200,
    progress: Callable[[int, int, int], None] | None = None,
) -> tuple[int, int]:
    """Analyse every stored conversation as a new run (earlier runs are kept).

    Each conversation is analysed with the customer's earlier conversations as history.
    The run is one transaction: it is stored whole or not at all.

    Returns:
        The run id and the number of conversations analysed.
    """
    # Here, not at the top: analysing files needs no store, and importing SQLAlchemy and
    # Alembic was half the start-up of ``servicecoach analyze FILE``.
    from servicecoach.store.analyses import finish_run, save_results, start_run
    from servicecoach.store.reader import (
        StoredConversation,
        counts,
        earlier_conversations,
        iter_conversations,
    )

    with store.begin() as connection:
        total = counts(connection).conversations
        if progress is not None:
            progress(0, total, 0)  # the total is known before the first result
        run = start_run(
            connection,
            pipeline.versions,
            {name: cfg for name, cfg in pipeline.config.items() if cfg},
        )
        batch: list[tuple[int, ConversationResult]] = []
        analysed: dict[int, StoredConversation] = {}
        order: deque[int] = deque()

        def items() -> Iterator[tuple[Conversation, tuple[Conversation, ...] | None]]:
            for stored in iter_conversations(connection):
                analysed[stored.pk] = stored
                order.append(stored.pk)
                yield stored.conversation, earlier_conversations(connection, stored)

        done = 0
        with BatchCollection() as collection:
            for result in pipeline.stream(items()):
                batch.append((order.popleft(), result))
                done += 1
                if len(batch) >= batch_size:
                    save_results(connection, run, batch, analysed)
                    for pk, _ in batch:
                        del analysed[pk]
                    batch.clear()
                    collection.loaded()
                if progress is not None and done % 50 == 0:
                    progress(done, total, done)
        save_results(connection, run, batch, analysed)
        finish_run(connection, run, done)
    if progress is not None:
        progress(total, total, done)
    return run, done
