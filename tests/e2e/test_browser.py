"""The web app in a real browser: login, overview, evidence, timeline, import, roles."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tests.e2e.browser import browser_context, log_in
from tests.store.dashboard_data import Built

if TYPE_CHECKING:
    from playwright.sync_api import Playwright

SAMPLE = "src/servicecoach/samples/native/northwind.jsonl"


def test_login_refuses_a_wrong_password_then_lets_in(playwright: Playwright, base_url: str) -> None:
    with browser_context(playwright) as context:
        page = context.new_page()
        page.goto(f"{base_url}/conversations")
        assert "/login" in page.url
        page.fill("#username", "ada")
        page.fill("#password", "not the password")
        page.click("button[type=submit]")
        assert page.locator(".error").inner_text() == "Wrong username or password."
        page.fill("#password", "correct horse battery")
        page.click("button[type=submit]")
        page.wait_for_url(f"{base_url}/conversations")
        assert page.locator("h1").inner_text() == "Conversations"


def test_overview_shows_charts_and_filters(playwright: Playwright, base_url: str) -> None:
    with browser_context(playwright) as context:
        log_in(context, base_url, "ada")
        page = context.new_page()
        page.goto(f"{base_url}/")
        assert page.locator("h1").inner_text() == "Team overview"
        assert page.locator("svg.chart").count() >= 15
        page.select_option("select[name=channel]", "chat")
        page.click("form.filters button[type=submit]")
        page.wait_for_url("**/?channel=chat**")
        tile = page.locator(".tile .value").first.inner_text()
        assert tile == "3"  # c1, c3 and c5 are chats


def test_conversation_highlights_evidence_and_hover_explains(
    playwright: Playwright, base_url: str, seeded: tuple[str, Built]
) -> None:
    pk = seeded[1].pks["c1"]
    with browser_context(playwright) as context:
        log_in(context, base_url, "lena")
        page = context.new_page()
        page.goto(f"{base_url}/conversations")
        page.click(f"a[href='/conversations/{pk}']")
        mark = page.locator("mark.earn", has_text="I'm sorry to hear that")
        assert mark.count() == 1
        pop = page.locator("#evidence-pop")
        assert pop.is_hidden()
        mark.hover()
        assert pop.is_visible()
        assert "empathy.validation" in pop.inner_text()
        assert "Try: try this" in pop.inner_text()
        page.mouse.move(0, 0)
        assert pop.is_hidden()
        mark.focus()  # keyboard and touch users get the same popover
        assert pop.is_visible()


def test_customer_timeline_across_channels(
    playwright: Playwright, base_url: str, seeded: tuple[str, Built]
) -> None:
    customer = seeded[1].customers["c1"]
    with browser_context(playwright) as context:
        log_in(context, base_url, "ada")
        page = context.new_page()
        page.goto(f"{base_url}/customers/{customer}")
        assert page.locator("h1").inner_text() == "Dana Reyes"
        assert page.locator(".timeline .entry").count() == 2
        assert page.locator(".flag", has_text="repeat story").count() == 1
        assert page.locator(".flag", has_text="channel switch").count() == 1


def test_import_a_sample_file_and_see_it_finish(playwright: Playwright, base_url: str) -> None:
    with browser_context(playwright) as context:
        log_in(context, base_url, "lena")
        page = context.new_page()
        page.goto(f"{base_url}/")
        page.click("nav >> text=Import")
        page.set_input_files("#file", SAMPLE)
        page.click("form.upload button[type=submit]")
        page.wait_for_selector(".import-job[data-status=done]", timeout=30_000)
        assert "new" in page.locator("p.ok[role=status]").inner_text()
        assert "Scored:" in page.locator("p.scored").inner_text()


def test_import_reports_problems_by_file_and_line(playwright: Playwright, base_url: str) -> None:
    with browser_context(playwright) as context:
        log_in(context, base_url, "ada")
        page = context.new_page()
        page.goto(f"{base_url}/import")
        page.set_input_files(
            "#file",
            files=[
                {
                    "name": "broken.jsonl",
                    "mimeType": "application/json",
                    "buffer": b'{"format": 1, "id": "x"\n',
                }
            ],
        )
        page.click("form.upload button[type=submit]")
        page.wait_for_selector(".import-job[data-status=failed]", timeout=30_000)
        assert "broken.jsonl" in page.locator(".import-job").inner_text()


def test_an_agent_cannot_see_another_agents_conversation_or_import(
    playwright: Playwright, base_url: str, seeded: tuple[str, Built]
) -> None:
    with browser_context(playwright) as context:
        log_in(context, base_url, "sam")
        page = context.new_page()
        page.goto(f"{base_url}/")
        assert page.locator("nav >> text=Import").count() == 0
        assert page.locator("nav >> text=My scorecard").count() == 1
        answer = page.goto(f"{base_url}/conversations/{seeded[1].pks['c3']}")
        assert answer is not None and answer.status == 404
        assert page.locator("h1").inner_text() == "Conversation not found"
        answer = page.goto(f"{base_url}/import")
        assert answer is not None and answer.status == 403
        answer = page.goto(f"{base_url}/conversations/{seeded[1].pks['c1']}")
        assert answer is not None and answer.status == 200
