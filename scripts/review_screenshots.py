"""Screenshots of the human-review pages into docs/screenshots/ (docs/review.md, docs/web.md).

The bundled samples are imported and analysed by the real pipeline (rules only), their
agents put in team north, and a review history is seeded through the store: lena's
reviews of a dozen conversations over three weeks (scores near servicecoach's, some
highlights marked wrong), a calibration session of three reviewers, and disputes (one
open, one accepted, one rejected). The app is served with uvicorn and photographed with
Debian's Chromium driven by Playwright, as in scripts/screenshots.py; the review form is
taken after selecting missed words in the browser.

Usage: python scripts/review_screenshots.py [--out docs/screenshots]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from contextlib import ExitStack
from datetime import UTC, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO)]

from playwright.sync_api import sync_playwright  # noqa: E402
from sqlalchemy import text  # noqa: E402
from tests.e2e.browser import PASSWORD, add_users, browser_context, chromium_missing, log_in, serve  # noqa: E402
from tests.e2e.test_review_browser import SELECT_WORDS  # noqa: E402

from servicecoach.analysis import Pipeline  # noqa: E402
from servicecoach.review.model import ReviewKind, SignalMark, Verdict  # noqa: E402
from servicecoach.review.rubric_version import DEFAULT_RUBRIC_VERSION  # noqa: E402
from servicecoach.review.sampling import Strategy  # noqa: E402
from servicecoach.rubric import Rubric  # noqa: E402
from servicecoach.services.analysis import analyze_store  # noqa: E402
from servicecoach.services.demo import DEMO_OPTIONS, samples_dir  # noqa: E402
from servicecoach.services.imports import plan_import, run_import  # noqa: E402
from servicecoach.store.agents import set_agent_team  # noqa: E402
from servicecoach.store.analyses import latest_run, stored_result  # noqa: E402
from servicecoach.store.calibration import create_session  # noqa: E402
from servicecoach.store.database import Store  # noqa: E402
from servicecoach.store.disputes import raise_dispute, resolve_dispute  # noqa: E402
from servicecoach.store.filters import Scope  # noqa: E402
from servicecoach.store.metrics import ensure_metrics  # noqa: E402
from servicecoach.store.review_queue import fill_queue  # noqa: E402
from servicecoach.store.reviews import save_review  # noqa: E402
from servicecoach.store.users import create_user  # noqa: E402

NORTH = Scope.team("north")
PLAIN_WORDS = """() => {
  const boxes = [...document.querySelectorAll(".role-agent .text[data-message]")];
  for (const box of boxes.reverse()) {
    for (const node of box.childNodes) {
      const words = node.nodeType === 3 ? node.textContent.trim().split(/\\s+/) : [];
      if (words.length >= 4) { return [box.dataset.message, words.slice(0, 4).join(" ")]; }
    }
  }
  return ["", ""];
}"""
START = datetime(2026, 11, 9, 10, tzinfo=UTC)


def _store(folder: Path) -> tuple[str, list[int]]:
    db = folder / "reviews.db"
    with Store.open(db) as store:
        with ExitStack() as stack:
            run_import(store, plan_import([samples_dir(stack)]), DEMO_OPTIONS)
        analyze_store(store, Pipeline.from_rubric(Rubric(), fast=True))
        with store.begin() as connection:
            for agent in ("Sam Ortiz", "Priya Nair", "NorthwindHelp"):
                set_agent_team(connection, agent, "north")
            ensure_metrics(connection, latest_run(connection).id)
            pks = [
                int(pk)
                for pk in connection.execute(
                    text(
                        "SELECT conversation_id FROM conversation_metrics WHERE team = 'north' "
                        "AND quality IS NOT NULL ORDER BY messages DESC, conversation_id"
                    )
                ).scalars()
            ]
    add_users(str(db), team="north", agent="Sam Ortiz")
    with Store.open(db) as store, store.begin() as connection:
        create_user(connection, "nia", PASSWORD, "lead", team="north", display_name="Nia Lead")
    return str(db), pks


def _marks(result: dict[str, object], wrong_every: int) -> list[SignalMark]:
    marks: list[SignalMark] = []
    skills = result.get("skills") or {}
    assert isinstance(skills, dict)
    for found in skills.values():
        for index, e in enumerate(found.get("evidence", [])[:2]):
            verdict = Verdict.WRONG if (len(marks) + index) % wrong_every == 0 else Verdict.AGREE
            marks.append(
                SignalMark(e["message"], e["signal"], verdict, e["start"], e["end"], e["quote"])
            )
    return marks


def _seed(db: str, pks: list[int]) -> int:
    """Reviews, a calibration session with every score in, disputes, a queue; the session."""
    with Store.open(db) as store, store.begin() as connection:
        run = latest_run(connection).id
        for index, pk in enumerate(pks[:12]):
            result = stored_result(connection, pk, run)
            scores = {
                skill: max(0, min(100, found["score"] + (index % 5 - 2) * 9))
                for skill, found in result["skills"].items()
                if found["score"] is not None
            }
            save_review(
                connection, NORTH, conversation_id=pk, reviewer="lena",
                rubric_version=DEFAULT_RUBRIC_VERSION, scores=scores,
                signals=_marks(result, 3 + index % 3),
                when=START + timedelta(days=index * 2),
            )  # fmt: skip
        chosen = pks[12:15] or pks[:3]
        session = create_session(
            connection, NORTH, title="North, November", conversations=chosen,
            reviewers=["lena", "nia", "ada"], created_by="lena",
        )  # fmt: skip
        for reviewer, offset in (("lena", -8), ("nia", 3), ("ada", 14)):
            for pk in chosen:
                result = stored_result(connection, pk, run)
                scores = {
                    skill: max(0, min(100, found["score"] + offset + (pk % 3) * 4))
                    for skill, found in result["skills"].items()
                    if found["score"] is not None
                }
                save_review(
                    connection, NORTH, conversation_id=pk, reviewer=reviewer,
                    rubric_version=DEFAULT_RUBRIC_VERSION, scores=scores,
                    kind=ReviewKind.CALIBRATION, calibration_id=session.id,
                )  # fmt: skip
        sams = [
            int(pk)
            for pk in connection.execute(
                text("SELECT conversation_id FROM conversation_metrics WHERE agent = 'Sam Ortiz' "
                     "AND run_id = :run ORDER BY conversation_id"), {"run": run},
            ).scalars()
        ]  # fmt: skip
        sam = Scope.agent("Sam Ortiz")
        first = raise_dispute(
            connection, sam, conversation_id=sams[0], skill="empathy", raised_by="sam",
            reason="I named the customer's worry in my first reply.", proposed_score=75,
        )  # fmt: skip
        second = raise_dispute(
            connection, sam, conversation_id=sams[0], skill="responsiveness", raised_by="sam",
            reason="The customer wrote during the weekend.",
        )  # fmt: skip
        raise_dispute(
            connection, sam, conversation_id=sams[-1], skill="closing", raised_by="sam",
            reason="The customer left before I could check.",
        )  # fmt: skip
        resolve_dispute(connection, NORTH, first.id, accept=True, resolved_by="lena",
                        rubric_version=DEFAULT_RUBRIC_VERSION)  # fmt: skip
        resolve_dispute(connection, NORTH, second.id, accept=False, resolved_by="lena",
                        reply="Targets follow business hours; Saturday counts for chat.")  # fmt: skip
        fill_queue(connection, NORTH, reviewer="lena", strategy=Strategy.LEAST_SURE, count=4,
                   assigned_by="lena", seed=1)  # fmt: skip
        return session.id


def main() -> None:
    """Build the store, serve it, photograph the review pages."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "screenshots")
    args = parser.parse_args()
    if reason := chromium_missing():
        raise SystemExit(reason)
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        db, pks = _store(Path(folder))
        session = _seed(db, pks)
        target = pks[-1]
        with serve(db) as base, sync_playwright() as playwright:
            with browser_context(playwright, width=1366, height=900) as context:
                log_in(context, base, "lena")
                page = context.new_page()
                page.goto(f"{base}/conversations/{target}/review")
                page.fill("#score_empathy", "70")
                page.check("input[name=na_extra_mile]")
                wrong = page.locator("fieldset.verdict input[value=wrong]")
                if wrong.count():
                    wrong.first.check()
                message, words = page.evaluate(PLAIN_WORDS)
                page.evaluate(SELECT_WORDS, [message, words])
                page.select_option("#missed_signal", "problem_solving.follow_up")
                page.screenshot(path=str(args.out / "review.png"), full_page=True)
                for name, url in (
                    ("reviews", "/reviews"),
                    ("calibration", f"/calibration/{session}"),
                    ("disputes", "/disputes"),
                    ("review-agreement", "/reviews/agreement"),
                ):
                    page.goto(f"{base}{url}")
                    page.wait_for_load_state("networkidle")
                    page.screenshot(path=str(args.out / f"{name}.png"), full_page=True)
                    print(f"  {args.out / name}.png")
            with browser_context(playwright, width=1366, height=900) as context:
                log_in(context, base, "sam")
                page = context.new_page()
                page.goto(f"{base}/disputes")
                page.screenshot(path=str(args.out / "disputes-agent.png"), full_page=True)
                print(f"  {args.out / 'disputes-agent.png'}")


if __name__ == "__main__":
    main()
