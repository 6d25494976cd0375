"""The disputes badge in Chromium: an agent disputes a score, the lead sees the badge and
answers, the agent sees the badge and the "new" mark, which go once the answer is read."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tests.e2e.browser import browser_context, log_in
from tests.store.dashboard_data import Built

if TYPE_CHECKING:
    from playwright.sync_api import Page, Playwright

BADGE = "nav a[href='/disputes'] #badge-disputes"


def _badge(page: Page) -> str | None:
    """The number on the Disputes link, or ``None`` without a badge."""
    badge = page.locator(BADGE)
    return badge.inner_text() if badge.count() else None


def test_dispute_badge_for_the_lead_then_the_agent(
    playwright: Playwright, base_url: str, seeded: tuple[str, Built]
) -> None:
    pk = seeded[1].pks["c2"]
    with browser_context(playwright) as context:
        log_in(context, base_url, "sam")
        page = context.new_page()
        page.goto(f"{base_url}/conversations/{pk}/review")
        assert _badge(page) is None
        page.select_option("#dispute-target", "auto")
        page.select_option("#dispute-skill", "closing")
        page.fill("#dispute-proposed", "80")
        page.fill("#dispute-reason", "I asked whether anything else was needed.")
        page.click("#dispute-form button[type=submit]")
        page.wait_for_url(f"**/conversations/{pk}/review#disputes")
        assert _badge(page) is None  # nothing decided yet

    with browser_context(playwright) as context:
        log_in(context, base_url, "lena")
        page = context.new_page()
        page.goto(f"{base_url}/")
        assert _badge(page) == "1"
        assert page.get_attribute(BADGE, "title") == "1 dispute waiting for you"
        page.click("nav a[href='/disputes']")
        page.wait_for_url(f"{base_url}/disputes")
        row = page.locator("tr[data-status=open]", has_text="Closing")
        assert row.locator(".new-mark").count() == 0
        row.locator("button[value=accept]").click()
        page.wait_for_url("**/disputes#dispute-*")
        assert _badge(page) is None

    with browser_context(playwright) as context:
        log_in(context, base_url, "sam")
        page = context.new_page()
        page.goto(f"{base_url}/")
        assert _badge(page) == "1"
        assert page.get_attribute(BADGE, "title") == "1 new answer to your disputes"
        page.click("nav a[href='/disputes']")
        page.wait_for_url(f"{base_url}/disputes")
        row = page.locator("tr[data-status=accepted]", has_text="Closing")
        assert "Score changed to 80." in row.inner_text()
        assert row.locator(".new-mark").inner_text() == "new"
        page.reload()  # opening the page again reads nothing as "read"
        assert _badge(page) == "1"
        row.locator("button", has_text="Mark as read").click()
        page.wait_for_url("**/disputes#dispute-*")
        assert _badge(page) is None
        row = page.locator("tr[data-status=accepted]", has_text="Closing")
        assert row.locator(".new-mark").count() == 0
        assert page.locator("#unread").count() == 0
        page.goto(f"{base_url}/conversations/{pk}/review")
        assert _badge(page) is None
        assert page.locator("#disputes tr[data-new]").count() == 0
