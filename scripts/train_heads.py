"""Train servicecoach's heads on the train+ship data sets of ../shared/data; print the metrics.

Each head is a linear model over ``servicecoach.nlp.heads.features`` (the shipped int8
sentence embedding plus the lexical features), so training sees exactly what run time
sees. Features are standardised for fitting and the scaling is folded into the saved
weights. Everything is seeded; the regularisation strength is chosen on held-out folds of
the training data (or GoEmotions' own dev split); metrics are measured on data the head
never saw. Heads are written to ``src/servicecoach/model_files/heads/<name>.json``.

Heads (``--heads``, default all):

- ``emotion``: GoEmotions (train split) mapped onto servicecoach's 10 customer
  emotions (:data:`EMOTION_MAP`), softmax; test-split metrics.
- ``emotion_ekman``: GoEmotions' Ekman grouping (7 labels, multi-label, sigmoid, per-label
  thresholds tuned on dev), to compare with the published BERT macro-F1 of 0.64.
- ``politeness``: Stanford Politeness, polite (top quartile) vs impolite (bottom quartile)
  per domain, softmax over two labels; the paper's protocol (in-domain 10-fold CV,
  cross-domain train-on-one, test-on-the-other).
- ``counselling``: AnnoMI therapist utterances: reflection, question, therapist_input
  (information/advice), other; split by transcript; per-class P/R/F1 on the test
  transcripts.
- ``empathy``: WASSA essays, ridge regression of empathy and distress (1-7); Pearson r by
  10-fold cross-validation, the paper's protocol.

Only sets that ../shared/data/README.md marks train+ship are read here.

Needs the ``train`` extra: ``pip install -e ".[train]"``. Embeddings of the data sets are
cached under ``/tmp/servicecoach-head-cache`` (keyed by model and texts).

Usage: python scripts/train_heads.py [--heads emotion,politeness] [--data ../shared/data]
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import platform
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.metrics import accuracy_score, f1_score, precision_recall_fscore_support
from sklearn.model_selection import GroupKFold, GroupShuffleSplit, KFold, StratifiedKFold
from sklearn.preprocessing import StandardScaler

from servicecoach.nlp.embeddings import Embedder
from servicecoach.nlp.heads import (
    FORMAT_VERSION,
    HEADS_DIR,
    LEXICAL_FEATURES,
    features,
    lexical_features,
)
from servicecoach.nlp.sentences import sentences

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DATA = REPO.parent / "shared" / "data"
CACHE = Path("/tmp/servicecoach-head-cache")
SEED = 0
COMMAND = "python scripts/train_heads.py"
CS = (0.0003, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0)
POWERS = (0.5, 1.0)
ALPHAS = (100.0, 300.0, 1000.0, 3000.0, 10000.0, 30000.0)

EMOTIONS = (
    "anger", "frustration", "anxiety", "sadness", "confusion", "disappointment",
    "neutral", "satisfaction", "gratitude", "relief",
)  # fmt: skip
EMOTION_MAP = {
    "anger": "anger",
    "disgust": "anger",
    "annoyance": "frustration",
    "disapproval": "frustration",
    "fear": "anxiety",
    "nervousness": "anxiety",
    "sadness": "sadness",
    "grief": "sadness",
    "confusion": "confusion",
    "disappointment": "disappointment",
    "neutral": "neutral",
    "curiosity": "neutral",
    "realization": "neutral",
    "joy": "satisfaction",
    "admiration": "satisfaction",
    "amusement": "satisfaction",
    "excitement": "satisfaction",
    "love": "satisfaction",
    "gratitude": "gratitude",
    "relief": "relief",
}
"""GoEmotions label -> customer emotion. Labels not listed are dropped (see DROPPED)."""
DROPPED = {
    "approval": "agreement ('yes, that's right') is neutral or satisfied depending on context",
    "caring": "the speaker's care for someone else, not their own state",
    "desire": "a wish, not an emotion about the service",
    "embarrassment": "rare and not one of the customer emotions",
    "optimism": "hope ('hopefully it arrives tomorrow') is neither upset nor satisfied",
    "pride": "rare and not one of the customer emotions",
    "remorse": "customers' 'sorry to bother you' would teach sadness",
    "surprise": "positive or negative depending on context",
}

__all__ = ["main"]


# --------------------------------------------------------------------------- shared helpers


def embed(texts: Sequence[str], embedder: Embedder) -> np.ndarray:
    """Embeddings of ``texts``, cached on disk by model and content."""
    digest = hashlib.sha256(embedder.model_name.encode())
    for text in texts:
        digest.update(text.encode("utf-8", "surrogatepass") + b"\x00")
    path = CACHE / f"{digest.hexdigest()[:24]}.npy"
    if path.is_file():
        return np.load(path)
    started = time.perf_counter()
    vectors = embedder.encode(texts)
    CACHE.mkdir(parents=True, exist_ok=True)
    np.save(path, vectors)
    print(f"  embedded {len(texts)} texts in {time.perf_counter() - started:.0f} s", flush=True)
    return vectors


def matrix(texts: Sequence[str], embedder: Embedder) -> np.ndarray:
    """The head features of ``texts`` (float64 for fitting)."""
    return features(embed(texts, embedder), texts).astype(np.float64)


def fit_logistic(
    x: np.ndarray,
    y: np.ndarray,
    c: float,
    weight: np.ndarray | None = None,
    power: float = 1.0,
) -> Any:
    """Standardise, then logistic regression; returns (scaler, model).

    Class ``k`` with ``n_k`` of ``n`` rows weighs ``(n / (classes * n_k)) ** power``:
    ``power=1`` is scikit-learn's "balanced", ``0.5`` a square-root balance that helps rare
    classes without flooding the argmax with them.
    """
    counts = Counter(y.tolist())
    class_weight = {k: (len(y) / (len(counts) * n)) ** power for k, n in counts.items()}
    scaler = StandardScaler().fit(x)
    model = LogisticRegression(C=c, class_weight=class_weight, max_iter=5000, random_state=SEED)
    model.fit(scaler.transform(x), y, sample_weight=weight)
    return scaler, model


def predict_logistic(fitted: Any, x: np.ndarray) -> np.ndarray:
    scaler, model = fitted
    return model.predict_proba(scaler.transform(x))


def choose(
    candidates: Sequence[Any], score: Callable[[Any], float], what: str
) -> tuple[Any, dict[str, float]]:
    """The candidate with the best score (ties: the first, i.e. the stronger regularisation)."""
    scores = {str(c): round(score(c), 4) for c in candidates}
    best = max(candidates, key=lambda c: (scores[str(c)], -candidates.index(c)))
    print(f"  {what}: {scores} -> {best}", flush=True)
    return best, scores


def folded(scaler: StandardScaler, coef: np.ndarray, intercept: np.ndarray) -> tuple[Any, Any]:
    """Weights ``(features, outputs)`` and bias for raw features (scaling folded in)."""
    weights = coef.T / scaler.scale_[:, None]
    bias = intercept - (scaler.mean_ / scaler.scale_) @ coef.T
    return weights, bias


def libraries() -> dict[str, str]:
    names = ("numpy", "scikit-learn", "onnxruntime", "tokenizers")
    return {"python": platform.python_version(), **{n: version(n) for n in names}}


def save(
    name: str,
    kind: str,
    labels: Sequence[str],
    weights: np.ndarray,
    bias: np.ndarray,
    metadata: dict[str, Any],
    embedder: Embedder,
    thresholds: Sequence[float] | None = None,
) -> Path:
    """Write ``<name>.json`` (weights to 6 significant digits)."""

    def rounded(values: Any) -> Any:
        if isinstance(values, np.ndarray):
            return rounded(values.tolist())
        if isinstance(values, list):
            return [rounded(v) for v in values]
        return float(f"{values:.6g}")

    metadata = {
        **metadata,
        "embedding_model": embedder.model_name,
        "libraries": libraries(),
        "command": COMMAND + f" --heads {name}",
        "date": datetime.now(UTC).date().isoformat(),
        "seed": SEED,
    }
    data = {
        "format": FORMAT_VERSION,
        "name": name,
        "kind": kind,
        "labels": list(labels),
        "features": {"embedding_dimension": embedder.dim, "lexical": list(LEXICAL_FEATURES)},
        "thresholds": rounded(list(thresholds)) if thresholds is not None else None,
        "metadata": metadata,
        "bias": rounded(np.asarray(bias, dtype=np.float64)),
        "weights": rounded(np.asarray(weights, dtype=np.float64)),
    }
    HEADS_DIR.mkdir(parents=True, exist_ok=True)
    path = HEADS_DIR / f"{name}.json"
    path.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"  wrote {path.relative_to(REPO)} ({path.stat().st_size / 1024:.0f} KiB)", flush=True)
    return path


def per_class(y_true: Any, y_pred: Any, labels: Sequence[str]) -> dict[str, dict[str, float]]:
    """Precision, recall, F1 and support per label (index-coded or indicator input)."""
    p, r, f, s = precision_recall_fscore_support(
        y_true, y_pred, labels=None if np.ndim(y_true) > 1 else range(len(labels)),
        zero_division=0,
    )  # fmt: skip
    return {
        label: {
            "precision": round(float(p[i]), 3),
            "recall": round(float(r[i]), 3),
            "f1": round(float(f[i]), 3),
            "support": int(s[i]),
        }
        for i, label in enumerate(labels)
    }


# --------------------------------------------------------------------------- GoEmotions

GOEMOTIONS = {
    "dataset": "GoEmotions (Demszky et al., ACL 2020), 58k Reddit comments",
    "source": "../shared/data/goemotions (the monologg/GoEmotions-pytorch copy of the splits)",
    "licence": "Apache-2.0",
    "attribution": (
        "Dorottya Demszky, Dana Movshovitz-Attias, Jeongwoo Ko, Alan Cowen, Gaurav Nemade, "
        "Sujith Ravi. GoEmotions: A Dataset of Fine-Grained Emotions. ACL 2020. "
        "Data (c) Google LLC, Apache License 2.0."
    ),
}


def _goemotions(data: Path, taxonomy: str, split: str) -> tuple[list[str], list[list[str]]]:
    names = (data / "goemotions" / taxonomy / "labels.txt").read_text().split()
    texts, labels = [], []
    with (data / "goemotions" / taxonomy / f"{split}.tsv").open(encoding="utf-8") as handle:
        for line in handle:
            text, ids, _ = line.rstrip("\n").split("\t")
            # The corpus masks names and religions; give the tokenizer ordinary words.
            texts.append(text.replace("[NAME]", "Sam").replace("[RELIGION]", "religion"))
            labels.append([names[int(i)] for i in ids.split(",")])
    return texts, labels


def _to_customer(labels: list[str]) -> list[str]:
    mapped = sorted({EMOTION_MAP[label] for label in labels if label in EMOTION_MAP})
    if len(mapped) > 1 and "neutral" in mapped:
        mapped.remove("neutral")  # an emotion named beside neutral wins
    return mapped


def train_emotion(data: Path, embedder: Embedder) -> dict[str, Any]:
    """Ten customer emotions, softmax; C chosen on GoEmotions dev, measured on test."""
    splits = {}
    for split in ("train", "dev", "test"):
        texts, raw = _goemotions(data, "original", split)
        mapped = [_to_customer(labels) for labels in raw]
        keep = [i for i, m in enumerate(mapped) if m]
        splits[split] = ([texts[i] for i in keep], [mapped[i] for i in keep], len(texts))
    # An example with k customer emotions becomes k rows of weight 1/k.
    train_texts, train_sets, train_total = splits["train"]
    x_all = matrix(train_texts, embedder)
    rows = [i for i, s in enumerate(train_sets) for _ in s]
    y = np.array([EMOTIONS.index(label) for s in train_sets for label in s])
    weight = np.array([1.0 / len(train_sets[i]) for i in rows])
    x = x_all[rows]

    def indicator(sets: list[list[str]]) -> np.ndarray:
        out = np.zeros((len(sets), len(EMOTIONS)), dtype=int)
        for i, s in enumerate(sets):
            for label in s:
                out[i, EMOTIONS.index(label)] = 1
        return out

    def one_hot(indices: np.ndarray) -> np.ndarray:
        return np.eye(len(EMOTIONS), dtype=int)[indices]

    dev_texts, dev_sets, _ = splits["dev"]
    x_dev, y_dev = matrix(dev_texts, embedder), indicator(dev_sets)

    def dev_score(setting: tuple[float, float]) -> float:
        power, c = setting
        fitted = fit_logistic(x, y, c, weight, power)
        predicted = predict_logistic(fitted, x_dev).argmax(axis=1)
        return float(f1_score(y_dev, one_hot(predicted), average="macro", zero_division=0))

    grid = [(power, c) for power in POWERS for c in CS]
    (power, c), scores = choose(grid, dev_score, "(class-weight power, C) by dev macro-F1")
    scaler, model = fit_logistic(x, y, c, weight, power)
    test_texts, test_sets, test_total = splits["test"]
    y_test = indicator(test_sets)
    predicted = predict_logistic((scaler, model), matrix(test_texts, embedder)).argmax(axis=1)
    hits = [EMOTIONS[p] in s for p, s in zip(predicted, test_sets, strict=True)]
    metrics = {
        "split": "GoEmotions test",
        "examples": len(test_texts),
        "examples_dropped": test_total - len(test_texts),
        "macro_f1": round(float(f1_score(y_test, one_hot(predicted), average="macro")), 3),
        "accuracy_in_gold": round(float(np.mean(hits)), 3),
        "per_class": per_class(y_test, one_hot(predicted), EMOTIONS),
        "protocol": (
            "one label per comment (argmax); a prediction is right when it is one of the "
            "comment's mapped gold labels; macro-F1 over the 10 labels with multi-label gold"
        ),
    }
    weights, bias = folded(scaler, model.coef_, model.intercept_)
    metadata = {
        **GOEMOTIONS,
        "task": "customer emotion of a sentence (FORMAT.md's 10 labels)",
        "mapping": EMOTION_MAP,
        "dropped_labels": DROPPED,
        "training": {
            "split": "train",
            "comments": len(train_texts),
            "comments_dropped": train_total - len(train_texts),
            "rows": len(y),
            "label_rows": dict(Counter(EMOTIONS[i] for i in y)),
            "model": "LogisticRegression (multinomial), class weights (n / (10 n_k)) ** power",
            "C": c,
            "class_weight_power": power,
            "scores_dev_macro_f1": scores,
        },
        "metrics": metrics,
    }
    save("emotion", "multiclass", EMOTIONS, weights, bias, metadata, embedder)
    return metrics


def train_emotion_ekman(data: Path, embedder: Embedder) -> dict[str, Any]:
    """Ekman's 6 emotions + neutral, one sigmoid per label, thresholds tuned on dev."""
    labels = tuple((data / "goemotions" / "ekman" / "labels.txt").read_text().split())
    sets = {split: _goemotions(data, "ekman", split) for split in ("train", "dev", "test")}

    def indicator(raw: list[list[str]]) -> np.ndarray:
        return np.array([[int(label in r) for label in labels] for r in raw])

    x = matrix(sets["train"][0], embedder)
    y = indicator(sets["train"][1])
    x_dev, y_dev = matrix(sets["dev"][0], embedder), indicator(sets["dev"][1])
    scaler = StandardScaler().fit(x)
    z, z_dev = scaler.transform(x), scaler.transform(x_dev)
    grid = np.round(np.arange(0.05, 0.96, 0.05), 2)
    chosen: list[tuple[float, float, Any]] = []
    for j, label in enumerate(labels):
        best: tuple[float, float, float, Any] | None = None
        for c in CS:
            model = LogisticRegression(C=c, max_iter=5000, random_state=SEED).fit(z, y[:, j])
            p = model.predict_proba(z_dev)[:, 1]
            for t in grid:
                f = float(f1_score(y_dev[:, j], p >= t, zero_division=0))
                if best is None or f > best[0] + 1e-9:
                    best = (f, c, float(t), model)
        assert best is not None
        print(f"  {label}: dev F1 {best[0]:.3f} at C={best[1]}, threshold {best[2]}", flush=True)
        chosen.append((best[1], best[2], best[3]))
    coef = np.vstack([m.coef_ for _, _, m in chosen])
    intercept = np.concatenate([m.intercept_ for _, _, m in chosen])
    thresholds = [t for _, t, _ in chosen]
    x_test, y_test = matrix(sets["test"][0], embedder), indicator(sets["test"][1])
    p_test = 1 / (1 + np.exp(-(scaler.transform(x_test) @ coef.T + intercept)))
    predicted = (p_test >= np.array(thresholds)).astype(int)
    metrics = {
        "split": "GoEmotions test (Ekman grouping)",
        "examples": len(y_test),
        "macro_f1": round(float(f1_score(y_test, predicted, average="macro", zero_division=0)), 3),
        "per_class": per_class(y_test, predicted, labels),
        "published": {"BERT-base macro-F1 (Demszky et al. 2020)": 0.64},
        "protocol": "multi-label: one sigmoid per label, per-label thresholds tuned on dev",
    }
    weights, bias = folded(scaler, coef, intercept)
    metadata = {
        **GOEMOTIONS,
        "task": "Ekman emotions of a sentence (for comparison with published results)",
        "training": {
            "split": "train",
            "comments": len(y),
            "model": "LogisticRegression per label (one-vs-rest)",
            "C_per_label": {label: c for label, (c, _, _) in zip(labels, chosen, strict=True)},
            "thresholds_tuned_on": "dev",
        },
        "metrics": metrics,
    }
    save("emotion_ekman", "multilabel", labels, weights, bias, metadata, embedder, thresholds)
    return metrics


# --------------------------------------------------------------------------- politeness

POLITENESS = {
    "dataset": "Stanford Politeness Corpus (Danescu-Niculescu-Mizil et al., ACL 2013)",
    "source": "../shared/data/stanford_politeness (Wikipedia and Stack Exchange requests)",
    "licence": "CC BY 4.0",
    "attribution": (
        "Cristian Danescu-Niculescu-Mizil, Moritz Sudhof, Dan Jurafsky, Jure Leskovec, "
        "Christopher Potts. A computational approach to politeness with application to "
        "social factors. ACL 2013. Distributed by ConvoKit under CC BY 4.0."
    ),
}


def _politeness(data: Path, domain: str) -> tuple[list[str], np.ndarray]:
    """Top (polite, 1) and bottom (impolite, 0) quartile requests of one domain."""
    file = {
        "wikipedia": "wikipedia.annotated.csv",
        "stack_exchange": "stack-exchange.annotated.csv",
    }
    with (data / "stanford_politeness" / file[domain]).open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    scores = np.array([float(r["Normalized Score"]) for r in rows])
    low, high = np.quantile(scores, [0.25, 0.75])
    keep = [(r["Request"], int(s >= high)) for r, s in zip(rows, scores, strict=True)
            if s <= low or s >= high]  # fmt: skip
    return [t for t, _ in keep], np.array([y for _, y in keep])


def _pick_c(x: np.ndarray, y: np.ndarray) -> float:
    folds = list(StratifiedKFold(5, shuffle=True, random_state=SEED).split(x, y))

    def score(c: float) -> float:
        hits = [
            accuracy_score(y[test], predict_logistic(fit_logistic(x[tr], y[tr], c), x[test]).argmax(1))
            for tr, test in folds
        ]  # fmt: skip
        return float(np.mean(hits))

    return max(CS, key=lambda c: (round(score(c), 4), -CS.index(c)))


def train_politeness(data: Path, embedder: Embedder) -> dict[str, Any]:
    """Polite vs impolite; the paper's in-domain and cross-domain accuracies."""
    domains = {d: _politeness(data, d) for d in ("wikipedia", "stack_exchange")}
    x = {d: matrix(texts, embedder) for d, (texts, _) in domains.items()}
    y = {d: labels for d, (_, labels) in domains.items()}
    results: dict[str, float] = {}
    for d in domains:  # in-domain: 10-fold CV, C chosen inside each training fold
        hits = []
        for tr, test in StratifiedKFold(10, shuffle=True, random_state=SEED).split(x[d], y[d]):
            c = _pick_c(x[d][tr], y[d][tr])
            fitted = fit_logistic(x[d][tr], y[d][tr], c)
            hits.append(accuracy_score(y[d][test], predict_logistic(fitted, x[d][test]).argmax(1)))
        results[f"in_domain_{d}"] = round(100 * float(np.mean(hits)), 1)
        print(f"  in-domain {d}: {results[f'in_domain_{d}']}%", flush=True)
    for source, target in (("wikipedia", "stack_exchange"), ("stack_exchange", "wikipedia")):
        fitted = fit_logistic(x[source], y[source], _pick_c(x[source], y[source]))
        accuracy = accuracy_score(y[target], predict_logistic(fitted, x[target]).argmax(1))
        results[f"cross_domain_{source}_to_{target}"] = round(100 * float(accuracy), 1)
        print(f"  {source} -> {target}: {100 * accuracy:.1f}%", flush=True)
    x_all = np.vstack([x["wikipedia"], x["stack_exchange"]])
    y_all = np.concatenate([y["wikipedia"], y["stack_exchange"]])
    c = _pick_c(x_all, y_all)
    scaler, model = fit_logistic(x_all, y_all, c)
    half_w, half_b = model.coef_ / 2, model.intercept_ / 2  # softmax(-z/2, z/2) = sigmoid(z)
    weights, bias = folded(scaler, np.vstack([-half_w, half_w]), np.concatenate([-half_b, half_b]))
    metrics = {
        "accuracy_percent": results,
        "published_percent": {
            "in_domain_wikipedia": 83.8,
            "in_domain_stack_exchange": 78.2,
            "cross_domain_wikipedia_to_stack_exchange": 67.5,
            "cross_domain_stack_exchange_to_wikipedia": 75.4,
            "human_wikipedia": 86.7,
            "human_stack_exchange": 80.9,
        },
        "protocol": (
            "polite = top quartile, impolite = bottom quartile of the normalised score, per "
            "domain; in-domain accuracy by stratified 10-fold cross-validation (C chosen by "
            "5-fold CV inside each training fold); cross-domain: train on all of one domain, "
            "test on all of the other"
        ),
    }
    metadata = {
        **POLITENESS,
        "task": "is a request polite (top quartile) or impolite (bottom quartile)",
        "training": {
            "examples": len(y_all),
            "domains": {d: len(v) for d, v in y.items()},
            "model": "LogisticRegression (classes balanced by construction)",
            "C": c,
            "C_chosen_by": "5-fold stratified CV accuracy",
        },
        "metrics": metrics,
    }
    save("politeness", "multiclass", ("impolite", "polite"), weights, bias, metadata, embedder)
    return metrics


# --------------------------------------------------------------------------- AnnoMI

COUNSELLING_LABELS = ("reflection", "question", "therapist_input", "other")


def train_counselling(data: Path, embedder: Embedder) -> dict[str, Any]:
    """Therapist behaviour per utterance; train/test split by transcript."""
    with (data / "annomi" / "AnnoMI-simple.csv").open(encoding="utf-8") as handle:
        rows = [r for r in csv.DictReader(handle) if r["interlocutor"] == "therapist"]
    rows = [r for r in rows if r["main_therapist_behaviour"] in COUNSELLING_LABELS]
    texts = [r["utterance_text"] for r in rows]
    y = np.array([COUNSELLING_LABELS.index(r["main_therapist_behaviour"]) for r in rows])
    groups = np.array([int(r["transcript_id"]) for r in rows])
    x = matrix(texts, embedder)
    split = GroupShuffleSplit(n_splits=1, test_size=0.2, random_state=SEED)
    train, test = next(split.split(x, y, groups))
    folds = list(GroupKFold(5).split(x[train], y[train], groups[train]))

    def cv_score(setting: tuple[float, float]) -> float:
        power, c = setting
        scores = []
        for tr, va in folds:
            fitted = fit_logistic(x[train][tr], y[train][tr], c, power=power)
            predicted = predict_logistic(fitted, x[train][va]).argmax(1)
            scores.append(f1_score(y[train][va], predicted, average="macro"))
        return float(np.mean(scores))

    grid = [(power, c) for power in POWERS for c in CS]
    what = "(class-weight power, C) by 5-fold transcript-grouped CV macro-F1"
    (power, c), scores = choose(grid, cv_score, what)
    scaler, model = fit_logistic(x[train], y[train], c, power=power)
    predicted = predict_logistic((scaler, model), x[test]).argmax(1)
    metrics = {
        "split": "20% of transcripts held out (seed 0), no transcript in both",
        "test_transcripts": len(set(groups[test])),
        "test_transcript_ids": sorted(int(g) for g in set(groups[test])),
        "test_utterances": len(test),
        "macro_f1": round(float(f1_score(y[test], predicted, average="macro")), 3),
        "accuracy": round(float(accuracy_score(y[test], predicted)), 3),
        "per_class": per_class(y[test], predicted, COUNSELLING_LABELS),
    }
    weights, bias = folded(scaler, model.coef_, model.intercept_)
    metadata = {
        "dataset": "AnnoMI (Wu et al., ICASSP 2022), 133 motivational-interviewing transcripts",
        "source": "../shared/data/annomi/AnnoMI-simple.csv, therapist utterances",
        "licence": "public domain (as stated by the earlier upstream README)",
        "attribution": (
            "Zixiu Wu, Simone Balloccu, Vivek Kumar, Rim Helaoui, Ehud Reiter, Diego Reforgiato "
            "Recupero, Daniele Riboni. Anno-MI: A Dataset of Expert-Annotated Counselling "
            "Dialogues. ICASSP 2022."
        ),
        "task": (
            "what a helper's utterance does: reflection (restates or reflects what the other "
            "said), question, therapist_input (information or advice), other"
        ),
        "training": {
            "utterances": len(train),
            "transcripts": len(set(groups[train])),
            "label_counts": dict(Counter(COUNSELLING_LABELS[i] for i in y[train])),
            "model": "LogisticRegression (multinomial), class weights (n / (4 n_k)) ** power",
            "C": c,
            "class_weight_power": power,
            "scores_cv_macro_f1": scores,
        },
        "metrics": metrics,
    }
    save("counselling", "multiclass", COUNSELLING_LABELS, weights, bias, metadata, embedder)
    return metrics


# --------------------------------------------------------------------------- WASSA


def train_empathy(data: Path, embedder: Embedder) -> dict[str, Any]:
    """Empathy and distress (1-7) of an essay, ridge regression; 10-fold CV Pearson r."""
    with (data / "wassa_empathy" / "messages.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    texts = [r["essay"] for r in rows]
    y = np.array([[float(r["empathy"]), float(r["distress"])] for r in rows])
    # An essay's embedding is the mean of its sentences' (the model was trained on short
    # texts), so the linear head on a sentence is that sentence's share of the essay's score.
    parts = [[s.text for s in sentences(t) if s.text.strip()] or [t] for t in texts]
    vectors = embed([p for essay in parts for p in essay], embedder)
    ends = np.cumsum([len(essay) for essay in parts])
    means = np.vstack(
        [
            vectors[end - len(essay) : end].mean(axis=0)
            for essay, end in zip(parts, ends, strict=True)
        ]
    )
    x = np.hstack([means, lexical_features(texts)]).astype(np.float64)

    def fit(xs: np.ndarray, ys: np.ndarray) -> tuple[StandardScaler, Ridge, float]:
        inner = list(KFold(5, shuffle=True, random_state=SEED).split(xs))

        def score(alpha: float) -> float:
            rs = []
            for tr, va in inner:
                scaler = StandardScaler().fit(xs[tr])
                model = Ridge(alpha=alpha).fit(scaler.transform(xs[tr]), ys[tr])
                p = model.predict(scaler.transform(xs[va]))
                rs.append(np.mean([np.corrcoef(p[:, k], ys[va][:, k])[0, 1] for k in (0, 1)]))
            return float(np.mean(rs))

        alpha = max(ALPHAS, key=lambda a: (round(score(a), 4), ALPHAS.index(a)))
        scaler = StandardScaler().fit(xs)
        return scaler, Ridge(alpha=alpha).fit(scaler.transform(xs), ys), alpha

    folds = []
    for tr, test in KFold(10, shuffle=True, random_state=SEED).split(x):
        scaler, model, _ = fit(x[tr], y[tr])
        p = model.predict(scaler.transform(x[test]))
        folds.append([float(np.corrcoef(p[:, k], y[test][:, k])[0, 1]) for k in (0, 1)])
    r = np.array(folds)
    metrics = {
        "protocol": "10-fold cross-validation (shuffled, seed 0), Pearson r per fold, mean",
        "pearson_r": {
            "empathy": round(float(r[:, 0].mean()), 3),
            "distress": round(float(r[:, 1].mean()), 3),
        },
        "pearson_r_stdev": {
            "empathy": round(float(r[:, 0].std(ddof=1)), 3),
            "distress": round(float(r[:, 1].std(ddof=1)), 3),
        },
        "published": {
            "CNN (Buechel et al. 2018)": {"empathy": 0.404, "distress": 0.444},
            "ridge (Buechel et al. 2018)": {"empathy": 0.385, "distress": 0.410},
        },
    }
    print(f"  10-fold Pearson r: {metrics['pearson_r']}", flush=True)
    scaler, model, alpha = fit(x, y)
    weights, bias = folded(scaler, model.coef_, model.intercept_)
    metadata = {
        "dataset": "Empathic reactions to news stories (Buechel et al., EMNLP 2018), 1,860 essays",
        "source": "../shared/data/wassa_empathy/messages.csv",
        "licence": "CC BY 4.0",
        "attribution": (
            "Sven Buechel, Anneke Buffone, Barry Slaff, Lyle Ungar, Joao Sedoc. Modeling "
            "Empathy and Distress in Reaction to News Stories. EMNLP 2018."
        ),
        "task": (
            "the writer's empathic concern and personal distress (Batson scales, 1-7) from "
            "what they wrote; trained on essays about news stories, so a weak signal on "
            "service messages"
        ),
        "training": {
            "essays": len(y),
            "features": "mean of the essay's sentence embeddings ; lexical features of the essay",
            "model": "Ridge",
            "alpha": alpha,
            "alpha_chosen_by": "5-fold CV mean Pearson r",
        },
        "metrics": metrics,
    }
    save("empathy", "regression", ("empathy", "distress"), weights, bias, metadata, embedder)
    return metrics


# --------------------------------------------------------------------------- main

TRAINERS: dict[str, Callable[[Path, Embedder], dict[str, Any]]] = {
    "emotion": train_emotion,
    "emotion_ekman": train_emotion_ekman,
    "politeness": train_politeness,
    "counselling": train_counselling,
    "empathy": train_empathy,
}


def main() -> None:
    """Train the requested heads and print their metrics as JSON."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--heads", default=",".join(TRAINERS), help="comma-separated names")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="../shared/data")
    parser.add_argument("--threads", type=int, default=1, help="ONNX Runtime threads")
    args = parser.parse_args()
    if not args.data.is_dir():
        sys.exit(f"{args.data} is not a folder; pass --data PATH_TO_SHARED_DATA")
    embedder = Embedder(threads=args.threads, batch_size=32)
    report = {}
    for name in args.heads.split(","):
        if name not in TRAINERS:
            sys.exit(f"unknown head {name!r}; choose from {', '.join(TRAINERS)}")
        print(f"{name}:", flush=True)
        started = time.perf_counter()
        report[name] = TRAINERS[name](args.data, embedder)
        print(f"  done in {time.perf_counter() - started:.0f} s", flush=True)
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
