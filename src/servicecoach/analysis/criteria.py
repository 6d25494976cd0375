"""Custom criteria defined by example: a team's own checks, judged with the sentence model.

A rubric's ``[criteria.NAME]`` table (:class:`~servicecoach.rubric.Criterion`) gives a few
dozen agent sentences that meet the criterion and that do not. When the rubric is loaded
into a pipeline, :func:`fit_criterion` embeds them with the bundled sentence model and
fits a logistic regression on the embeddings (its regularisation and its threshold chosen
on out-of-fold probabilities, stratified cross-validation over the examples, the
threshold for precision: the best F0.5). The fit takes
a small fraction of a second and is cached by a digest of the examples and the model.

The pipeline then asks :class:`CriteriaChecker` about each conversation after the
analysers: every agent (or bot) sentence the learned view embedded is scored with one
matrix product, and each sentence over the threshold (and containing one of the
criterion's ``phrases``, when it has some) is evidence ``criteria.NAME`` on that sentence.
Without the model (``--fast``) a criterion with phrases is judged by the phrases alone,
and one without is not applicable: nothing else could judge it.

The background sentences every criterion also learns as misses are the
``criteria_background`` lexicon's: the shipped one, or the team's merged one where its
rubric's ``[lexicons]`` overrides it (the checker is handed it; its fits' digests differ).

Criteria change no skill score and no quality: they are reported beside the skills, in
the result's ``criteria`` key (docs/criteria.md), and their evidence is listed in each
message's ``signals``, so that ``servicecoach eval`` measures them like any signal.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from servicecoach.analysis.evidence import Evidence
from servicecoach.analysis.lexicon import Lexicon, load_lexicon
from servicecoach.model.conversation import Conversation, Message, Role
from servicecoach.nlp.phrases import PhraseMatcher
from servicecoach.nlp.sentences import sentences

if TYPE_CHECKING:
    from servicecoach.analysis.learned import LearnedView
    from servicecoach.rubric import Criterion

__all__ = [
    "BACKGROUND_EXCLUDE",
    "BETA",
    "FAMILY",
    "METHOD_VERSION",
    "CriteriaChecker",
    "CriterionFinding",
    "CriterionModel",
    "background_sentences",
    "fit_criterion",
]

FAMILY = "criteria"
"""The signal family of every criterion: its evidence is ``criteria.NAME``."""
METHOD_VERSION = 2
"""Raised when the fitting changes, so that a cached or recorded fit is not reused.

Version 2 adds the background sentences to the misses (version 1: the team's alone)."""
BACKGROUND_EXCLUDE = 0.75
"""A background sentence this similar (cosine) to one of a criterion's meets is left out."""
BETA = 0.5
"""The threshold maximises out-of-fold F-beta over the examples: precision counts 4 times."""
_FOLDS = 5
_CS = (1.0, 4.0, 16.0, 64.0)
"""Inverse regularisations tried; the one with the best out-of-fold average precision wins."""

Encode = Callable[[Sequence[str]], npt.NDArray[np.float32]]
_SPEAKERS = frozenset({Role.AGENT, Role.BOT})


@dataclass(frozen=True, slots=True)
class CriterionModel:
    """A fitted criterion: a linear score over sentence embeddings and its threshold.

    Attributes:
        weights: one weight per embedding dimension.
        bias: the intercept.
        threshold: the probability from which a sentence meets the criterion.
        digest: first 12 hex digits of the SHA-256 of the examples, encoder and method.
        cv_precision: out-of-fold precision at ``threshold`` over the examples and the
            background sentences used.
        cv_recall: out-of-fold recall over the meets at ``threshold``.
        c: the inverse regularisation chosen by cross-validation.
    """

    weights: npt.NDArray[np.float64]
    bias: float
    threshold: float
    digest: str
    cv_precision: float
    cv_recall: float
    c: float

    def probabilities(self, embeddings: npt.NDArray[np.float32]) -> npt.NDArray[np.float64]:
        """The probability that each row's sentence meets the criterion."""
        scores = embeddings.astype(np.float64) @ self.weights + self.bias
        return 0.5 * (1.0 + np.tanh(0.5 * scores))  # the logistic function, never overflowing


_fits: dict[str, CriterionModel] = {}
_fits_lock = threading.Lock()


def background_sentences(lexicon: Lexicon | None = None) -> tuple[str, ...]:
    """Ordinary agent sentences every criterion also learns as misses (unless switched off).

    A classifier fitted on a few dozen on-topic examples has never seen a greeting, a
    sign-off or "Okay."; on brand replies from Twitter, one fitted without them fired on
    7% of agent sentences, nearly all wrongly (docs/criteria.md).

    Args:
        lexicon: the ``criteria_background`` lexicon to read (a team's merged one, from
            its rubric's ``[lexicons]``); ``None``: the shipped one.
    """
    if lexicon is None:
        lexicon = load_lexicon("criteria_background")  # parsed once per process
    return tuple(str(s) for s in lexicon.section("background")["sentences"])


def _digest(criterion: Criterion, encoder: str, background_lexicon: Lexicon | None) -> str:
    background = sorted(background_sentences(background_lexicon)) if criterion.background else []
    data = [
        METHOD_VERSION,
        encoder,
        sorted(set(criterion.meets)),
        sorted(set(criterion.misses)),
        background,
        BACKGROUND_EXCLUDE,
    ]
    return hashlib.sha256(json.dumps(data).encode("utf-8")).hexdigest()[:12]


def fit_criterion(
    criterion: Criterion, encode: Encode, encoder: str, background: Lexicon | None = None
) -> CriterionModel:
    """Fit ``criterion`` on its examples (cached by their digest: a second call is free).

    Deterministic: the examples are deduplicated and sorted, the folds are seeded, and
    the solver is deterministic, so the same examples give the same model bit for bit.

    Args:
        criterion: the validated rubric table.
        encode: the sentence encoder (unit-length rows).
        encoder: names the encoder and its version (``Embedder.model_name``).
        background: the team's ``criteria_background`` lexicon; ``None``: the shipped one.
            Its sentences are part of the digest, so two teams' fits never mix.
    """
    digest = _digest(criterion, encoder, background)
    with _fits_lock:
        cached = _fits.get(digest)
    if cached is not None:
        return cached
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import average_precision_score
    from sklearn.model_selection import StratifiedKFold
    from threadpoolctl import threadpool_limits

    meets, misses = sorted(set(criterion.meets)), sorted(set(criterion.misses))
    extra = sorted(set(background_sentences(background)) - set(meets) - set(misses))
    vectors = np.asarray(encode([*meets, *misses, *(extra if criterion.background else [])]))
    x = vectors.astype(np.float64)
    if criterion.background:  # not the background sentences that read like a meet
        close = (x[len(meets) + len(misses) :] @ x[: len(meets)].T).max(axis=1)
        keep = np.concatenate([np.ones(len(meets) + len(misses), bool), close < BACKGROUND_EXCLUDE])
        x = x[keep]
    y = np.array([1] * len(meets) + [0] * (len(x) - len(meets)))
    splits = min(_FOLDS, len(meets), len(misses))
    folds = list(StratifiedKFold(n_splits=splits, shuffle=True, random_state=0).split(x, y))

    def model(c: float) -> LogisticRegression:
        return LogisticRegression(C=c, class_weight="balanced", max_iter=1000)

    def held_out(c: float) -> npt.NDArray[np.float64]:
        out = np.zeros(len(y))
        for train, test in folds:
            out[test] = model(c).fit(x[train], y[train]).predict_proba(x[test])[:, 1]
        return out

    # One BLAS thread: on these small matrices a second one only spins (0.05 s against 2 s
    # for the 21 fits on two busy cores).
    with threadpool_limits(limits=1, user_api="blas"):
        tried = {c: held_out(c) for c in _CS}
        best_c = max(_CS, key=lambda c: (round(float(average_precision_score(y, tried[c])), 6), -c))
        threshold, precision, recall = _threshold(tried[best_c], y)
        fitted = model(best_c).fit(x, y)
    result = CriterionModel(
        np.asarray(fitted.coef_[0], dtype=np.float64),
        float(fitted.intercept_[0]),
        threshold,
        digest,
        precision,
        recall,
        best_c,
    )
    with _fits_lock:
        _fits[digest] = result
    return result


def _threshold(
    probabilities: npt.NDArray[np.float64], labels: npt.NDArray[np.int_]
) -> tuple[float, float, float]:
    """The threshold with the best out-of-fold F-beta (:data:`BETA`), the highest on ties.

    Returns the threshold and its out-of-fold precision and recall.
    """
    positives = int(labels.sum())
    best = (-1.0, 1.0, 0.0, 0.0)  # f-beta, threshold, precision, recall
    for threshold in sorted(set(probabilities.tolist()), reverse=True):
        fired = probabilities >= threshold
        tp = int((fired & (labels == 1)).sum())
        precision, recall = tp / int(fired.sum()), tp / positives
        beta2 = BETA * BETA
        f = (1 + beta2) * precision * recall / (beta2 * precision + recall) if tp else 0.0
        if f > best[0]:
            best = (f, threshold, precision, recall)
    return best[1], best[2], best[3]


@dataclass(frozen=True, slots=True)
class CriterionFinding:
    """A criterion's verdict on one conversation.

    Attributes:
        label: the criterion's label (from the rubric).
        polarity: +1 when meeting it is good, -1 when it costs.
        judged_by: ``model``, ``phrases``, or ``None`` when it could not be judged.
        version: ``criteria.NAME@DIGEST`` of the fit (``@phrases`` in fast mode).
        evidence: the sentences that meet it.
        reason: why it was not judged, when it was not.
    """

    label: str
    polarity: int
    judged_by: str | None
    version: str | None = None
    evidence: tuple[Evidence, ...] = ()
    reason: str | None = None

    @property
    def applicable(self) -> bool:
        """False when the criterion could not be judged on this conversation."""
        return self.judged_by is not None

    @property
    def met(self) -> bool | None:
        """Whether some agent sentence meets it (``None`` when not applicable)."""
        return bool(self.evidence) if self.applicable else None

    def to_dict(self) -> dict[str, Any]:
        """The result file's shape (docs/criteria.md)."""
        out: dict[str, Any] = {
            "label": self.label,
            "polarity": self.polarity,
            "applicable": self.applicable,
            "met": self.met,
            "judged_by": self.judged_by,
            "version": self.version,
            "evidence": [e.to_dict() for e in self.evidence],
        }
        if self.reason is not None:
            out["reason"] = self.reason
        return out


@dataclass(frozen=True, slots=True)
class _Check:
    name: str
    criterion: Criterion
    model: CriterionModel | None
    phrases: PhraseMatcher | None


class CriteriaChecker:
    """Judges a rubric's criteria on conversations (fitted once, when it is built).

    Args:
        criteria: the rubric's criteria by name.
        encode: the sentence encoder, or ``None`` in fast mode (phrases only).
        encoder: the encoder's name and version, recorded in each fit's digest.
        background: the team's merged ``criteria_background`` lexicon (its rubric's
            ``[lexicons]``), whose sentences every criterion learns as misses; ``None``:
            the shipped one.
    """

    def __init__(
        self,
        criteria: Mapping[str, Criterion],
        encode: Encode | None = None,
        encoder: str = "",
        background: Lexicon | None = None,
    ) -> None:
        self.checks = tuple(
            _Check(
                name,
                criterion,
                (
                    fit_criterion(criterion, encode, encoder, background)
                    if encode is not None
                    else None
                ),
                PhraseMatcher.from_lists({name: criterion.phrases}) if criterion.phrases else None,
            )
            for name, criterion in sorted(criteria.items())
        )

    def __bool__(self) -> bool:
        return bool(self.checks)

    @property
    def versions(self) -> dict[str, str]:
        """Criterion name to the version its findings carry."""
        return {c.name: v for c in self.checks if (v := _version(c)) is not None}

    def not_judged(self, reason: str) -> dict[str, CriterionFinding]:
        """Every criterion not applicable, for ``reason`` (e.g. a language not scored)."""
        return {
            c.name: CriterionFinding(c.criterion.label, c.criterion.polarity, None, reason=reason)
            for c in self.checks
        }

    def check(
        self, conversation: Conversation, view: LearnedView | None
    ) -> dict[str, CriterionFinding]:
        """Each criterion's finding on ``conversation``; ``view`` holds its embeddings."""
        speaking = [
            i
            for i, m in enumerate(conversation.messages)
            if m.role in _SPEAKERS and not m.internal and m.text.strip()
        ]
        out: dict[str, CriterionFinding] = {}
        for check in self.checks:
            label, polarity = check.criterion.label, check.criterion.polarity
            method = "model" if check.model is not None else "phrases" if check.phrases else None
            if method is None:
                out[check.name] = CriterionFinding(
                    label, polarity, None, reason="fast mode: no sentence model and no phrases"
                )
            elif not speaking:
                out[check.name] = CriterionFinding(
                    label, polarity, None, reason="no agent reply to judge"
                )
            else:
                found = _sentences(conversation, speaking, view if check.model else None)
                evidence = tuple(
                    _evidence(conversation.messages[s.message], s, check)
                    for s in _meeting(check, found, view)
                )
                out[check.name] = CriterionFinding(
                    label, polarity, method, _version(check), evidence
                )
        return out


def _version(check: _Check) -> str | None:
    if check.model is not None:
        return f"{FAMILY}.{check.name}@{check.model.digest}"
    return f"{FAMILY}.{check.name}@phrases" if check.phrases is not None else None


@dataclass(frozen=True, slots=True)
class _Sentence:
    """An agent sentence to judge: message index, span, text, and its row in the view."""

    message: int
    start: int
    end: int
    text: str
    row: int | None


def _sentences(
    conversation: Conversation, speaking: list[int], view: LearnedView | None
) -> list[_Sentence]:
    """The agent sentences to judge, trimmed, in conversation order.

    With a view, the sentences it embedded (the first 24 of each message); without, every
    sentence. Quoted lines (``>``) are the customer's words, not the agent's.
    """
    out: list[_Sentence] = []
    for index in speaking:
        text = conversation.messages[index].text
        spans: list[tuple[int, int, int | None]]
        if view is not None:
            spans = [(view.spans[row].start, view.spans[row].end, row) for row in view.rows(index)]
        else:
            spans = [(s.start, s.end, None) for s in sentences(text)]
        for start, end, row in spans:
            piece = text[start:end]
            stripped = piece.strip()
            if not stripped or stripped.startswith(">"):
                continue
            begin = start + len(piece) - len(piece.lstrip())
            out.append(_Sentence(index, begin, begin + len(stripped), stripped, row))
    return out


def _meeting(check: _Check, found: list[_Sentence], view: LearnedView | None) -> list[_Sentence]:
    """The sentences of ``found`` that meet the criterion, in conversation order."""
    hits = found
    if check.model is not None:
        judged = [s for s in found if s.row is not None]
        if view is None or not judged:
            return []
        rows = [s.row for s in judged if s.row is not None]
        fires = check.model.probabilities(view.embeddings[rows]) >= check.model.threshold
        hits = [s for s, fired in zip(judged, fires.tolist(), strict=True) if fired]
    if check.phrases is None:
        return hits
    return [s for s in hits if check.phrases.find(s.text)]


def _evidence(message: Message, sentence: _Sentence, check: _Check) -> Evidence:
    return Evidence(
        message=message.id,
        start=sentence.start,
        end=sentence.end,
        signal=f"{FAMILY}.{check.name}",
        polarity=check.criterion.polarity,
        quote=sentence.text,
    )
