"""The fuzz suite's Hypothesis settings: a fixed budget, no deadline, the same inputs each run."""

from __future__ import annotations

from hypothesis import HealthCheck, settings

__all__ = ["fuzz_settings"]


def fuzz_settings(max_examples: int) -> settings:
    """Settings for one fuzz test: ``max_examples`` inputs, derandomized, no example database.

    Derandomized runs draw the same inputs every time (CI is reproducible); the example
    database is off so that a failure found on one machine does not change another's run.
    """
    return settings(
        max_examples=max_examples,
        deadline=None,
        derandomize=True,
        database=None,
        print_blob=True,
        suppress_health_check=[
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.large_base_example,
            HealthCheck.function_scoped_fixture,
        ],
    )
