"""An agent practises a whole scenario in Chromium: two different branches, then the debrief.

The cold first reply takes the "no apology, no validation" branch (the customer gets
angrier); the DM invite that follows takes the "private.invite" branch (the
conversation moves private); a concrete fix takes the solution branch to the end.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tests.e2e.browser import browser_context, log_in

if TYPE_CHECKING:
    from playwright.sync_api import ConsoleMessage, Page, Playwright

REPLIES = (
    "We will look into it.",
    "I'm so sorry, Imogen - that's really upsetting with a birthday coming. "
    "Please send us a DM and we'll check your parcel there.",
    "Thanks, Imogen. I've sent a new lamp by next-day courier today; it arrives on Friday.",
    "Have a lovely weekend, and happy birthday to your dad!",
)


def _steps(page: Page) -> list[str]:
    return [str(a.get_attribute("data-step")) for a in page.locator("article.role-customer").all()]


def test_an_agent_practises_a_public_complaint_through_two_branches(
    playwright: Playwright, base_url: str
) -> None:
    with browser_context(playwright) as context:
        log_in(context, base_url, "sam")
        page = context.new_page()
        refused: list[str] = []

        def watch(message: ConsoleMessage) -> None:
            if "Content Security Policy" in message.text:
                refused.append(message.text)

        page.on("console", watch)
        page.goto(f"{base_url}/")
        page.click("nav >> text=Practice")
        page.wait_for_url("**/practice")
        card = page.locator("[data-scenario=late-parcel-public]")
        assert "Public to private" in card.inner_text()
        card.locator("button").click()
        page.wait_for_url("**/practice/session")
        assert _steps(page) == ["opening"]
        assert "Imogen Hart" in page.locator("aside.breakdown").inner_text()

        page.fill("#reply", REPLIES[0])
        page.click("form.practice-reply button[type=submit]")
        page.wait_for_selector("article[data-step=angrier]")
        feedback = page.locator("article.reply").last
        assert feedback.get_attribute("data-next") == "angrier"
        assert feedback.locator("li.to-try").count() >= 2  # no apology, no DM invite

        page.fill("#reply", REPLIES[1])
        page.click("form.practice-reply button[type=submit]")
        page.wait_for_selector("article[data-step=in_dm]")
        assert "moved to a direct message" in page.locator(".period-note").inner_text()
        assert page.locator("article.reply").last.locator("li.worked").count() >= 2

        for reply in REPLIES[2:]:
            page.fill("#reply", reply)
            page.click("form.practice-reply button[type=submit]")
            page.wait_for_load_state()
        assert _steps(page) == ["opening", "angrier", "in_dm", "relieved"]
        debrief = page.locator("#debrief")
        debrief.wait_for()
        assert "Scenario finished" in debrief.inner_text()
        assert "opening → angrier → in_dm → relieved" in debrief.inner_text()
        row = debrief.locator("tr[data-skill=public_to_private]")
        assert "trained" in row.inner_text()
        assert debrief.locator(".model-answer").count() == 4
        assert page.locator("#reply").count() == 0
        assert refused == [], refused
