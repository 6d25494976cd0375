"""A team's own head for one learned signal, fitted on its reviewers' sentences, and the
heads file a tuned rubric names.

The shipped ``acts`` head was trained on public conversations; a team's reviewers may
draw the line elsewhere (what counts as a solution in a bank is not what counts in a
games shop). :func:`fit_team_head` fits a logistic regression on the reviewed sentences'
embeddings *and the shipped head's log-odds* for the label: it starts from what the
shipped head says and learns where the team disagrees. Its threshold is chosen for
precision (the best out-of-fold F0.5 over the examples), as the shipped head's were.

:func:`heads_file` writes the fitted heads as JSON (``rubric.HEADS_FORMAT``) with what
they were fitted on; ``rubric.load_rubric`` reads them back into the rubric, so that the
rubric's version covers them and switching or rolling back rubrics switches heads too.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime

import numpy as np
import numpy.typing as npt

from servicecoach.rubric import HEADS_FORMAT, TeamHead

__all__ = ["BETA", "MIN_SIDE", "fit_team_head", "heads_file"]

MIN_SIDE = 8
"""Reviewed sentences a head needs on each side (with and without the signal)."""
BETA = 0.5
"""The threshold maximises out-of-fold F-beta: precision counts four times as much."""
_C = 1.0
_FOLDS = 5


def _features(
    embeddings: npt.NDArray[np.float32], shipped: npt.NDArray[np.float32]
) -> npt.NDArray[np.float64]:
    clipped = np.clip(shipped.astype(np.float64), 1e-6, 1 - 1e-6)
    logit = np.log(clipped / (1 - clipped))
    return np.hstack([embeddings.astype(np.float64), logit[:, None]])


def fit_team_head(
    embeddings: npt.NDArray[np.float32],
    shipped: npt.NDArray[np.float32],
    present: npt.NDArray[np.bool_],
) -> TeamHead | None:
    """A team head for one label, or ``None`` with fewer than :data:`MIN_SIDE` examples
    on a side.

    Deterministic: seeded folds and a deterministic solver.

    Args:
        embeddings: the reviewed sentences' embeddings, one row each.
        shipped: the shipped head's probability of the label for each.
        present: the reviewers' verdicts.
    """
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold
    from threadpoolctl import threadpool_limits

    y = present.astype(int)
    positives = int(y.sum())
    if min(positives, len(y) - positives) < MIN_SIDE:
        return None
    x = _features(embeddings, shipped)

    def model() -> LogisticRegression:
        return LogisticRegression(C=_C, class_weight="balanced", max_iter=2000)

    out = np.zeros(len(y))
    folds = StratifiedKFold(n_splits=_FOLDS, shuffle=True, random_state=0).split(x, y)
    with threadpool_limits(limits=1, user_api="blas"):
        for train, test in folds:
            out[test] = model().fit(x[train], y[train]).predict_proba(x[test])[:, 1]
        fitted = model().fit(x, y)
    coef = np.asarray(fitted.coef_[0], dtype=np.float64)
    return TeamHead(
        weights=[float(w) for w in coef[:-1]],
        shipped=float(coef[-1]),
        bias=float(fitted.intercept_[0]),
        threshold=_threshold(out, y),
        examples=len(y),
    )


def _threshold(probabilities: npt.NDArray[np.float64], labels: npt.NDArray[np.int_]) -> float:
    """The threshold with the best out-of-fold F-beta, kept inside (0.01, 0.99)."""
    positives = int(labels.sum())
    best_f, best_t = -1.0, 0.5
    for threshold in sorted(set(np.round(probabilities, 6).tolist()), reverse=True):
        fired = probabilities >= threshold
        tp = int((fired & (labels == 1)).sum())
        if not tp:
            continue
        precision, recall = tp / int(fired.sum()), tp / positives
        beta2 = BETA * BETA
        f = (1 + beta2) * precision * recall / (beta2 * precision + recall)
        if f > best_f:
            best_f, best_t = f, threshold
    return float(min(max(best_t, 0.01), 0.99))


def heads_file(heads: Mapping[str, TeamHead], encoder: str, reviews: int) -> str:
    """The heads file's JSON text: the heads by signal and what they were fitted on.

    Args:
        heads: signal to its team head.
        encoder: the sentence model they were fitted on (``Embedder.model_name``).
        reviews: how many reviews the tune read.
    """
    import sklearn

    data = {
        "format": HEADS_FORMAT,
        "fitted": f"{datetime.now(UTC):%Y-%m-%dT%H:%M:%SZ}",
        "encoder": encoder,
        "sklearn": sklearn.__version__,
        "reviews": reviews,
        "heads": {signal: head.model_dump() for signal, head in sorted(heads.items())},
    }
    return json.dumps(data, indent=1) + "\n"
