"""A lead reviews a conversation in Chromium: scores, a wrong signal, a missed one
marked by selecting its words; the agent then reads the review."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tests.e2e.browser import browser_context, log_in
from tests.store.dashboard_data import Built

if TYPE_CHECKING:
    from playwright.sync_api import ConsoleMessage, Page, Playwright

SELECT_WORDS = """([message, words]) => {
  const box = document.querySelector(`.review-thread .text[data-message="${message}"]`);
  const walker = document.createTreeWalker(box, NodeFilter.SHOW_TEXT);
  let node;
  while ((node = walker.nextNode())) {
    const at = node.textContent.indexOf(words);
    if (at >= 0) {
      const range = document.createRange();
      range.setStart(node, at);
      range.setEnd(node, at + words.length);
      const selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
      box.dispatchEvent(new MouseEvent("mouseup", {bubbles: true}));
      return true;
    }
  }
  return false;
}"""


def _watch(page: Page) -> list[str]:
    refused: list[str] = []

    def watch(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            refused.append(message.text)

    page.on("console", watch)
    return refused


def test_a_lead_reviews_a_conversation_marking_a_wrong_and_a_missed_signal(
    playwright: Playwright, base_url: str, seeded: tuple[str, Built]
) -> None:
    pk = seeded[1].pks["c1"]
    with browser_context(playwright) as context:
        log_in(context, base_url, "lena")
        page = context.new_page()
        refused = _watch(page)
        page.goto(f"{base_url}/conversations/{pk}")
        page.click("text=Review this conversation")
        page.wait_for_url(f"**/conversations/{pk}/review")
        page.fill("#score_empathy", "60")
        page.check("input[name=na_closing]")
        page.check('input[name="verdict:m2:0:22:empathy.validation"][value=wrong]')
        assert page.evaluate(SELECT_WORDS, ["m4", "arrives tomorrow"])
        assert page.input_value("#missed_quote") == "arrives tomorrow"
        assert page.input_value("#missed_message") == "m4"
        assert page.input_value("#missed_start") == "3"
        page.select_option("#missed_signal", "problem_solving.solution")
        page.fill("textarea[name=comment]", "Sympathy, but no ownership of the delay.")
        page.click("#review-form button[type=submit]")
        page.wait_for_url("**/review?saved=1")
        assert "Review saved." in page.inner_text("[role=status]")
        card = page.locator("article.review-card").first
        text = card.inner_text()
        assert "lena" in text and "Sympathy, but no ownership" in text
        assert "empathy.validation wrong" in text
        assert "problem_solving.solution missed: “arrives tomorrow”" in text
        assert page.input_value("#score_empathy") == "60"
        assert page.is_checked('input[name="verdict:m2:0:22:empathy.validation"][value=wrong]')
        assert refused == [], refused

    with browser_context(playwright) as context:
        log_in(context, base_url, "sam")
        page = context.new_page()
        page.goto(f"{base_url}/reviews")
        page.click(f'a[href^="/conversations/{pk}/review"]')
        assert "Sympathy, but no ownership" in page.inner_text("section.reviews")
        assert page.locator("#score_empathy").count() == 0
