"""Screenshots of every page of the web app into docs/screenshots/ (laptop and phone width).

Two stores are built in a temporary folder: 3,000 synthetic analysed conversations from
``benchmarks/make_dashboard_db.py`` (overview, agents, lists and contact reasons need volume;
one of them is moved six years back, the stray that the default period leaves out) and
the bundled samples imported and analysed by the real pipeline (the conversation view
and customer timeline show real evidence and emotions). The import page is photographed
while it scores the synthetic store (the analysis held at 1,200 conversations) and once
done. The practice pages (a lead assigning a scenario, an agent's session after two replies
that took two branches, the debrief) are taken on the samples store. Each is served by the real
app with uvicorn and photographed with Debian's Chromium driven by Playwright (the same
set-up as the end-to-end tests; no browser is downloaded).

Usage: python scripts/screenshots.py [--out docs/screenshots]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import threading
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "benchmarks")]

from playwright.sync_api import Page, sync_playwright  # noqa: E402
from sqlalchemy import text  # noqa: E402
from tests.e2e.browser import add_users, browser_context, chromium_missing, log_in, serve  # noqa: E402

from servicecoach.analysis import Pipeline  # noqa: E402
from servicecoach.rubric import Rubric  # noqa: E402
from servicecoach.services.analysis import analyze_store  # noqa: E402
from servicecoach.services.demo import DEMO_OPTIONS, samples_dir  # noqa: E402
from servicecoach.services.imports import plan_import, run_import  # noqa: E402
from servicecoach.store.agents import set_agent_team  # noqa: E402
from servicecoach.store.database import Store  # noqa: E402
from servicecoach.web.api import import_jobs  # noqa: E402

LAPTOP = (1366, 900)
NARROW = (390, 844)


def _synthetic(folder: Path) -> str:
    from make_dashboard_db import generate

    db = folder / "synthetic.db"
    generate(db, 3000, 7, "hashing")
    add_users(str(db), team="north", agent="Sam")
    _stray(str(db))
    return str(db)


def _stray(db: str) -> None:
    """Move Sam's first conversation six years back (its daily sums are rebuilt on start)."""
    with Store.open(db) as store, store.begin() as connection:
        pk = connection.execute(
            text(
                "SELECT conversation_id FROM conversation_metrics WHERE agent = 'Sam' "
                "ORDER BY started_at LIMIT 1"
            )
        ).scalar_one()
        for statement in (
            "UPDATE conversations SET started_at = datetime(started_at, '-6 years') WHERE id = :pk",
            "UPDATE conversation_metrics SET started_at = datetime(started_at, '-6 years'), "
            "started_day = date(started_day, '-6 years') WHERE conversation_id = :pk",
            "UPDATE messages SET at_utc = datetime(at_utc, '-6 years') WHERE conversation_id = :pk",
            "DELETE FROM daily_skill_scores",  # the day sums are refilled on first read
            "DELETE FROM metrics_daily",
        ):
            connection.execute(text(statement), {"pk": pk})


def _hold_analysis(at: int) -> threading.Event:
    """Hold the import job's analysis once it has scored ``at`` conversations."""
    release = threading.Event()
    real = import_jobs.analyze_store

    def held(*args: Any, **kwargs: Any) -> tuple[int, int]:
        report: Callable[[int, int, int], None] = kwargs["progress"]

        def progress(done: int, total: int, scored: int) -> None:
            report(done, total, scored)
            if done >= at and not release.is_set():
                release.wait(120)

        kwargs["progress"] = progress
        return real(*args, **kwargs)

    import_jobs.analyze_store = held  # type: ignore[assignment]
    return release


def _samples(folder: Path) -> tuple[str, int, int]:
    """The analysed samples; the conversation with the most evidence and a returning customer."""
    db = folder / "samples.db"
    with Store.open(db) as store:
        with ExitStack() as stack:
            run_import(store, plan_import([samples_dir(stack)]), DEMO_OPTIONS)
        analyze_store(store, Pipeline.from_rubric(Rubric(), fast=True))
        with store.begin() as connection:
            for agent in ("Sam Ortiz", "Priya Nair", "NorthwindHelp"):
                set_agent_team(connection, agent, "north")
            conversation = connection.execute(
                text(
                    "SELECT conversation_id FROM conversation_metrics "
                    "WHERE agent = 'Sam Ortiz' AND channel = 'email' "
                    "ORDER BY messages DESC, conversation_id LIMIT 1"
                )
            ).scalar_one()
            customer = connection.execute(
                text(
                    "SELECT customer_id FROM conversation_metrics GROUP BY customer_id "
                    "ORDER BY COUNT(DISTINCT channel) DESC, COUNT(*) DESC LIMIT 1"
                )
            ).scalar_one()
    add_users(str(db), team="north", agent="Sam Ortiz")
    return str(db), int(conversation), int(customer)


def _shoot(page: Page, url: str, out: Path, *, focus: str | None = None) -> None:
    page.goto(url)
    page.wait_for_load_state("networkidle")
    if focus is not None and page.locator(focus).count():
        page.locator(focus).first.focus()  # opens the evidence popover
        page.wait_for_selector("#evidence-pop:not([hidden])", timeout=5_000)
    page.screenshot(path=str(out), full_page=True)
    print(f"  {out}")


PRACTICE_REPLIES = (  # the two branches of tests/e2e/test_practice_browser.py, then the end
    "We will look into it.",
    "I'm so sorry, Imogen - that's really upsetting with a birthday coming. "
    "Please send us a DM and we'll check your parcel there.",
    "Thanks, Imogen. I've sent a new lamp by next-day courier today; it arrives on Friday.",
    "Have a lovely weekend, and happy birthday to your dad!",
)


def _practice_pages(playwright: Any, base: str, out: Path) -> None:
    """A lead assigns a scenario; the agent plays it through two branches to the debrief."""
    with browser_context(playwright, width=LAPTOP[0], height=LAPTOP[1]) as context:
        log_in(context, base, "lena")
        page = context.new_page()
        page.goto(f"{base}/practice")
        page.select_option("form.assign-form select[name=scenario]", "late-parcel-public")
        page.select_option("form.assign-form select[name=to]", "agent:Sam Ortiz")
        page.click("form.assign-form button[type=submit]")
        page.wait_for_load_state("networkidle")
        page.locator("#assignments").screenshot(path=str(out / "practice-assign.png"))
        print(f"  {out / 'practice-assign.png'}")
    with browser_context(playwright, width=LAPTOP[0], height=LAPTOP[1]) as context:
        log_in(context, base, "sam")
        page = context.new_page()
        page.goto(f"{base}/practice")
        page.locator("[data-scenario=late-parcel-public] button").click()
        page.wait_for_url("**/practice/session")
        for index, reply in enumerate(PRACTICE_REPLIES):
            page.fill("#reply", reply)
            page.click("form.practice-reply button[type=submit]")
            page.wait_for_load_state("networkidle")
            if index == 1:
                page.screenshot(path=str(out / "practice.png"), full_page=True)
                print(f"  {out / 'practice.png'}")
        page.locator("#debrief").wait_for()
        page.locator("#debrief").screenshot(path=str(out / "practice-debrief.png"))
        print(f"  {out / 'practice-debrief.png'}")


def main() -> None:
    """Build the stores, serve them, photograph every page."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "screenshots")
    args = parser.parse_args()
    if reason := chromium_missing():
        raise SystemExit(f"cannot take screenshots: {reason}")
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as playwright:
        folder = Path(tmp)
        synthetic = _synthetic(folder)
        samples, conversation, customer = _samples(folder)
        with serve(synthetic) as base:
            for size, suffix in ((LAPTOP, ""), (NARROW, "-narrow")):
                with browser_context(playwright, width=size[0], height=size[1]) as context:
                    page = context.new_page()
                    if not suffix:
                        _shoot(page, f"{base}/login", args.out / "login.png")
                    log_in(context, base, "lena")
                    _shoot(page, f"{base}/", args.out / f"overview{suffix}.png")
                    _shoot(page, f"{base}/agents/Sam", args.out / f"scorecard{suffix}.png")
                    if not suffix:
                        _shoot(page, f"{base}/agents", args.out / "agents.png")
                        _shoot(page, f"{base}/conversations", args.out / "conversations.png")
                        _shoot(page, f"{base}/reasons", args.out / "contact-reasons.png")
            with browser_context(playwright, width=NARROW[0], height=NARROW[1]) as context:
                log_in(context, base, "sam")
                _shoot(context.new_page(), f"{base}/", args.out / "overview-agent-narrow.png")
            with browser_context(playwright, width=LAPTOP[0], height=LAPTOP[1]) as context:
                log_in(context, base, "lena")
                page = context.new_page()
                release = _hold_analysis(1200)
                page.goto(f"{base}/import")
                page.set_input_files(
                    "#file", str(REPO / "src/servicecoach/samples/zendesk/tickets.json")
                )
                page.click("form.upload button[type=submit]")
                page.wait_for_selector(".import-job[data-phase=analysing]", timeout=60_000)
                progress = page.locator(".job-state", has_text="1,200 of")
                progress.wait_for(timeout=60_000)  # app.js follows it (no eval under the CSP)
                page.screenshot(path=str(args.out / "import-progress.png"), full_page=True)
                print(f"  {args.out / 'import-progress.png'}")
                release.set()
                page.wait_for_selector(".import-job[data-status=done]", timeout=120_000)
        with serve(samples) as base:
            for size, suffix in ((LAPTOP, ""), (NARROW, "-narrow")):
                with browser_context(playwright, width=size[0], height=size[1]) as context:
                    log_in(context, base, "ada")
                    page = context.new_page()
                    _shoot(
                        page,
                        f"{base}/conversations/{conversation}",
                        args.out / f"conversation{suffix}.png",
                        focus="mark.cost[data-tip], mark[data-tip]",
                    )
                    _shoot(page, f"{base}/customers/{customer}", args.out / f"customer{suffix}.png")
                    if not suffix:
                        page.goto(f"{base}/import")
                        page.set_input_files(
                            "#file", str(REPO / "src/servicecoach/samples/zendesk/tickets.json")
                        )
                        page.click("form.upload button[type=submit]")
                        page.wait_for_selector(".import-job[data-status=done]", timeout=60_000)
                        page.screenshot(path=str(args.out / "import.png"), full_page=True)
                        print(f"  {args.out / 'import.png'}")
            _practice_pages(playwright, base, args.out)


if __name__ == "__main__":
    main()
