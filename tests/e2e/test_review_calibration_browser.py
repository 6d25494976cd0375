"""A calibration session with three reviewers in Chromium: a lead creates it, each
reviewer scores blind, the results show agreement and alignment, the lead records the
agreed answer and closes the session."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from servicecoach.store.database import Store
from servicecoach.store.users import create_user
from tests.e2e.browser import PASSWORD, browser_context, log_in
from tests.store.dashboard_data import Built

if TYPE_CHECKING:
    from playwright.sync_api import Page, Playwright

SCORES = {"lena": (40, 50), "nia": (50, 60), "ada": (60, 70)}  # c2 is listed first (newer)


@pytest.fixture(scope="module")
def third_reviewer(seeded: tuple[str, Built]) -> None:
    """nia: a second lead of team north."""
    with Store.open(seeded[0]) as store, store.begin() as connection:
        create_user(connection, "nia", PASSWORD, "lead", team="north", display_name="Nia Lead")


def _score(page: Page, base: str, session: str, user: str) -> None:
    page.goto(f"{base}/calibration/{session}")
    for empathy in SCORES[user]:
        page.click("#progress >> text=Score it (blind)")
        page.wait_for_url("**/review?calibration=*")
        assert "Blind review" in page.inner_text("h1")
        assert page.locator("th:has-text('servicecoach')").count() == 0  # its scores are hidden
        page.fill("#score_empathy", str(empathy))
        page.check("input[name=na_closing]")
        page.click("#review-form button[type=submit]")
        page.wait_for_url("**saved=1")
        page.goto(f"{base}/calibration/{session}")


def test_a_calibration_session_with_three_reviewers(
    playwright: Playwright, base_url: str, seeded: tuple[str, Built], third_reviewer: None
) -> None:
    pks = seeded[1].pks
    with browser_context(playwright) as context:
        log_in(context, base_url, "lena")
        page = context.new_page()
        page.goto(f"{base_url}/reviews")
        page.click("text=Calibration sessions")
        page.fill("#title", "North, May")
        for name in ("lena", "nia", "ada"):
            page.check(f"input[name=reviewer][value={name}]")
        for conversation in ("c1", "c2"):
            page.check(f"input[name=conversation][value='{pks[conversation]}']")
        page.click("#new-session button[type=submit]")
        page.wait_for_url("**/calibration/*")
        session = page.url.rsplit("/", 1)[1]
        assert "0 of 3" in page.inner_text("#progress")
        assert page.locator("#blind").is_visible()
        _score(page, base_url, session, "lena")
        assert page.locator("#blind").count() == 0  # her own scores are in: she sees the rest
        assert "1 of 3 (lena)" in page.inner_text("#progress")

    for user in ("nia", "ada"):
        with browser_context(playwright) as context:
            log_in(context, base_url, user)
            page = context.new_page()
            page.goto(f"{base_url}/calibration/{session}")
            assert page.locator("#blind").is_visible()
            _score(page, base_url, session, user)

    with browser_context(playwright) as context:
        log_in(context, base_url, "lena")
        page = context.new_page()
        page.goto(f"{base_url}/calibration/{session}")
        assert "3 of 3" in page.inner_text("#progress")
        row = page.locator("#agreement tr[data-skill=empathy]").inner_text()
        assert "Empathy" in row
        assert "strictest" in page.inner_text("#alignment tr[data-grader=lena]")
        assert "most lenient" in page.inner_text("#alignment tr[data-grader=ada]")
        assert "servicecoach" in page.inner_text("#scores")
        page.click(
            f"#progress tr[data-conversation='{pks['c1']}'] >> text=Record the agreed answer"
        )
        page.wait_for_url("**agreed=1")
        assert "ada 70 · lena 50 · nia 60" in page.inner_text(".review-skills")
        page.fill("#score_empathy", "60")
        page.click("#review-form button[type=submit]")
        page.wait_for_url("**saved=1")
        page.goto(f"{base_url}/calibration/{session}")
        assert "Change the agreed answer" in page.inner_text("#progress")
        page.click("text=Close the session")
        page.wait_for_url(f"**/calibration/{session}")
        assert "closed" in page.inner_text("h1")
