"""evaluation/emotion_context_eval.py: the USS reader and the before/after run, on made-up rows."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from servicecoach.analysis.emotion import Emotion
from tests.conftest import REPO


def _script() -> ModuleType:
    name = "servicecoach_eval_emotion_context_eval"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(
        name, REPO / "evaluation" / "emotion_context_eval.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


script = _script()

_SESSIONS = [
    [
        ("USER", "I need a table for two tonight.", "3,3,3"),
        ("SYSTEM", "I'm afraid we can't book tables tonight.", ""),
        ("USER", "Great.", "2,1,2"),
        ("USER", "OVERALL", "2,2,1"),
    ],
    [
        ("USER", "Can I move my delivery to Friday?", "3,3,3"),
        ("SYSTEM", "Done, it's now on Friday. Anything else?", ""),
        ("USER", "No, that's all, thank you!", "4,4,5"),
        ("USER", "OVERALL", "5,4,4"),
    ],
    [
        ("USER", "What time does the museum open on Sunday?", "3,3,2"),
        ("SYSTEM", "The museum has a cafe on the ground floor.", ""),
        ("USER", "What time does the museum open on Sunday? That's what I asked.", "2,2,1"),
        ("SYSTEM", "It opens at 10am on Sunday.", ""),
        ("USER", "ok", "3,3,3"),
        ("USER", "OVERALL", "2,3,2"),
    ],
    [
        ("USER", "Find me a hotel in the centre.", "3,3,3"),
        ("SYSTEM", "Here's one: the Grand, on Market Street.", ""),
        ("USER", "Thanks, that's perfect.", "4,5,4"),
        ("USER", "OVERALL", "4,4,5"),
    ],
]


def _uss_file(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    blocks = [
        "\n".join(f"{role}\t{text}\t\t{rating}" for role, text, rating in s) for s in _SESSIONS
    ]
    path.write_text("\n\n".join(blocks) + "\n", encoding="utf-8")


def test_emotion_context_eval_reads_uss_turn_ratings(tmp_path: Path) -> None:
    path = tmp_path / "uss_satisfaction" / "MWOZ.txt"
    _uss_file(path)
    sessions = script.uss_turns(path)
    assert len(sessions) == 4
    turns, overall = sessions[0]
    assert [role for role, _, _ in turns] == ["customer", "agent", "customer"]
    assert turns[2][2] == [2.0, 1.0, 2.0] and turns[1][2] == []
    assert overall == pytest.approx(5 / 3)


@pytest.mark.parametrize(
    ("found", "value"),
    [(Emotion("neutral", 0.9), 55), (Emotion("anger", 0.8), 10), (Emotion("gratitude", 0.4), 70)],
)
def test_emotion_context_eval_valence(found: Emotion, value: float) -> None:
    assert script.valence(found) == pytest.approx(value)


def test_emotion_context_eval_prints_before_and_after(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for corpus in ("MWOZ", "SGD", "ReDial", "CCPE"):
        _uss_file(tmp_path / "uss_satisfaction" / f"{corpus}.txt")
    assert script.main(["--data", str(tmp_path), "--fast", "--only", "uss"]) == 0
    out = capsys.readouterr().out
    assert "rules only (--fast)" in out
    assert out.count(" | A | ") + out.count(" | B | ") == 8
    assert "MWOZ | all |" in out


def test_emotion_context_eval_names_a_missing_data_folder(tmp_path: Path) -> None:
    with pytest.raises(SystemExit):
        script.main(["--data", str(tmp_path / "absent")])
