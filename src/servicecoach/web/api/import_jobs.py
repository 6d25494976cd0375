"""Imports started over HTTP: saved uploads imported in a background thread, one at a time.

Each job runs the same service as ``servicecoach import`` (:func:`plan_import` and
:func:`run_import`: format detection, all-or-nothing by default) and records its
progress (bytes and conversations read), its summary, and every problem with the
uploaded file's name and the line. The uploads are saved in a temporary folder under
their own (cleaned) names, so that formats are detected as on the command line, and
deleted when the job ends. Jobs run one after another (the store takes one writer);
the latest :data:`KEEP` jobs are kept in memory by the process that ran them.

After a successful import that wrote conversations, the job scores the store as
``servicecoach analyze`` does (:func:`analyze_store`: a new run over every stored
conversation, so that every page reads one consistent run) with the service's pipeline
(rules only under ``SERVICECOACH_FAST``), then fills in the run's dashboard sums. Its
``phase`` goes ``importing``, ``analysing``, ``done``. A failed analysis leaves the
import written and says so in ``analysis_error``.

A job writes with the scope of the viewer who started it (a lead: their team's
conversations only; an admin or an API token: everything). A job's error never carries
a server path, SQL or row data: unexpected errors are logged and reported in general
words.
"""

from __future__ import annotations

import logging
import re
import shutil
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO

from servicecoach.errors import (
    FormatDetectionError,
    ImportFailed,
    NotFoundError,
    Problem,
    ServiceCoachError,
)
from servicecoach.server.state import ServiceState
from servicecoach.services.analysis import analyze_store
from servicecoach.services.imports import ImportReport, plan_import, run_import
from servicecoach.store.analyses import latest_run
from servicecoach.store.filters import Scope

__all__ = ["KEEP", "ImportJob", "ImportJobs", "import_jobs", "upload_name"]

KEEP = 100
"""How many finished jobs are remembered."""
_EXTRAS_KEY = "web.api.import_jobs"
log = logging.getLogger("servicecoach.imports")


def upload_name(name: str | None, taken: set[str]) -> str:
    """A safe file name for an upload: its last path part, odd characters replaced,
    unique among ``taken`` (which it is added to)."""
    base = re.split(r"[\\/]", name or "")[-1].strip()
    cleaned = re.sub(r"[^A-Za-z0-9._ -]", "_", base).lstrip(".")[:120] or "upload"
    chosen, n = cleaned, 1
    while chosen.lower() in taken:
        n += 1
        stem, dot, ext = cleaned.rpartition(".")
        chosen = f"{stem}-{n}.{ext}" if dot and stem else f"{cleaned}-{n}"
    taken.add(chosen.lower())
    return chosen


@dataclass(slots=True)
class ImportJob:
    """One import, as it goes on.

    Attributes:
        id: its id in ``/v1/imports/{id}``.
        user: who started it.
        files: the uploaded files' names and sizes.
        skip_invalid: write the valid records and report the invalid ones.
        scope: what the job may write (the scope of the viewer who started it).
        redact: replace personal data and hash identifiers (docs/redaction.md).
        analyze: score the store once the import has written conversations.
        status: ``queued``, ``running``, ``done`` or ``failed``.
        phase: ``importing`` (also while queued), ``analysing`` or ``done``; a failed
            job keeps the phase it failed in.
        bytes_done: bytes read so far, of ``bytes_total``.
        conversations_read: conversations read so far.
        summary: what was written, when done.
        problems: invalid records and unreadable files, with file and line.
        problem_count: how many problems there were in all.
        error: why it failed, when it did (nothing was written then).
        invalid_records: it failed on invalid records (the page then names its checkbox).
        analysed: conversations scored so far, of ``analyse_total``.
        analysis: the run written (``run``, ``conversations``, ``seconds``, ``fast``).
        analysis_error: why the imported conversations were not scored, when they were not.
        written_from: when the import started writing (the page lists what it wrote).
        written_to: when it finished writing.
    """

    id: str
    user: str
    files: list[dict[str, Any]]
    skip_invalid: bool = False
    scope: Scope = field(default_factory=Scope.nothing)
    redact: bool = False
    analyze: bool = True
    status: str = "queued"
    phase: str = "importing"
    bytes_done: int = 0
    bytes_total: int = 0
    conversations_read: int = 0
    summary: dict[str, Any] | None = None
    problems: list[dict[str, Any]] = field(default_factory=list)
    problem_count: int = 0
    error: str | None = None
    invalid_records: bool = False
    analysed: int = 0
    analyse_total: int = 0
    analysis: dict[str, Any] | None = None
    analysis_error: str | None = None
    written_from: datetime | None = None
    written_to: datetime | None = None
    created_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    finished_at: datetime | None = None

    @property
    def progress(self) -> float:
        """0 to 1 in the current phase: bytes read of all while importing, conversations
        scored of all while analysing (1 when finished)."""
        if self.status in ("done", "failed"):
            return 1.0
        if self.phase == "analysing":
            return self.analysed / self.analyse_total if self.analyse_total else 0.0
        return self.bytes_done / self.bytes_total if self.bytes_total else 0.0

    def to_dict(self) -> dict[str, Any]:
        """The job as ``GET /v1/imports/{id}`` answers it."""
        return {
            "id": self.id,
            "status": self.status,
            "phase": self.phase,
            "user": self.user,
            "files": self.files,
            "skip_invalid": self.skip_invalid,
            "redact": self.redact,
            "analyze": self.analyze,
            "progress": round(self.progress, 4),
            "bytes_done": self.bytes_done,
            "bytes_total": self.bytes_total,
            "conversations_read": self.conversations_read,
            "summary": self.summary,
            "problems": self.problems,
            "problem_count": self.problem_count,
            "error": self.error,
            "analysed": self.analysed,
            "analyse_total": self.analyse_total,
            "analysis": self.analysis,
            "analysis_error": self.analysis_error,
            "created_at": self.created_at.isoformat(),
            "finished_at": self.finished_at.isoformat() if self.finished_at else None,
        }


def _problem(problem: Problem, names: dict[Path, str]) -> dict[str, Any]:
    return {
        "file": names.get(problem.path, problem.path.name),
        "line": problem.line,
        "location": problem.location,
        "message": problem.message,
        "fix": problem.fix,
    }


class ImportJobs:
    """The import jobs of one running service."""

    def __init__(self, state: ServiceState) -> None:
        self._state = state
        self._jobs: dict[str, ImportJob] = {}
        self._lock = threading.Lock()
        self._writer = threading.Lock()

    def get(self, job_id: str) -> ImportJob | None:
        """The job ``job_id``, if this process knows it."""
        with self._lock:
            return self._jobs.get(job_id)

    def start(
        self,
        uploads: list[tuple[str | None, BinaryIO]],
        user: str,
        *,
        scope: Scope,
        skip_invalid: bool = False,
        redact: bool = False,
        analyze: bool = True,
        wait: bool = False,
    ) -> ImportJob:
        """Save ``uploads`` (name, readable file) and import them in the background.

        Args:
            uploads: the files as uploaded.
            user: who asked.
            scope: what the import may write: the viewer's scope.
            skip_invalid: write the valid records, report the invalid ones.
            redact: replace personal data and hash identifiers before writing.
            analyze: score the store after an import that wrote conversations.
            wait: run in the calling thread (tests).
        """
        folder = Path(tempfile.mkdtemp(prefix="servicecoach-upload-"))
        taken: set[str] = set()
        files: list[dict[str, Any]] = []
        for name, handle in uploads:
            path = folder / upload_name(name, taken)
            with path.open("wb") as out:
                shutil.copyfileobj(handle, out, 1024 * 1024)
            files.append({"name": path.name, "bytes": path.stat().st_size})
        job = ImportJob(uuid.uuid4().hex, user, files, skip_invalid, scope, redact, analyze)
        job.bytes_total = sum(f["bytes"] for f in files)
        with self._lock:
            self._jobs[job.id] = job
            finished = [k for k, j in self._jobs.items() if j.status in ("done", "failed")]
            for old in finished[: max(0, len(self._jobs) - KEEP)]:
                del self._jobs[old]
        run: Callable[[], None] = lambda: self._run(job, folder)  # noqa: E731
        if wait:
            run()
        else:
            threading.Thread(target=run, name=f"import-{job.id[:8]}", daemon=True).start()
        return job

    def _run(self, job: ImportJob, folder: Path) -> None:
        names = {folder / f["name"]: f["name"] for f in job.files}

        def progress(done: int, total: int, read: int) -> None:
            job.bytes_done, job.bytes_total, job.conversations_read = done, total, read

        try:
            with self._writer:
                job.status = "running"
                plan = plan_import(sorted(names))
                job.written_from = datetime.now(UTC)
                report = run_import(
                    self._state.store,
                    plan,
                    skip_invalid=job.skip_invalid,
                    progress=progress,
                    scope=job.scope,
                    redact=job.redact,
                )
                job.written_to = datetime.now(UTC)
                summary = report.to_dict()
                summary["files"] = [
                    {"file": names.get(p, p.name), "format": f} for p, f in plan.files
                ]
                summary.pop("problems", None)
                summary["warnings"] = [_problem(p, names) for p in report.warnings]
                job.summary = summary
                job.conversations_read = report.conversations_read
                job.problems = [_problem(p, names) for p in report.problems]
                job.problem_count = report.skipped
                shutil.rmtree(folder, ignore_errors=True)  # not kept through the analysis
                if job.analyze and self._needs_analysis(report):
                    self._analyse(job)
            job.phase = "done"
            job.status = "done"
        except ImportFailed as exc:
            job.problems = [_problem(p, names) for p in exc.problems]
            job.problem_count = exc.problem_count
            job.error = (
                f"nothing was imported: {exc.problem_count} problem(s) in the files (fix "
                "them, or send skip_invalid=true to import the valid records)"
            )
            job.invalid_records = True
            job.status = "failed"
        except FormatDetectionError as exc:  # its words are for the command line (--format)
            named = next((n for p, n in names.items() if str(p) in str(exc)), "the upload")
            what = "the file is empty" if "is empty" in str(exc) else "no format recognises it"
            job.error = (
                f"{named}: {what}; nothing was imported (upload a file of one of the formats "
                "the import page lists, also `servicecoach formats`)"
            )
            job.status = "failed"
        except ServiceCoachError as exc:
            message = str(exc)
            for path, name in names.items():
                message = message.replace(str(path), name)
            job.error = message.replace(str(folder) + "/", "")
            job.status = "failed"
        except Exception:  # a bug: logged; the message may hold SQL or data, never shown
            log.exception("import %s stopped on an unexpected error", job.id)
            job.error = (
                "the import stopped on an internal error (see the server log); nothing was written"
            )
            job.status = "failed"
        finally:
            job.finished_at = datetime.now(UTC)
            shutil.rmtree(folder, ignore_errors=True)

    def _needs_analysis(self, report: ImportReport) -> bool:
        """Whether to score: the import wrote conversations, or nothing is scored yet."""
        if report.conversations_new or report.conversations_updated:
            return True
        with self._state.store.connect() as connection:
            try:
                latest_run(connection)
            except NotFoundError:
                return True
        return False

    def _analyse(self, job: ImportJob) -> None:
        """Score the store as a new run (the caller holds the writer lock)."""
        job.phase = "analysing"

        def progress(done: int, total: int, _scored: int) -> None:
            job.analysed, job.analyse_total = done, total

        started = time.perf_counter()
        try:
            run, count = analyze_store(self._state.store, self._state.pipeline, progress=progress)
        except ServiceCoachError as exc:
            job.analysis_error = f"the conversations were imported but not scored: {exc}"
        except Exception:  # a bug: logged; the import itself is written
            log.exception("import %s: the analysis stopped on an unexpected error", job.id)
            job.analysis_error = (
                "the conversations were imported but not scored: the analysis stopped on an "
                "internal error (see the server log); import the file again to retry"
            )
        else:
            job.analysis = {
                "run": run,
                "conversations": count,
                "seconds": round(time.perf_counter() - started, 3),
                "fast": self._state.settings.fast,
            }


def import_jobs(state: ServiceState) -> ImportJobs:
    """The import jobs of the running service (created on first use)."""
    found = state.extras.get(_EXTRAS_KEY)
    if isinstance(found, ImportJobs):
        return found
    jobs = state.extras.setdefault(_EXTRAS_KEY, ImportJobs(state))
    assert isinstance(jobs, ImportJobs)
    return jobs
