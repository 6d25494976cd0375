"""Fixtures for the HTTP service: an app on a fresh store, a client, a token, conversations."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from servicecoach.server import ServiceSettings, create_app
from servicecoach.store.database import Store
from servicecoach.store.tokens import create_token

__all__ = ["conversation_dict"]


def conversation_dict(**overrides: Any) -> dict[str, Any]:
    """A native-format conversation: a broken order, an agent who handles it well."""
    data: dict[str, Any] = {
        "format": 1,
        "id": "web-2291",
        "channel": "chat",
        "public": False,
        "customer": {"id": "c-881", "name": "Maren Olsen", "email": "maren.olsen@example.net"},
        "messages": [
            {
                "id": "m1",
                "role": "customer",
                "author": "Maren Olsen",
                "at": "2026-11-02T10:04:00Z",
                "text": "Hi, the kettle I ordered (order 66120) arrived with a cracked lid. "
                "I'm really disappointed, it was a birthday present.",
            },
            {
                "id": "m2",
                "role": "agent",
                "author": "Jonas",
                "at": "2026-11-02T10:07:00Z",
                "text": "I'm so sorry the lid arrived cracked, especially for a present. "
                "I've sent a replacement kettle by express delivery today; it will reach "
                "you on Thursday. Is there anything else I can help with?",
            },
        ],
        "meta": {},
    }
    data.update(overrides)
    return data


@pytest.fixture(scope="module")
def service_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A SQLite file shared by one test module's app."""
    return str(tmp_path_factory.mktemp("api") / "service.db")


@pytest.fixture(scope="module")
def client(service_db: str) -> Iterator[TestClient]:
    """A client of a running app (lifespan started): fast mode, 64 KiB body limit."""
    settings = ServiceSettings(db=service_db, fast=True, max_body_bytes=64 * 1024)
    with TestClient(create_app(settings)) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def token(service_db: str, client: TestClient) -> str:
    """The secret of an active API token in the app's store."""
    with Store.open(service_db) as store, store.begin() as connection:
        return create_token(connection, "tests").secret


@pytest.fixture(scope="module")
def auth(token: str) -> dict[str, str]:
    """Headers that authenticate a request."""
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def fresh_db(tmp_path: Path) -> str:
    """A SQLite path for one test."""
    return str(tmp_path / "fresh.db")
