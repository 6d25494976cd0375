"""The AI-vs-human page in Chromium: a lead opens it from the reviews hub and reads
servicecoach's agreement with the team's reviews per skill and per signal."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from servicecoach.review.model import SignalMark, Verdict
from servicecoach.store.database import Store
from servicecoach.store.filters import Scope
from servicecoach.store.metrics import ensure_metrics
from servicecoach.store.reviews import save_review
from tests.e2e.browser import browser_context, log_in
from tests.store.dashboard_data import Built

if TYPE_CHECKING:
    from playwright.sync_api import ConsoleMessage, Playwright


@pytest.fixture(scope="module")
def reviewed(seeded: tuple[str, Built]) -> None:
    """lena's reviews of c1, c2 and c3 (team north), one marking a highlight wrong."""
    db, built = seeded
    wrong = SignalMark("m2", "empathy.validation", Verdict.WRONG, 0, 22, "I'm sorry to hear that")
    with Store.open(db) as store, store.begin() as connection:
        ensure_metrics(connection, built.run)
        for conversation, empathy, marks in (("c1", 70, [wrong]), ("c2", 30, []), ("c3", 50, [])):
            save_review(
                connection, Scope.team("north"), conversation_id=built.pks[conversation],
                reviewer="lena", rubric_version="rubric-x", scores={"empathy": empathy},
                signals=marks,
            )  # fmt: skip


def test_the_agreement_page(playwright: Playwright, base_url: str, reviewed: None) -> None:
    with browser_context(playwright) as context:
        log_in(context, base_url, "lena")
        page = context.new_page()
        page.goto(f"{base_url}/")
        page.click("nav >> text=Reviews")
        page.click("text=AI vs human")
        page.wait_for_url("**/reviews/agreement")
        assert "team north" in page.inner_text("h1")
        empathy = page.inner_text("#skills-agreement tr[data-skill=empathy]")
        assert empathy.split("\t")[1:3] == ["1.00", "3"]  # rho 1.00 over 3 pairs
        signal = page.inner_text("#signals-agreement tr[data-signal='empathy.validation']")
        assert signal.split("\t")[1:4] == ["0", "1", "0.00"]  # there 0, fired 1, precision 0
        assert "3 reviews" in page.inner_text("main")
        assert page.locator("#over-time tbody tr").count() == 1


def test_the_review_pages_hold_to_the_content_security_policy(
    playwright: Playwright, base_url: str, seeded: tuple[str, Built], reviewed: None
) -> None:
    pk = seeded[1].pks["c1"]
    pages = (
        "/reviews",
        "/calibration",
        "/disputes",
        "/reviews/agreement",
        f"/conversations/{pk}/review",
    )
    refused: list[str] = []

    def watch(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            refused.append(message.text)

    for user in ("lena", "sam"):
        with browser_context(playwright) as context:
            log_in(context, base_url, user)
            page = context.new_page()
            page.on("console", watch)
            for path in pages:
                page.goto(f"{base_url}{path}")
                page.wait_for_load_state("networkidle")
            assert refused == [], (user, refused)
