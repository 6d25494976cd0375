"""The demo: import the bundled sample files into a local SQLite store and summarise them."""

from __future__ import annotations

from contextlib import ExitStack
from dataclasses import dataclass
from importlib.resources import as_file, files
from pathlib import Path

from servicecoach.ingest.base import ImportOptions
from servicecoach.services.imports import ImportReport, plan_import, run_import
from servicecoach.store import customers as store_customers
from servicecoach.store.database import Store
from servicecoach.store.reader import StoreCounts, StoredConversation, counts, timeline

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


def samples_dir(stack: ExitStack) -> Path:
    """The folder of bundled sample files (extracted if the package is zipped)."""
    return stack.enter_context(as_file(files("servicecoach") / "samples"))


def run_demo(store: Store) -> DemoSummary:
    """Import every bundled sample into ``store`` and collect a summary."""
    with ExitStack() as stack:
        plan = plan_import([samples_dir(stack)])
        report = run_import(store, plan, DEMO_OPTIONS)
    with store.connect() as connection:
        totals = counts(connection)
        everyone = store_customers.list_customers(connection, limit=1000)
        cross = [c for c in everyone if len(c.channels) > 1]
        cross.sort(key=lambda c: (-len(c.channels), -c.conversations, c.id))
        featured = timeline(connection, cross[0].id) if cross else []
    return DemoSummary(report, totals, cross, featured)
