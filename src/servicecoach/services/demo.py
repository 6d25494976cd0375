"""The demo: import the bundled samples into a local SQLite store, analyse and summarise them."""

from __future__ import annotations

from contextlib import ExitStack
from dataclasses import dataclass
from importlib.resources import as_file, files
from pathlib import Path

from servicecoach.analysis import ConversationResult, Evidence, Pipeline
from servicecoach.analysis.skills import skill_names
from servicecoach.ingest.base import ImportOptions
from servicecoach.rubric import Rubric
from servicecoach.services.analysis import analyze_store
from servicecoach.services.contact_reasons import build_contact_reasons, default_encoder
from servicecoach.services.imports import ImportReport, plan_import, run_import
from servicecoach.store import customers as store_customers
from servicecoach.store.database import Store
from servicecoach.store.reader import (
    StoreCounts,
    StoredConversation,
    counts,
    iter_conversations,
    timeline,
)

__all__ = ["DEMO_OPTIONS", "DemoSummary", "run_demo", "samples_dir"]

DEMO_OPTIONS = ImportOptions(support_addresses=("northwind.example",))
"""The sample company's support domain, so emails are split into agent and customer."""


@dataclass(frozen=True, slots=True)
class DemoSummary:
    """What the demo imported and found."""

    report: ImportReport
    counts: StoreCounts
    cross_channel: list[store_customers.CustomerSummary]
    featured: list[StoredConversation]
    results: list[ConversationResult]

    def skill_means(self) -> dict[str, tuple[int, float]]:
        """Per skill: how many conversations it applied to, and their mean score."""
        means: dict[str, tuple[int, float]] = {}
        for skill in skill_names():
            scores = [
                finding.score
                for result in self.results
                if (finding := result.skills.get(skill)) is not None and finding.score is not None
            ]
            if scores:
                means[skill] = (len(scores), sum(scores) / len(scores))
        return means

    def coaching(self, limit: int = 3) -> list[tuple[str, Evidence]]:
        """The first pieces of negative evidence that carry a suggestion, by conversation."""
        found: list[tuple[str, Evidence]] = []
        for result in self.results:
            for finding in result.skills.values():
                found += [
                    (result.conversation, e)
                    for e in finding.evidence
                    if e.polarity < 0 and e.suggestion and e.quote
                ]
        return found[:limit]


def samples_dir(stack: ExitStack) -> Path:
    """The folder of bundled sample files (extracted if the package is zipped)."""
    return stack.enter_context(as_file(files("servicecoach") / "samples"))


def run_demo(store: Store) -> DemoSummary:
    """Import every bundled sample into ``store``, analyse it as a run, collect a summary.

    The run and the contact reasons are stored, so ``servicecoach serve`` on the demo
    database shows the web app with data.
    """
    with ExitStack() as stack:
        plan = plan_import([samples_dir(stack)])
        report = run_import(store, plan, DEMO_OPTIONS)
    pipeline = Pipeline.from_rubric(Rubric())
    analyze_store(store, pipeline)
    build_contact_reasons(store, *default_encoder())
    with store.connect() as connection:
        totals = counts(connection)
        everyone = store_customers.list_customers(connection, limit=1000)
        cross = [c for c in everyone if len(c.channels) > 1]
        cross.sort(key=lambda c: (-len(c.channels), -c.conversations, c.id))
        featured = timeline(connection, cross[0].id) if cross else []
        results = list(pipeline.run(s.conversation for s in iter_conversations(connection)))
    return DemoSummary(report, totals, cross, featured, results)
