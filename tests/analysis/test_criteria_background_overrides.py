"""A team's ``criteria_background`` lexicon override beside its rubric: the ordinary
sentences every criterion learns as misses are the team's where it adds or removes some,
the fits carry their own digests (two teams never share one), and mistakes name the file
and the key."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import numpy.typing as npt
import pytest

from servicecoach.analysis import learned
from servicecoach.analysis.criteria import CriteriaChecker, background_sentences, fit_criterion
from servicecoach.analysis.lexicon import Lexicon
from servicecoach.analysis.pipeline import Pipeline
from servicecoach.errors import ConfigError
from servicecoach.rubric import Rubric, load_rubric
from tests.analysis.fake_encoder import fake_encode
from tests.criteria.helpers import MEETS, MISSES, criterion

ADDED = "Our courier collects from the depot every weekday."
REMOVED = "Thanks for your patience."
BACKGROUND = (
    f"[background]\nsentences = [{json.dumps(ADDED)}]\nremove_sentences = [{json.dumps(REMOVED)}]\n"
)


def _rubric(tmp_path: Path, text: str = BACKGROUND) -> Path:
    """A rubric with one criterion whose ``[lexicons]`` overrides the criteria background."""
    (tmp_path / "lexicons").mkdir(exist_ok=True)
    (tmp_path / "lexicons" / "criteria_background.toml").write_text(text, encoding="utf-8")
    path = tmp_path / "team.toml"
    path.write_text(
        '[lexicons]\ncriteria_background = "lexicons/criteria_background.toml"\n\n'
        '[criteria.refund]\nlabel = "Offers a refund"\n'
        f"meets = {json.dumps(MEETS)}\nmisses = {json.dumps(MISSES)}\n",
        encoding="utf-8",
    )
    return path


def _background(tmp_path: Path) -> Lexicon:
    return load_rubric(_rubric(tmp_path)).team_lexicons()["criteria_background"]


def test_criteria_background_overrides_add_and_remove_sentences(tmp_path: Path) -> None:
    team = background_sentences(_background(tmp_path))
    shipped = background_sentences()
    assert ADDED in team and ADDED not in shipped
    assert REMOVED in shipped and REMOVED not in team
    assert len(team) == len(shipped)


def test_criteria_background_overrides_reach_the_fit(tmp_path: Path) -> None:
    seen: list[str] = []

    def encode(texts: Sequence[str]) -> npt.NDArray[np.float32]:
        seen.extend(texts)
        return fake_encode(texts)

    team = fit_criterion(criterion(), encode, "spy-team", _background(tmp_path))
    assert ADDED in seen and REMOVED not in seen
    shipped = fit_criterion(criterion(), fake_encode, "spy-team")
    assert team.digest != shipped.digest  # the cache never hands one team's fit to another
    assert (
        fit_criterion(criterion(background=False), fake_encode, "spy-team").digest
        == (
            fit_criterion(
                criterion(background=False), fake_encode, "spy-team", _background(tmp_path)
            )
        ).digest
    )  # without background sentences the override changes nothing


def test_criteria_background_overrides_reach_the_pipelines_criteria(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``Pipeline.from_rubric`` fits the rubric's criteria on its team's background."""
    judge = SimpleNamespace(embedder=SimpleNamespace(encode=fake_encode, model_name="fake"))
    monkeypatch.setattr(learned, "default_judge", lambda: judge)
    team_rubric = load_rubric(_rubric(tmp_path))
    plain_rubric = Rubric(criteria=team_rubric.criteria)
    team = Pipeline.from_rubric(team_rubric).criteria.versions["refund"]
    plain = Pipeline.from_rubric(plain_rubric).criteria.versions["refund"]
    assert team != plain
    checker = CriteriaChecker(team_rubric.criteria, fake_encode, "fake")
    assert checker.versions["refund"] == plain


@pytest.mark.parametrize(
    ("text", "needles"),
    [
        ("[backdrop]\nsentences = ['x']\n", ["criteria_background.toml", "[backdrop]"]),
        (
            "[background]\nsentences = 'Hello.'\n",
            ["criteria_background.toml", "[background] sentences", "list of non-empty texts"],
        ),
        (
            "[background]\nremove_sentences = ['Not shipped.']\n",
            ["[background] remove_sentences", "'Not shipped.' is not in the shipped sentences"],
        ),
    ],
)
def test_criteria_background_overrides_errors_name_file_and_key(
    tmp_path: Path, text: str, needles: list[str]
) -> None:
    path = _rubric(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_rubric(path)
    message = str(caught.value)
    assert message.startswith(f"rubric {path}: lexicons")
    for needle in needles:
        assert needle in message
