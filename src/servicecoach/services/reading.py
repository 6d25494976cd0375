"""Reading an import plan: conversations and problems, file by file, with progress."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from servicecoach.errors import InvalidFileError, Problem
from servicecoach.ingest.base import ImportOptions, Source
from servicecoach.model.conversation import Conversation
from servicecoach.services.plan import ImportPlan
from servicecoach.store.limits import storage_problem

__all__ = ["read_plan"]


def read_plan(
    plan: ImportPlan, options: ImportOptions
) -> Iterator[tuple[Sequence[Source], Conversation | Problem]]:
    """Every conversation and problem of the plan, with the sources being read.

    Files are read one by one unless an importer reads its files together. A file
    that cannot be read, and a conversation no supported database could store, become
    problems; the caller decides whether they stop the job.
    """
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
