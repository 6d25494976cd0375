"""End-to-end fixtures: the app served over a small seeded store, and Chromium.

Every test here is marked ``e2e`` and skips, with the reason, where Debian's Chromium
or Playwright is missing.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from servicecoach.store.database import Store
from tests.e2e.browser import add_users, chromium_missing, serve
from tests.store.dashboard_data import Built, build_dashboard_store

if False:  # pragma: no cover - typing only
    from playwright.sync_api import Playwright


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test of this folder ``e2e``."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Built]:
    """A store with the five dashboard conversations and users ada, lena (north), sam."""
    db = str(tmp_path_factory.mktemp("e2e") / "e2e.db")
    with Store.open(db) as store:
        built = build_dashboard_store(store)
    add_users(db, team="north", agent="sam")
    return db, built


@pytest.fixture(scope="module")
def base_url(seeded: tuple[str, Built]) -> Iterator[str]:
    """The running app's URL."""
    if reason := chromium_missing():
        pytest.skip(reason)
    with serve(seeded[0]) as url:
        yield url


@pytest.fixture(scope="module")
def playwright() -> Iterator[Playwright]:
    """Playwright's sync API (driving the system Chromium)."""
    if reason := chromium_missing():
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as driver:
        yield driver
