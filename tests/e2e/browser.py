"""Browser test helpers: serve the real app on a free loopback port, drive Debian's
Chromium with Playwright, seed a small store with users of each role.

Used by the end-to-end tests and by ``scripts/screenshots.py``. Chromium is the system
package (``apt-get install chromium``), never a browser downloaded by Playwright.
"""

from __future__ import annotations

import socket
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import uvicorn

from servicecoach.server import ServiceSettings, create_app
from servicecoach.store.database import Store
from servicecoach.store.users import create_user

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, Playwright

__all__ = [
    "CHROMIUM",
    "CHROMIUM_ARGS",
    "PASSWORD",
    "add_users",
    "browser_context",
    "chromium_missing",
    "log_in",
    "serve",
]

CHROMIUM = Path("/usr/bin/chromium")
"""Debian's Chromium."""

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
"""Headless, offline, nothing fetched in the background."""

PASSWORD = "correct horse battery"
"""The password of every seeded user."""


def chromium_missing() -> str | None:
    """Why the browser tests cannot run here, or ``None`` when they can."""
    if not CHROMIUM.exists():
        return f"{CHROMIUM} is absent (apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed (pip install -e '.[test]')"
    return None


def add_users(db: str, *, team: str, agent: str, other_agent: str | None = None) -> None:
    """Add ``ada`` (admin), ``lena`` (lead of ``team``) and ``sam`` (agent ``agent``)."""
    with Store.open(db) as store, store.begin() as connection:
        create_user(connection, "ada", PASSWORD, "admin", display_name="Ada Admin")
        create_user(connection, "lena", PASSWORD, "lead", team=team, display_name="Lena Lead")
        create_user(connection, "sam", PASSWORD, "agent", agent=agent, display_name=agent)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def serve(db: str) -> Iterator[str]:
    """Serve the app over ``db`` with uvicorn in a thread; yields its base URL."""
    port = _free_port()
    config = uvicorn.Config(
        create_app(ServiceSettings(db=db, fast=True)),
        host="127.0.0.1",
        port=port,
        log_level="warning",
        lifespan="on",
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@contextmanager
def browser_context(
    playwright: Playwright, *, width: int = 1366, height: int = 900
) -> Iterator[BrowserContext]:
    """A fresh Chromium profile (its own user-data folder) with a window of this size."""
    with tempfile.TemporaryDirectory(prefix="servicecoach-chromium-") as profile:
        context = playwright.chromium.launch_persistent_context(
            profile,
            executable_path=str(CHROMIUM),
            args=CHROMIUM_ARGS,
            headless=True,
            viewport={"width": width, "height": height},
        )
        try:
            yield context
        finally:
            context.close()


def log_in(context: BrowserContext, base: str, username: str, password: str = PASSWORD) -> None:
    """Log in through the login page (the context keeps the session cookie)."""
    page = context.new_page()
    page.goto(f"{base}/login")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")
    page.close()
