"""A lead finishes an import in the browser (upload, watch it import and score, see the
result), and the overview starts where the data is when one conversation is years older.

Both run on the spread file of ``tests/web/pages/spread_data.py``: 13 conversations from
12 Mar to 4 Jun 2024 (one in Spanish) and one stray on 9 Jan 2018.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from servicecoach.store.database import Store
from tests.e2e.browser import add_users, browser_context, chromium_missing, log_in, serve
from tests.web.pages.spread_data import build_spread_store, write_spread_file

if TYPE_CHECKING:
    from playwright.sync_api import ConsoleMessage, Page, Playwright

NOTE = "Showing 12 Mar – 4 Jun 2024, where 92% of the conversations are"


@pytest.fixture(scope="module")
def empty_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app over a store with users and no conversation yet."""
    if reason := chromium_missing():
        pytest.skip(reason)
    db = str(tmp_path_factory.mktemp("flow") / "flow.db")
    Store.open(db).close()
    add_users(db, team="north", agent="Sam")
    with serve(db) as url:
        yield url


@pytest.fixture(scope="module")
def spread_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app over the spread store, analysed."""
    if reason := chromium_missing():
        pytest.skip(reason)
    folder = tmp_path_factory.mktemp("spread-e2e")
    db = str(folder / "spread.db")
    build_spread_store(db, folder)
    add_users(db, team="north", agent="Sam")
    with serve(db) as url:
        yield url


def _watch_policy(page: Page) -> list[str]:
    refused: list[str] = []

    def watch(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            refused.append(message.text)

    page.on("console", watch)
    return refused


def test_a_lead_imports_watches_it_score_and_ends_on_the_result(
    playwright: Playwright,
    empty_site: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from servicecoach.web.api import import_jobs

    release = threading.Event()
    real = import_jobs.analyze_store

    def held(*args: Any, **kwargs: Any) -> tuple[int, int]:
        """The real analysis, once the test has seen the page follow the scoring."""
        kwargs["progress"](0, 14, 0)
        assert release.wait(60)
        return real(*args, **kwargs)

    monkeypatch.setattr(import_jobs, "analyze_store", held)
    upload = write_spread_file(tmp_path / "spring-export.jsonl")
    with browser_context(playwright) as context:
        log_in(context, empty_site, "lena")
        page = context.new_page()
        refused = _watch_policy(page)
        page.goto(f"{empty_site}/")
        assert "nothing analysed yet" in page.locator(".empty").inner_text()
        page.click("nav >> text=Import")
        page.set_input_files("#file", str(upload))
        page.click("form.upload button[type=submit]")
        page.wait_for_url("**/import/*")
        try:
            job = page.locator(".import-job[data-phase=analysing]")
            job.wait_for(timeout=30_000)  # app.js follows the job without a reload
            assert page.locator(".job-state").inner_text() == (
                "Scoring the conversations… 0 of 14 scored."
            )
            assert page.locator(".phases li.current").inner_text() == "Score"
            assert page.locator(".phases li.passed").inner_text() == "Import"
        finally:
            release.set()
        page.wait_for_selector(".import-job[data-status=done]", timeout=60_000)
        assert page.locator(".phases li.passed").count() == 3
        assert (
            "14 new and 0 updated conversations" in page.locator("p.ok[role=status]").inner_text()
        )
        assert "Scored: 14 stored conversations" in page.locator("p.scored").inner_text()
        rows = page.locator("table.imported tbody tr")
        assert rows.count() == 14
        assert "Spanish: not scored yet" in rows.last.inner_text()
        assert rows.nth(1).locator("td.num").inner_text().isdigit()  # scored
        assert "servicecoach analyze" not in page.content()
        page.click("text=See them on the overview")
        page.wait_for_url("**/?start=2024-03-12&end=2024-06-04")
        assert page.locator(".tile .value").first.inner_text() == "13"
        page.go_back()
        page.click("text=List the conversations of their period")
        assert "14 conversations" in page.locator("p.bar").inner_text()
        assert refused == [], refused


def test_the_overview_starts_where_the_data_is_and_says_so(
    playwright: Playwright, spread_site: str
) -> None:
    with browser_context(playwright) as context:
        log_in(context, spread_site, "ada")
        page = context.new_page()
        page.goto(f"{spread_site}/")
        note = page.locator(".period-note").inner_text()
        assert note.startswith(NOTE)
        assert "1 earlier conversation, on 9 Jan 2018, is left out" in note
        assert "2024-03-12 to 2024-06-04 · one point per week" in page.content()
        assert page.locator(".tile .value").first.inner_text() == "13"
        axis = " ".join(page.locator("svg.chart").all_text_contents())
        assert "Mar 11" in axis  # the week of 12 Mar starts the axis
        assert "2018" not in axis and "2019" not in axis  # the stray does not stretch it
        page.click(".period-note >> text=show everything")
        page.wait_for_url("**/?start=2018-01-09&end=2024-06-04")
        assert page.locator(".period-note").count() == 0
        assert "one point per month" in page.content()
        assert page.locator(".tile .value").first.inner_text() == "14"
        page.goto(f"{spread_site}/reasons")
        assert page.locator(".period-note").inner_text().startswith(NOTE)
        assert "2024-03-12 to 2024-06-04" in page.locator("p.bar").first.inner_text()


def test_a_spanish_conversation_says_it_is_not_scored(
    playwright: Playwright, spread_site: str
) -> None:
    with browser_context(playwright) as context:
        log_in(context, spread_site, "ada")
        page = context.new_page()
        page.goto(f"{spread_site}/conversations")
        row = page.locator("tr", has_text="es-1")
        assert "Spanish: not scored yet (servicecoach scores English)" in row.inner_text()
        row.locator("a").first.click()
        assert (
            page.locator(".notice.unscored")
            .inner_text()
            .startswith("Written in Spanish: not scored yet.")
        )
