"""The pages in Chromium under the Content-Security-Policy: nothing refused, popover works.

Marked ``e2e``; skips, with the reason, where Debian's Chromium or Playwright is missing
(the helpers of ``tests/e2e``).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from servicecoach.store.database import Store
from tests.e2e.browser import add_users, browser_context, chromium_missing, log_in, serve
from tests.store.dashboard_data import Built, build_dashboard_store

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Built]]:
    if reason := chromium_missing():
        pytest.skip(reason)
    db = str(Path(tmp_path_factory.mktemp("csp")) / "csp.db")
    with Store.open(db) as store:
        built = build_dashboard_store(store)
    add_users(db, team="north", agent="sam")
    with serve(db) as url:
        yield url, built


def test_security_csp_pages_run_without_violations(site: tuple[str, Built]) -> None:
    from playwright.sync_api import ConsoleMessage, sync_playwright

    base, built = site
    refused: list[str] = []

    def watch(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            refused.append(message.text)

    paths = ["/", "/agents", "/agents/sam", "/conversations", "/reasons", "/import"]
    paths += [f"/conversations/{built.pks['c1']}", f"/customers/{built.customers['c1']}"]
    with sync_playwright() as driver, browser_context(driver) as context:
        log_in(context, base, "ada")
        page = context.new_page()
        page.on("console", watch)
        for path in paths:
            answer = page.goto(base + path)
            assert answer is not None and answer.status == 200, path
            assert "default-src 'none'" in answer.headers["content-security-policy"]
            page.wait_for_load_state("load")
        assert refused == [], refused
        page.goto(f"{base}/conversations/{built.pks['c1']}")
        page.locator("mark[data-tip]").first.hover()  # app.js runs under the policy
        assert page.locator("#evidence-pop").is_visible()
        page.evaluate("document.body.setAttribute('style', 'color: red')")  # the control
        page.wait_for_timeout(200)
        assert refused and "style" in refused[0]
