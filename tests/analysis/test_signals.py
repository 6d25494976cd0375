"""Signal meanings: one line per documented signal, in step with docs/analysis.md."""

from __future__ import annotations

import re
from pathlib import Path

from servicecoach.analysis.signals import signal_meaning, signal_meanings

DOCS = Path(__file__).resolve().parents[2] / "docs" / "analysis.md"


def test_every_documented_signal_has_a_meaning_and_no_more() -> None:
    text = DOCS.read_text(encoding="utf-8")
    table = text[text.index("## Signals") :]
    documented = set(re.findall(r"^\| `([a-z_]+\.[a-z_]+)` \| (?:[+-]1|0) \|", table, re.M))
    assert documented == set(signal_meanings())


def test_meanings_read_as_sentences() -> None:
    assert signal_meaning("listening.reask") is not None
    assert signal_meaning("plugin.unknown") is None
    for meaning in signal_meanings().values():
        assert meaning[0].isupper() and meaning.endswith(".")
