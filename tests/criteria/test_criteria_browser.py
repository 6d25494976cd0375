"""A criterion's evidence in Chromium: its mark's popover works under the Content-Security-Policy.

Marked ``e2e``; skips, with the reason, where Debian's Chromium or Playwright is missing
(the helpers of ``tests/e2e``).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from servicecoach.store.analyses import conversation_pk
from servicecoach.store.database import Store
from tests.cli.helpers import run_cli
from tests.e2e.browser import add_users, browser_context, chromium_missing, log_in, serve

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
CONVERSATIONS = ROOT / "tests" / "data" / "criteria" / "conversations.jsonl"
RUBRIC = ROOT / "docs" / "examples" / "criteria" / "rubric.toml"


def test_criteria_browser_evidence_popover_names_the_criterion(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    if reason := chromium_missing():
        pytest.skip(reason)
    from playwright.sync_api import ConsoleMessage, sync_playwright

    db = str(tmp_path / "browser.db")
    assert run_cli(capsys, "import", str(CONVERSATIONS), "--db", db, "-q").code == 0
    analysed = run_cli(capsys, "analyze", "--db", db, "--rubric", str(RUBRIC), "--fast", "-q")
    assert analysed.code == 0, analysed.err
    add_users(db, team="north", agent="agent")
    with Store.open(db) as store, store.begin() as connection:
        pk = conversation_pk(connection, "remedy-06")
    refused: list[str] = []

    def watch(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            refused.append(message.text)

    with serve(db) as base, sync_playwright() as driver, browser_context(driver) as context:
        log_in(context, base, "ada")
        page = context.new_page()
        page.on("console", watch)
        answer = page.goto(f"{base}/conversations/{pk}")
        assert answer is not None and answer.status == 200
        page.wait_for_load_state("load")
        assert page.locator("tr[data-criterion='offers_remedy']").inner_text().count("met") == 1
        page.locator("mark[data-signals*='criteria.offers_remedy']").first.hover()
        popover = page.locator("#evidence-pop")
        assert popover.is_visible()
        assert "Meets the team's criterion “Offers a refund or replacement”" in (
            popover.inner_text()
        )
    assert refused == [], refused
