"""Evaluating servicecoach on labelled files: read, analyse the labelled conversations, compare."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

from servicecoach.analysis.pipeline import Pipeline
from servicecoach.errors import ImportFailed, Problem
from servicecoach.evaluation.evaluate import EvalReport, evaluate
from servicecoach.evaluation.labels import LabelSet
from servicecoach.ingest.base import ImportOptions, Source
from servicecoach.model.conversation import Conversation
from servicecoach.services.plan import ImportPlan
from servicecoach.services.reading import read_plan

__all__ = ["evaluate_plan"]

_MAX_PROBLEMS = 200


def evaluate_plan(
    plan: ImportPlan,
    labels: LabelSet,
    pipeline: Pipeline,
    options: ImportOptions | None = None,
    *,
    skip_invalid: bool = False,
    progress: Callable[[int, int, int], None] | None = None,
) -> tuple[EvalReport, list[Problem]]:
    """Analyse the conversations of ``plan`` that ``labels`` mention and measure them.

    Conversations without labels are read but not analysed.

    Returns:
        the report, and the invalid records skipped (with ``skip_invalid``).

    Raises:
        ImportFailed: invalid input without ``skip_invalid``; nothing was measured.
    """
    problems: list[Problem] = []
    count = 0
    wanted = labels.conversation_ids

    def labelled() -> Iterator[Conversation]:
        nonlocal count
        done: dict[Path, int] = {}
        current: tuple[Source, ...] = ()
        analysed = 0
        for sources, item in read_plan(plan, options or ImportOptions()):
            if tuple(sources) != current:
                done.update((s.path, s.size) for s in current)
                current = tuple(sources)
            if isinstance(item, Problem):
                if item.warning:  # a record left out on purpose: nothing to evaluate
                    continue
                count += 1
                if len(problems) < _MAX_PROBLEMS:
                    problems.append(item)
                continue
            if item.id not in wanted or (count and not skip_invalid):
                continue
            analysed += 1
            yield item
            if progress is not None and analysed % 20 == 0:
                done.update((s.path, s.bytes_read) for s in sources)
                progress(sum(done.values()), plan.total_bytes, analysed)

    problems.extend(plan.undetected)
    count += len(plan.undetected)
    report = evaluate(pipeline.run(labelled()), labels)
    if count and not skip_invalid:
        raise ImportFailed(
            problems, count, outcome="evaluation stopped", lost="nothing was measured",
            action="evaluate",
        )  # fmt: skip
    return report, problems
