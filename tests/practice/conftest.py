"""Practice fixtures: one rules-only coach for the whole folder (built once, ~1 s)."""

from __future__ import annotations

import pytest

from servicecoach.practice import Coach


@pytest.fixture(scope="session")
def coach() -> Coach:
    """The live checker and the pipeline, rules only (fast and deterministic)."""
    return Coach.build(fast=True)
