"""Disputes in Chromium: an agent disputes a reviewer's score and servicecoach's
automatic one; the lead accepts the first and rejects the second; both see the answers."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tests.e2e.browser import browser_context, log_in
from tests.store.dashboard_data import Built

if TYPE_CHECKING:
    from playwright.sync_api import Playwright


def test_a_dispute_accepted_and_one_rejected(
    playwright: Playwright, base_url: str, seeded: tuple[str, Built]
) -> None:
    pk = seeded[1].pks["c1"]
    review_url = f"{base_url}/conversations/{pk}/review"
    with browser_context(playwright) as context:
        log_in(context, base_url, "lena")
        page = context.new_page()
        page.goto(review_url)
        page.fill("#score_empathy", "30")
        page.click("#review-form button[type=submit]")
        page.wait_for_url("**saved=1")

    with browser_context(playwright) as context:
        log_in(context, base_url, "sam")
        page = context.new_page()
        page.goto(review_url)
        page.select_option(
            "#dispute-target",
            label=page.locator("#dispute-target option", has_text="lena").inner_text(),
        )
        page.select_option("#dispute-skill", "empathy")
        page.fill("#dispute-proposed", "70")
        page.fill("#dispute-reason", "I said I was sorry she had to wait, in my first reply.")
        page.click("#dispute-form button[type=submit]")
        page.wait_for_url(f"**/conversations/{pk}/review#disputes")
        page.select_option("#dispute-target", "auto")
        page.select_option("#dispute-skill", "responsiveness")
        page.fill("#dispute-reason", "The customer wrote on a public holiday.")
        page.click("#dispute-form button[type=submit]")
        page.wait_for_url(f"**/conversations/{pk}/review#disputes")
        rows = page.locator("#disputes tr[data-status=open]")
        assert rows.count() == 2
        page.goto(f"{base_url}/disputes")
        assert "2 disputes are waiting for an answer" in page.inner_text("#waiting")

    with browser_context(playwright) as context:
        log_in(context, base_url, "lena")
        page = context.new_page()
        page.goto(f"{base_url}/disputes")
        assert "2 disputes are waiting for you" in page.inner_text("#waiting")
        empathy = page.locator("tr[data-status=open]", has_text="Empathy")
        assert empathy.locator("input[name=new_score]").input_value() == "70"
        empathy.locator("button[value=accept]").click()
        page.wait_for_url("**/disputes#dispute-*")
        timing = page.locator("tr[data-status=open]", has_text="Responsiveness")
        timing.locator("input[name=reply]").fill(
            "Targets follow business hours, holidays included."
        )
        timing.locator("button[value=reject]").click()
        page.wait_for_url("**/disputes#dispute-*")
        assert page.locator("#waiting").count() == 0
        counts = page.inner_text("#dispute-counts")
        assert "Empathy" in counts and "Responsiveness" in counts

    with browser_context(playwright) as context:
        log_in(context, base_url, "sam")
        page = context.new_page()
        page.goto(f"{base_url}/disputes")
        accepted = page.inner_text("tr[data-status=accepted]")
        assert "Score changed to 70." in accepted and "lena" in accepted
        rejected = page.inner_text("tr[data-status=rejected]")
        assert "Targets follow business hours, holidays included." in rejected
        page.goto(review_url)
        page.click("section.reviews details.history summary")
        assert "Empathy 30 → 70 by lena" in page.inner_text("section.reviews details.history")
