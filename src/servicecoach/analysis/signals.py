"""What each signal means, in one line: shown beside evidence in the web app."""

from __future__ import annotations

import tomllib
from functools import lru_cache
from importlib import resources

__all__ = [
    "FIRST_RESPONSE",
    "RETELL",
    "experimental_signals",
    "is_experimental",
    "signal_meaning",
    "signal_meanings",
]

RETELL = "continuity.retell"
"""The customer had to tell their story again: the store flags it on the timeline."""
FIRST_RESPONSE = "responsiveness.first_response"
"""The first reply's wait: the store keeps it per conversation for the dashboards."""


@lru_cache(maxsize=1)
def signal_meanings() -> dict[str, str]:
    """Signal id to its meaning (``analysis/signals.toml``, the table of docs/analysis.md)."""
    path = resources.files("servicecoach.analysis").joinpath("signals.toml")
    return {str(k): str(v) for k, v in tomllib.loads(path.read_text(encoding="utf-8")).items()}


def signal_meaning(signal: str) -> str | None:
    """The meaning of ``signal``, or ``None`` for a signal not documented (e.g. a plugin's)."""
    return signal_meanings().get(signal)


@lru_cache(maxsize=1)
def experimental_signals() -> dict[str, str]:
    """Signal id to why it is experimental (``analysis/experimental.toml``).

    An experimental signal did not beat its trivial baseline on the labelled sets that
    test it (docs/accuracy.md): its evidence is shown, marked, but changes no score
    unless a rubric opts in.
    """
    path = resources.files("servicecoach.analysis").joinpath("experimental.toml")
    return {str(k): str(v) for k, v in tomllib.loads(path.read_text(encoding="utf-8")).items()}


def is_experimental(signal: str) -> bool:
    """True when ``signal`` is marked experimental by default."""
    return signal in experimental_signals()
