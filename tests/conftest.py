"""Shared fixtures: a store on every supported backend, and the path of the shared data."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from servicecoach.store.database import Store

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"
SAMPLES = REPO / "src" / "servicecoach" / "samples"
TEST_DATA = Path(__file__).resolve().parent / "data"


def _postgres_url() -> str | None:
    return os.environ.get("SERVICECOACH_TEST_PG") or None


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """A throw-away PostgreSQL server (from $SERVICECOACH_TEST_PG, or started from local binaries)."""
    if url := _postgres_url():
        yield url
        return
    from tests.pg import start_postgres

    with start_postgres() as url:
        if url is None:
            pytest.skip("PostgreSQL server binaries not found (install postgresql to test it)")
        yield url


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A URL of an empty database, once per supported backend."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'test.db'}"
        return
    server = request.getfixturevalue("postgres_server")
    from tests.pg import fresh_database

    with fresh_database(server) as url:
        yield url


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    """An open, migrated, empty store, once per supported backend."""
    with Store.open(db_url) as opened:
        yield opened


@pytest.fixture
def shared_data() -> Path:
    """``../shared/data``; tests that need it skip cleanly when it is absent."""
    if not SHARED_DATA.is_dir():
        pytest.skip("../shared/data is not present (it is not part of a fresh clone)")
    return SHARED_DATA


__all__ = ["REPO", "SAMPLES", "SHARED_DATA", "TEST_DATA"]
