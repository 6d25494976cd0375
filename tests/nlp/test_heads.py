"""Trained heads: the shipped files, the lexical features, and sane judgements on new text."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from servicecoach.errors import ConfigError
from servicecoach.nlp import heads as heads_module
from servicecoach.nlp.embeddings import DIMENSION, get_embedder
from servicecoach.nlp.heads import (
    CONTEXT_FEATURES,
    HEADS_DIR,
    LEXICAL_FEATURES,
    POSITION_FEATURES,
    Head,
    available_heads,
    features,
    lexical_features,
    load_head,
    pair_features,
    position_features,
)

SHIPPED = ("counselling", "emotion", "emotion_ekman", "empathy", "politeness")
CUSTOMER_EMOTIONS = {
    "anger", "frustration", "anxiety", "sadness", "confusion", "disappointment",
    "neutral", "satisfaction", "gratitude", "relief",
}  # fmt: skip


def _predict(name: str, texts: list[str]) -> np.ndarray:
    return load_head(name).predict(get_embedder().encode(texts), texts)


def _top(name: str, text: str) -> str:
    head = load_head(name)
    return head.labels[int(_predict(name, [text])[0].argmax())]


def test_heads_all_shipped() -> None:
    assert set(SHIPPED) <= set(available_heads())


@pytest.mark.parametrize("name", SHIPPED)
def test_heads_file_is_small_and_documented(name: str) -> None:
    path = HEADS_DIR / f"{name}.json"
    assert path.stat().st_size < 300_000
    head = load_head(name)
    assert head.kind in ("multiclass", "multilabel", "regression")
    assert head.labels and len(set(head.labels)) == len(head.labels)
    assert head.weights.shape == (DIMENSION + len(LEXICAL_FEATURES), len(head.labels))
    assert head.version.startswith(f"{name}@")
    for key in ("dataset", "licence", "attribution", "metrics", "libraries", "command", "date"):
        assert head.metadata.get(key), f"{name}: metadata lacks {key}"
    assert "scikit-learn" in head.metadata["libraries"]
    assert head.metadata["command"].startswith("python scripts/train_heads.py")


@pytest.mark.parametrize("name", SHIPPED)
def test_heads_predict_shapes_and_ranges(name: str) -> None:
    head = load_head(name)
    texts = ["Where is my order?", "", "THANK YOU!!!", "I can't log in and I'm worried."]
    out = _predict(name, texts)
    assert out.shape == (len(texts), len(head.labels))
    assert out.dtype == np.float32
    assert np.isfinite(out).all()
    if head.kind == "multiclass":
        np.testing.assert_allclose(out.sum(axis=1), 1.0, atol=1e-5)
    if head.kind != "regression":
        assert ((out >= 0) & (out <= 1)).all()
    empty = head.predict(np.zeros((0, DIMENSION), dtype=np.float32), [])
    assert empty.shape == (0, len(head.labels))


def test_heads_load_is_cached() -> None:
    assert load_head("emotion") is load_head("emotion")


def test_heads_emotion_labels_are_the_customer_emotions() -> None:
    head = load_head("emotion")
    assert head.kind == "multiclass"
    assert set(head.labels) == CUSTOMER_EMOTIONS
    assert head.metadata["mapping"]["annoyance"] == "frustration"


def test_heads_label_sets() -> None:
    assert load_head("counselling").labels == ("reflection", "question", "therapist_input", "other")
    assert load_head("politeness").labels == ("impolite", "polite")
    assert load_head("empathy").labels == ("empathy", "distress")
    ekman = load_head("emotion_ekman")
    assert ekman.kind == "multilabel"
    assert ekman.thresholds is not None and len(ekman.thresholds) == len(ekman.labels)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("This is the third time I'm writing about this, I'm furious.", {"anger", "frustration"}),
        ("Thank you so much, that fixed it!", {"gratitude"}),
        ("I'm really scared my account was hacked.", {"anxiety"}),
        ("I don't understand what this error message means.", {"confusion"}),
        ("My order number is 5521.", {"neutral"}),
    ],
)
def test_heads_emotion_judgements(text: str, expected: set[str]) -> None:
    assert _top("emotion", text) in expected


def test_heads_emotion_upset_above_neutral() -> None:
    head = load_head("emotion")
    (row,) = _predict("emotion", ["This is the third time I'm writing, I'm furious"])
    upset = max(row[head.labels.index("anger")], row[head.labels.index("frustration")])
    assert upset > row[head.labels.index("neutral")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("So what you're saying is the parcel never arrived.", "reflection"),
        ("It sounds like you've been waiting a long time for this.", "reflection"),
        ("Have you tried restarting it?", "question"),
        ("What happened when you clicked the button?", "question"),
        ("The refund usually takes three to five working days to appear.", "therapist_input"),
    ],
)
def test_heads_counselling_judgements(text: str, expected: str) -> None:
    assert _top("counselling", text) == expected


def test_heads_politeness_orders_requests() -> None:
    polite, rude = _predict(
        "politeness",
        [
            "Could you please check the delivery date for me? Thanks so much for your help!",
            "Why haven't you fixed this yet? Just do your job.",
        ],
    )[:, 1]
    assert polite > 0.5 > rude


def test_heads_empathy_orders_texts() -> None:
    caring, flat = _predict(
        "empathy",
        [
            "My heart goes out to the families who lost everything; I feel so sad for them "
            "and wish I could help.",
            "The article describes a change in the tax code for companies.",
        ],
    )[:, 0]
    assert caring > flat


@pytest.mark.parametrize(
    ("text", "column", "value"),
    [
        ("Is it here?", "question", 1.0),
        ("It is here.", "question", 0.0),
        ("Wow!!", "exclamations", pytest.approx(np.log(3))),
        ("ABC def", "uppercase", 0.5),
        ("WHERE IS my parcel", "shouting", 0.5),
        ("", "log_length", 0.0),
        ("you and your", "second_person", pytest.approx(2 / 3)),
        ("I'm sure my", "first_person", pytest.approx(2 / 3)),
        ("we will", "first_person_plural", 0.5),
        ("I don't know, no", "negation", pytest.approx(2 / 4)),
        ("Pls help", "please", 1.0),
        ("", "uppercase", 0.0),
    ],
)
def test_heads_lexical_features(text: str, column: str, value: float) -> None:
    row = lexical_features([text])[0]
    assert row[LEXICAL_FEATURES.index(column)] == value


def test_heads_features_check_shapes() -> None:
    assert features(np.zeros((2, DIMENSION), np.float32), ["a", "b"]).shape == (
        2,
        DIMENSION + len(LEXICAL_FEATURES),
    )
    with pytest.raises(ValueError, match="shape"):
        features(np.zeros((2, DIMENSION), np.float32), ["only one"])
    with pytest.raises(ValueError, match="shape"):
        features(np.zeros((1, 10), np.float32), ["a"])


def test_heads_unknown_name_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match=r"available: .*emotion"):
        load_head("no_such_head")


def _write_head(folder: Path, name: str, **changes: object) -> None:
    data = json.loads((HEADS_DIR / "politeness.json").read_text(encoding="utf-8"))
    data.update(changes)
    (folder / f"{name}.json").write_text(json.dumps(data), encoding="utf-8")


@pytest.mark.parametrize(
    ("name", "changes", "message"),
    [
        ("bad_format", {"format": 99}, "format"),
        ("bad_kind", {"kind": "ranking"}, "kind"),
        ("bad_labels", {"labels": ["only"]}, "weights"),
        ("bad_features", {"features": {"embedding_dimension": 384, "lexical": ["x"]}}, "lexical"),
    ],
)
def test_heads_damaged_file_is_a_config_error(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    name: str,
    changes: dict[str, object],
    message: str,
) -> None:
    _write_head(tmp_path, name, **changes)
    monkeypatch.setattr(heads_module, "HEADS_DIR", tmp_path)
    with pytest.raises(ConfigError, match=message):
        load_head(name)


def test_heads_head_is_a_plain_linear_model() -> None:
    """predict() is features @ W + b then softmax: check against a hand computation."""
    head = Head(
        name="toy",
        kind="multiclass",
        labels=("a", "b"),
        weights=np.zeros((DIMENSION + len(LEXICAL_FEATURES), 2), np.float32),
        bias=np.array([0.0, np.log(3.0)], np.float32),
    )
    out = head.predict(np.zeros((1, DIMENSION), np.float32), ["x"])
    np.testing.assert_allclose(out, [[0.25, 0.75]], atol=1e-6)


# --------------------------------------------------------------------------- pair heads

PAIR_WIDTH = 2 * DIMENSION + len(CONTEXT_FEATURES) + len(LEXICAL_FEATURES) + len(POSITION_FEATURES)


def _unit(n: int, seed: int) -> np.ndarray:
    vectors = np.random.default_rng(seed).normal(size=(n, DIMENSION)).astype(np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def test_heads_position_features() -> None:
    out = position_features(
        [0, 1, 5], [2, 2, 6], [0, 0, 3], [4, 4, 4], [True, True, False], [0, 0, 1]
    )
    assert out.shape == (3, len(POSITION_FEATURES))
    column = {name: out[:, i].tolist() for i, name in enumerate(POSITION_FEATURES)}
    assert column["first_of_side"] == [1, 1, 0]
    assert column["has_context"] == [0, 0, 1]
    assert column["sentence_index"] == [0, 0.25, 1]  # capped at index 4
    assert column["last_sentence"] == [0, 1, 1]
    assert column["last_message"] == [0, 0, 1]
    assert column["relative_position"] == pytest.approx([0, 0, 1])
    assert position_features([], [], [], [], [], []).shape == (0, len(POSITION_FEATURES))


def test_heads_pair_features_layout() -> None:
    s, c = _unit(2, 1), _unit(2, 2)
    c[1] = 0  # no context
    positions = position_features([0, 0], [1, 1], [1, 1], [3, 3], [0, 0], [1, 0])
    x = pair_features(s, c, [0.5, 0.0], ["So it broke?", "Okay."], positions)
    assert x.shape == (2, PAIR_WIDTH)
    d = DIMENSION
    np.testing.assert_allclose(x[:, :d], s)
    np.testing.assert_allclose(x[:, d : 2 * d], s * c)
    assert x[0, 2 * d] == pytest.approx(float(s[0] @ c[0]), abs=1e-6)
    assert x[1, 2 * d] == 0.0
    assert x[:, 2 * d + 1].tolist() == [0.5, 0.0]
    lexical = x[:, 2 * d + 2 : 2 * d + 2 + len(LEXICAL_FEATURES)]
    np.testing.assert_allclose(lexical, lexical_features(["So it broke?", "Okay."]))
    np.testing.assert_allclose(x[:, -len(POSITION_FEATURES) :], positions)
    with pytest.raises(ValueError, match="shape"):
        pair_features(s, c[:1], [0.5, 0.0], ["a", "b"], positions)
    with pytest.raises(ValueError, match="positions"):
        pair_features(s, c, [0.5, 0.0], ["a", "b"], positions[:, :3])


def _pair_head(bias: tuple[float, ...] = (0.0, 1.0)) -> Head:
    weights = np.zeros((PAIR_WIDTH, 2), np.float32)
    weights[2 * DIMENSION, 0] = 2.0  # the first label follows the cosine with the context
    return Head(
        name="toy_pairs",
        kind="multilabel",
        labels=("restates", "other"),
        weights=weights,
        bias=np.array(bias, np.float32),
        thresholds=(0.6, 0.9),
        inputs="pair",
    )


def test_heads_pair_head_is_a_plain_linear_model() -> None:
    head = _pair_head()
    s = _unit(2, 3)
    contexts = np.vstack([s[0], np.zeros(DIMENSION, np.float32)])
    positions = position_features([0, 0], [1, 1], [1, 1], [2, 2], [1, 1], [1, 0])
    out = head.predict_pairs(s, contexts, [1.0, 0.0], ["a", "b"], positions)
    sigmoid = 1 / (1 + np.exp(-np.array([[2.0, 1.0], [0.0, 1.0]])))
    np.testing.assert_allclose(out, sigmoid, atol=1e-6)
    assert head.fires(out).tolist() == [[True, False], [False, False]]
    with pytest.raises(ValueError, match="predict_pairs"):
        head.predict(s, ["a", "b"])
    with pytest.raises(ValueError, match="no decision thresholds"):
        Head(
            "x", "multiclass", ("a",), np.zeros((1, 1), np.float32), np.zeros(1, np.float32)
        ).fires(out)


def test_heads_sentence_head_refuses_pairs() -> None:
    head = load_head("emotion")
    s = _unit(1, 4)
    with pytest.raises(ValueError, match="predict\\(\\)"):
        head.predict_pairs(s, s, [1.0], ["a"], position_features([0], [1], [0], [1], [1], [1]))


def test_heads_predict_reuses_lexical_features() -> None:
    head = load_head("emotion")
    texts = ["Where is my order?", "Thanks!"]
    vectors = _unit(2, 5)
    np.testing.assert_allclose(
        head.predict(vectors, texts, lexical_features(texts)), head.predict(vectors, texts)
    )


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"inputs": "triple"}, "inputs"),
        ({"inputs": "pair"}, "context or position"),
    ],
)
def test_heads_damaged_pair_spec_is_a_config_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, changes: dict[str, object], message: str
) -> None:
    data = json.loads((HEADS_DIR / "politeness.json").read_text(encoding="utf-8"))
    data["features"] = {**data["features"], **changes}
    (tmp_path / "broken.json").write_text(json.dumps(data), encoding="utf-8")
    monkeypatch.setattr(heads_module, "HEADS_DIR", tmp_path)
    with pytest.raises(ConfigError, match=message):
        load_head("broken")


def test_heads_thresholds_must_match_labels(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = json.loads((HEADS_DIR / "politeness.json").read_text(encoding="utf-8"))
    data["thresholds"] = [0.5]
    (tmp_path / "short.json").write_text(json.dumps(data), encoding="utf-8")
    monkeypatch.setattr(heads_module, "HEADS_DIR", tmp_path)
    with pytest.raises(ConfigError, match="thresholds"):
        load_head("short")
