"""Imports started from the import page: each runs in a background thread through the
same service as ``servicecoach import`` (``services.imports.run_import``), and its
progress and problems are kept in memory for the page to show.

An upload is saved under a temporary folder with its own file name (the format is
detected from the name and the content) and deleted when the import ends. Problems
name the uploaded file and the line.
"""

from __future__ import annotations

import re
import shutil
import tempfile
import threading
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from servicecoach.api.state import ServiceState
from servicecoach.errors import ImportFailed, Problem, ServiceCoachError
from servicecoach.services.imports import plan_import, run_import

__all__ = ["ImportJob", "JobBoard", "job_board", "safe_name"]

_BOARD = "web.pages.import_jobs"
_KEEP = 50


@dataclass(slots=True)
class ImportJob:
    """One import from the page, as it goes on.

    Attributes:
        id: its id in URLs.
        filename: the uploaded file's name.
        user: who started it.
        status: ``running``, ``done`` or ``failed``.
        bytes_done: bytes read so far.
        bytes_total: the file's size.
        conversations: conversations read so far.
        summary: what was written, when done (``ImportReport.to_dict``).
        problems: ``(where, message)`` per invalid record, first ones.
        problem_count: how many there were.
        error: why it failed, when it did.
        started_at: when it started.
    """

    id: str
    filename: str
    user: str
    status: str = "running"
    bytes_done: int = 0
    bytes_total: int = 0
    conversations: int = 0
    summary: dict[str, object] = field(default_factory=dict)
    problems: list[tuple[str, str]] = field(default_factory=list)
    problem_count: int = 0
    error: str | None = None
    started_at: datetime = field(default_factory=lambda: datetime.now(UTC))

    @property
    def percent(self) -> int:
        """Progress in percent (100 when finished)."""
        if self.status != "running":
            return 100
        return int(100 * self.bytes_done / self.bytes_total) if self.bytes_total else 0


def safe_name(name: str) -> str:
    """A file name safe to write: the last path part, odd characters replaced."""
    base = re.split(r"[\\/]", name)[-1].strip() or "upload"
    cleaned = re.sub(r"[^A-Za-z0-9._ -]", "_", base).lstrip(".")
    return cleaned[:120] or "upload"


def _where(problem: Problem, filename: str) -> str:
    where = filename
    if problem.location:
        where += f", {problem.location}"
    return where


class JobBoard:
    """The imports of one running service (the latest :data:`_KEEP`)."""

    def __init__(self, state: ServiceState) -> None:
        self._state = state
        self._jobs: dict[str, ImportJob] = {}
        self._lock = threading.Lock()

    def get(self, job_id: str) -> ImportJob | None:
        """The job ``job_id``, if known."""
        with self._lock:
            return self._jobs.get(job_id)

    def start(self, filename: str, data: bytes, user: str) -> ImportJob:
        """Save ``data`` as ``filename`` and import it in the background."""
        job = ImportJob(uuid.uuid4().hex[:12], safe_name(filename), user)
        job.bytes_total = len(data)
        folder = Path(tempfile.mkdtemp(prefix="servicecoach-upload-"))
        path = folder / job.filename
        path.write_bytes(data)
        with self._lock:
            self._jobs[job.id] = job
            for old in list(self._jobs)[:-_KEEP]:
                del self._jobs[old]
        threading.Thread(target=self._run, args=(job, folder, path), daemon=True).start()
        return job

    def _run(self, job: ImportJob, folder: Path, path: Path) -> None:
        def progress(done: int, _total: int, read: int) -> None:
            job.bytes_done, job.conversations = done, read

        try:
            report = run_import(self._state.store, plan_import([path]), progress=progress)
            job.summary = report.to_dict()
            job.conversations = report.conversations_read
            job.problems = [(_where(p, job.filename), p.message) for p in report.problems]
            job.problem_count = len(report.problems)
            job.status = "done"
        except ImportFailed as exc:
            job.problems = [(_where(p, job.filename), str(p.message)) for p in exc.problems]
            job.problem_count = exc.problem_count
            job.error = f"nothing was imported: {exc.problem_count} invalid record(s)"
            job.status = "failed"
        except ServiceCoachError as exc:
            job.error = str(exc).replace(str(path), job.filename)
            job.status = "failed"
        except Exception as exc:  # shown on the page instead of lost in a thread
            job.error = f"the import stopped: {exc}"
            job.status = "failed"
        finally:
            shutil.rmtree(folder, ignore_errors=True)


def job_board(state: ServiceState) -> JobBoard:
    """The import jobs of the running service (created on first use)."""
    found = state.extras.get(_BOARD)
    if isinstance(found, JobBoard):
        return found
    board = JobBoard(state)
    state.extras[_BOARD] = board
    return board
