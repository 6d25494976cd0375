"""The fuzz suite: bounded, reproducible, and part of the normal ``pytest`` run.

Every test here is marked ``fuzz`` (``pytest -m fuzz`` runs only them,
``-m "not fuzz"`` leaves them out); nothing deselects them, so the plain ``pytest`` of
CI runs them. Each sets its Hypothesis budget explicitly through
:func:`tests.fuzz.budget.fuzz_settings` (a number of examples, no deadline) and is
derandomized, so CI tests the same inputs on every run. The whole suite takes about
half a minute.
"""

from __future__ import annotations

import pytest


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "fuzz: bounded, derandomized fuzzing of importers and HTTP endpoints"
    )
