"""Trained heads: small linear models over a sentence embedding plus a few lexical features.

A head is a JSON file under ``servicecoach/model_files/heads/`` written by
``scripts/train_heads.py``: weights ``W`` (features x outputs), a bias ``b``, its labels,
its kind and its metadata (data set, licence, attribution, metrics, library versions,
training command). Inference is ``features @ W + b`` followed by a softmax (``multiclass``),
a sigmoid per label (``multilabel``) or nothing (``regression``), in numpy: no
scikit-learn or pickle at run time. Feature scaling is folded into ``W`` and ``b`` when
a head is saved.

The features of a text are its 384-dimensional embedding (:mod:`servicecoach.nlp.embeddings`)
followed by :func:`lexical_features`, the one function that training uses too:

========================  ==========================================================
``question``              1 when the text contains ``?``
``exclamations``          log(1 + number of ``!``)
``uppercase``             share of upper-case letters among letters (0 with none)
``shouting``              share of words of 2+ letters written all in capitals
``log_length``            log(1 + characters) / 5
``second_person``         share of words that are you, your, yours, yourself, u, ur, ...
``first_person``          share of words that are I, me, my, mine, myself, I'm, ...
``first_person_plural``   share of words that are we, us, our, ours, ourselves, we're, ...
``negation``              share of words that are not, no, never, nothing, ...n't, ...
``please``                1 when the text contains "please", "pls" or "plz"
``gratitude``             1 when it thanks ("thanks", "thank you", "appreciate", ...)
``apology``               1 when it apologises ("sorry", "apologise", "excuse me", ...)
``greeting``              1 when it starts with a greeting ("hi", "hello", "dear", ...)
``hedge``                 1 when it hedges ("I think", "maybe", "perhaps", "might", ...)
``indirect_request``      1 when it asks indirectly ("could you", "would you", ...)
``direct_question``       1 when it starts with a question word (what, why, how, ...)
``direct_start``          1 when it starts with "so", "then", "and", "but" or "or"
``factuality``            1 when it insists ("actually", "in fact", "obviously", ...)
``deference``             1 when it starts with praise ("great", "good", "nice", ...)
========================  ==========================================================

The last nine are the politeness strategies of Danescu-Niculescu-Mizil et al. (2013)
in a simple regular-expression form.

Typical use::

    head = load_head("emotion")
    probabilities = head.predict(get_embedder().encode(texts), texts)  # (n, len(head.labels))

Pair heads (``Head.inputs == "pair"``, the ``acts`` head) judge a sentence together with
the other side's most recent message, its *context*. Their features
(:func:`pair_features`) are the sentence's embedding ``s``, its element-wise product
``s * c`` with the context's unit mean embedding ``c`` (zeros when there is none), the
cosine of ``s`` and ``c``, the best cosine of ``s`` with any one sentence of the context,
the lexical features of the sentence and :data:`POSITION_FEATURES` (where the sentence
sits in its message and the conversation, from :func:`position_features`). ``c`` itself
is not a feature: it would let a head learn what the customers of its training sets tend
to say rather than how the sentence relates to it (see ``model_files/README.md``)::

    head = load_head("acts")
    probabilities = head.predict_pairs(sentence_vectors, context_vectors, best, texts, positions)
    fired = head.fires(probabilities)  # (n, len(head.labels)) booleans at the stored thresholds
"""

from __future__ import annotations

import functools
import hashlib
import json
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from servicecoach.errors import ConfigError
from servicecoach.nlp.embeddings import DIMENSION, MODEL_DIR

__all__ = [
    "CONTEXT_FEATURES",
    "FORMAT_VERSION",
    "HEADS_DIR",
    "LEXICAL_FEATURES",
    "POSITION_FEATURES",
    "Head",
    "HeadInputs",
    "HeadKind",
    "available_heads",
    "features",
    "lexical_features",
    "load_head",
    "pair_features",
    "position_features",
]

HEADS_DIR = MODEL_DIR / "heads"
HeadKind = Literal["multiclass", "multilabel", "regression"]
_KINDS = ("multiclass", "multilabel", "regression")
HeadInputs = Literal["sentence", "pair"]
_INPUTS = ("sentence", "pair")
FORMAT_VERSION = 1

LEXICAL_FEATURES = (
    "question",
    "exclamations",
    "uppercase",
    "shouting",
    "log_length",
    "second_person",
    "first_person",
    "first_person_plural",
    "negation",
    "please",
    "gratitude",
    "apology",
    "greeting",
    "hedge",
    "indirect_request",
    "direct_question",
    "direct_start",
    "factuality",
    "deference",
)
"""Names of the columns of :func:`lexical_features`, in order (stored with every head)."""

CONTEXT_FEATURES = ("cosine", "best_cosine")
"""A pair head's similarity features: cosine with the context's mean, best with one sentence."""

POSITION_FEATURES = (
    "first_of_side",
    "has_context",
    "sentence_index",
    "last_sentence",
    "last_message",
    "relative_position",
)
"""Names of the columns of :func:`position_features`, in order (stored with pair heads).

========================  ==========================================================
``first_of_side``         1 in the first message of its side (the agent's first reply)
``has_context``           1 when the other side wrote before it (else the context is 0)
``sentence_index``        the sentence's index in its message, min(index, 4) / 4
``last_sentence``         1 for the last sentence of its message
``last_message``          1 in the last message of the conversation
``relative_position``     message index / (messages - 1); 0 in a one-message conversation
========================  ==========================================================
"""

_WORD = re.compile(r"[A-Za-z]+(?:['’][A-Za-z]+)?")
"""The words the shipped heads were trained on (ASCII letters): part of the trained
features, so it is not :data:`servicecoach.nlp.words.WORD` and changes only with a retrain."""
_SECOND = frozenset(
    {"you", "your", "yours", "yourself", "yourselves", "u", "ur", "ya", "you're", "youre"}
    | {"you've", "you'll", "you'd"}
)
_FIRST = frozenset(("i", "me", "my", "mine", "myself", "i'm", "im", "i've", "ive", "i'll", "i'd"))
_PLURAL = frozenset(("we", "us", "our", "ours", "ourselves", "we're", "we've", "we'll", "we'd"))
_NEGATION = frozenset(
    ("not", "no", "never", "nothing", "nobody", "none", "nowhere", "neither", "nor", "cannot")
)
_PLEASE = re.compile(r"\b(?:please|pls|plz)\b", re.IGNORECASE)
_STRATEGIES = tuple(
    re.compile(pattern, re.IGNORECASE)
    for pattern in (
        r"\b(?:thanks?|thank you|thx|appreciated?|appreciates|grateful)\b",
        r"\b(?:sorry|apologi[sz]e[ds]?|apologies|excuse me|forgive me|my bad)\b",
        r"^\W*(?:hi|hello|hey|dear|greetings|good (?:morning|afternoon|evening))\b",
        r"\b(?:i think|i believe|i guess|i suppose|maybe|perhaps|possibly|probably|might"
        r"|seems?|sort of|kind of)\b",
        r"\b(?:could|would|can|will) (?:you|u)\b",
        r"^\W*(?:what|why|who|how|where|when|which)\b",
        r"^\W*(?:so|then|and|but|or)\b",
        r"\b(?:actually|in fact|really|obviously|clearly|the (?:point|truth|reality) is)\b",
        r"^\W*(?:great|good|nice|interesting|cool|excellent|awesome|wow)\b",
    )
)


def lexical_features(texts: Sequence[str]) -> npt.NDArray[np.float32]:
    """The :data:`LEXICAL_FEATURES` of each text, shape ``(len(texts), 19)``."""
    out = np.zeros((len(texts), len(LEXICAL_FEATURES)), dtype=np.float32)
    for row, text in enumerate(texts):
        out[row] = _lexical_row(text)
    return out


@functools.lru_cache(maxsize=16384)
def _lexical_row(text: str) -> tuple[float, ...]:
    """One text's features (remembered: support replies repeat their sentences)."""
    words = _WORD.findall(text)
    lower = [w.lower().replace("’", "'") for w in words]
    letters = sum(map(str.isalpha, text))
    upper = sum(map(str.isupper, text))
    long_words = [w for w in words if len(w) >= 2]
    n = max(len(lower), 1)
    return (
        1.0 if "?" in text else 0.0,
        math.log1p(text.count("!")),
        upper / letters if letters else 0.0,
        sum(w.isupper() for w in long_words) / len(long_words) if long_words else 0.0,
        math.log1p(len(text)) / 5.0,
        sum(w in _SECOND for w in lower) / n,
        sum(w in _FIRST for w in lower) / n,
        sum(w in _PLURAL for w in lower) / n,
        sum(w in _NEGATION or w.endswith("n't") for w in lower) / n,
        1.0 if _PLEASE.search(text) else 0.0,
        *(1.0 if pattern.search(text) else 0.0 for pattern in _STRATEGIES),
    )


def features(
    embeddings: npt.NDArray[np.float32],
    texts: Sequence[str],
    lexical: npt.NDArray[np.float32] | None = None,
) -> npt.NDArray[np.float32]:
    """``[embedding ; lexical features]`` per text, shape ``(n, 403)``.

    ``lexical`` is ``lexical_features(texts)`` when the caller has it already.

    Raises:
        ValueError: the embeddings are not ``(len(texts), 384)``.
    """
    matrix = np.asarray(embeddings, dtype=np.float32)
    if matrix.ndim != 2 or matrix.shape != (len(texts), DIMENSION):
        raise ValueError(
            f"expected embeddings of shape ({len(texts)}, {DIMENSION}) for {len(texts)} "
            f"texts, got {matrix.shape}"
        )
    return np.hstack([matrix, lexical_features(texts) if lexical is None else lexical])


def position_features(
    sentence_index: npt.ArrayLike,
    sentence_count: npt.ArrayLike,
    message_index: npt.ArrayLike,
    message_count: npt.ArrayLike,
    first_of_side: npt.ArrayLike,
    has_context: npt.ArrayLike,
) -> npt.NDArray[np.float32]:
    """The :data:`POSITION_FEATURES` of sentences, one row per element of the arguments.

    Args:
        sentence_index: the sentence's index among its message's embedded sentences.
        sentence_count: how many sentences of its message are embedded.
        message_index: its message's index in the conversation.
        message_count: messages in the conversation.
        first_of_side: true in the first message of its side.
        has_context: true when the other side wrote before it.
    """
    index = np.asarray(sentence_index, dtype=np.float32)
    count = np.asarray(sentence_count, dtype=np.float32)
    message = np.asarray(message_index, dtype=np.float32)
    messages = np.asarray(message_count, dtype=np.float32)
    return np.column_stack(
        [
            np.asarray(first_of_side, dtype=np.float32),
            np.asarray(has_context, dtype=np.float32),
            np.minimum(index, 4.0) / 4.0,
            (index >= count - 1).astype(np.float32),
            (message >= messages - 1).astype(np.float32),
            message / np.maximum(messages - 1.0, 1.0),
        ]
    ).reshape(-1, len(POSITION_FEATURES))


def pair_features(
    embeddings: npt.NDArray[np.float32],
    contexts: npt.NDArray[np.float32],
    best_cosine: npt.ArrayLike,
    texts: Sequence[str],
    positions: npt.NDArray[np.float32],
    lexical: npt.NDArray[np.float32] | None = None,
) -> npt.NDArray[np.float32]:
    """``[s ; s*c ; cosine, best cosine ; lexical ; position]`` per sentence.

    Args:
        embeddings: the sentences' unit embeddings ``s``, ``(n, 384)``.
        contexts: the unit mean embedding ``c`` of each sentence's context message (the other
            side's most recent message), or a zero row when it has none, ``(n, 384)``.
        best_cosine: each sentence's highest cosine with one sentence of its context (0
            without one), ``(n,)``.
        texts: the sentences (for the lexical features).
        positions: :func:`position_features` of the sentences, ``(n, 6)``.
        lexical: ``lexical_features(texts)`` when already computed.

    Returns:
        float32 of shape ``(n, 2 * 384 + 2 + 19 + 6)``.

    Raises:
        ValueError: an input has the wrong shape.
    """
    s = np.asarray(embeddings, dtype=np.float32)
    c = np.asarray(contexts, dtype=np.float32)
    n = len(texts)
    best = np.asarray(best_cosine, dtype=np.float32).reshape(-1)
    if s.shape != (n, DIMENSION) or c.shape != (n, DIMENSION) or best.shape != (n,):
        raise ValueError(
            f"expected sentence and context embeddings of shape ({n}, {DIMENSION}) and {n} "
            f"best cosines for {n} texts, got {s.shape}, {c.shape} and {best.shape}"
        )
    if positions.shape != (n, len(POSITION_FEATURES)):
        raise ValueError(f"expected positions of shape ({n}, {len(POSITION_FEATURES)})")
    lex = lexical_features(texts) if lexical is None else lexical
    cosine = np.einsum("ij,ij->i", s, c)
    return np.hstack([s, s * c, cosine[:, None], best[:, None], lex, positions]).astype(
        np.float32, copy=False
    )


def _width(inputs: str) -> int:
    if inputs == "pair":
        return (
            2 * DIMENSION + len(CONTEXT_FEATURES) + len(LEXICAL_FEATURES) + len(POSITION_FEATURES)
        )
    return DIMENSION + len(LEXICAL_FEATURES)


@dataclass(frozen=True)
class Head:
    """One trained linear head.

    Attributes:
        name: the head's name (its file is ``<name>.json``).
        kind: ``multiclass`` (softmax), ``multilabel`` (sigmoid per label) or ``regression``.
        labels: the output columns, in order.
        weights: ``(features, len(labels))`` float32, feature scaling folded in: 403 features
            for a sentence head, 795 for a pair head (:func:`pair_features`).
        bias: ``(len(labels),)`` float32.
        thresholds: per-label decision thresholds of a multilabel head (tuned on held-out
            data), else ``None``.
        metadata: data set, licence, attribution, metrics, library versions, training
            command and date (see ``model_files/README.md``).
        version: ``<name>@<first 12 hex digits of the file's SHA-256>``; store it with
            results computed from the head.
        inputs: ``sentence`` (:meth:`predict`: a sentence alone) or ``pair``
            (:meth:`predict_pairs`: a sentence with its context).
    """

    name: str
    kind: HeadKind
    labels: tuple[str, ...]
    weights: npt.NDArray[np.float32] = field(repr=False)
    bias: npt.NDArray[np.float32] = field(repr=False)
    thresholds: tuple[float, ...] | None = None
    metadata: Mapping[str, Any] = field(default_factory=dict, repr=False)
    version: str = ""
    inputs: HeadInputs = "sentence"

    def predict(
        self,
        embeddings: npt.NDArray[np.float32],
        texts: Sequence[str],
        lexical: npt.NDArray[np.float32] | None = None,
    ) -> npt.NDArray[np.float32]:
        """Outputs for each text: shape ``(len(texts), len(labels))``.

        Args:
            embeddings: ``Embedder.encode(texts)``, shape ``(len(texts), 384)``.
            texts: the texts themselves (for the lexical features).
            lexical: ``lexical_features(texts)`` when already computed.

        Returns:
            Probabilities summing to 1 per row (multiclass), independent probabilities
            (multilabel) or predicted values (regression), float32.

        Raises:
            ValueError: this is a pair head (use :meth:`predict_pairs`), or the shapes are wrong.
        """
        if self.inputs != "sentence":
            raise ValueError(f"{self.name} judges sentences with context: use predict_pairs()")
        return self._outputs(features(embeddings, texts, lexical))

    def predict_pairs(
        self,
        embeddings: npt.NDArray[np.float32],
        contexts: npt.NDArray[np.float32],
        best_cosine: npt.ArrayLike,
        texts: Sequence[str],
        positions: npt.NDArray[np.float32],
        lexical: npt.NDArray[np.float32] | None = None,
    ) -> npt.NDArray[np.float32]:
        """Outputs of a pair head for sentences with their contexts (see :func:`pair_features`).

        Raises:
            ValueError: this is a sentence head (use :meth:`predict`), or the shapes are wrong.
        """
        if self.inputs != "pair":
            raise ValueError(f"{self.name} judges sentences alone: use predict()")
        return self._outputs(
            pair_features(embeddings, contexts, best_cosine, texts, positions, lexical)
        )

    def fires(self, outputs: npt.NDArray[np.float32]) -> npt.NDArray[np.bool_]:
        """Which labels a multilabel head's outputs reach their stored thresholds for.

        Raises:
            ValueError: the head has no thresholds.
        """
        if self.thresholds is None:
            raise ValueError(f"{self.name} has no decision thresholds")
        return np.asarray(outputs) >= np.asarray(self.thresholds, dtype=np.float32)

    def _outputs(self, matrix: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
        scores = matrix @ self.weights + self.bias
        if self.kind == "multiclass":
            scores = np.exp(scores - scores.max(axis=1, keepdims=True))
            scores /= scores.sum(axis=1, keepdims=True)
        elif self.kind == "multilabel":
            scores = 1.0 / (1.0 + np.exp(-np.clip(scores, -60.0, 60.0)))
        return np.ascontiguousarray(scores, dtype=np.float32)


def available_heads() -> tuple[str, ...]:
    """Names of the heads shipped in the package, sorted."""
    return tuple(sorted(path.stem for path in HEADS_DIR.glob("*.json")))


@functools.cache
def load_head(name: str) -> Head:
    """The shipped head called ``name``, loaded once per process.

    Raises:
        ConfigError: no such head, or its file is damaged or made for other features.
    """
    path = HEADS_DIR / f"{name}.json"
    if not path.is_file():
        raise ConfigError(
            f"no trained head called {name!r} (available: {', '.join(available_heads())}); "
            'reinstall servicecoach or retrain with pip install -e ".[train]" && '
            "python scripts/train_heads.py"
        )
    raw = path.read_bytes()
    try:
        data = json.loads(raw)
        return _parse(name, data, f"{name}@{hashlib.sha256(raw).hexdigest()[:12]}")
    except (ValueError, KeyError, TypeError) as error:
        raise ConfigError(
            f"{path} is not a valid head file ({error}); reinstall servicecoach"
        ) from None


def _parse(name: str, data: dict[str, Any], version: str) -> Head:
    if data.get("format") != FORMAT_VERSION:
        raise ValueError(f"format {data.get('format')!r}, expected {FORMAT_VERSION}")
    spec = data["features"]
    if tuple(spec["lexical"]) != LEXICAL_FEATURES:
        raise ValueError("it was trained on other lexical features than this version computes")
    if spec["embedding_dimension"] != DIMENSION:
        raise ValueError("it was trained on embeddings of another size")
    inputs = spec.get("inputs", "sentence")
    if inputs not in _INPUTS:
        raise ValueError(f"unknown inputs {inputs!r}")
    if inputs == "pair" and (
        tuple(spec.get("context", ())) != CONTEXT_FEATURES
        or tuple(spec.get("position", ())) != POSITION_FEATURES
    ):
        raise ValueError("it was trained on other context or position features")
    kind = data["kind"]
    if kind not in _KINDS:
        raise ValueError(f"unknown kind {kind!r}")
    labels = tuple(str(label) for label in data["labels"])
    weights = np.asarray(data["weights"], dtype=np.float32)
    bias = np.asarray(data["bias"], dtype=np.float32)
    if weights.shape != (_width(inputs), len(labels)):
        raise ValueError(f"weights of shape {weights.shape} for {len(labels)} labels")
    if bias.shape != (len(labels),):
        raise ValueError(f"bias of shape {bias.shape} for {len(labels)} labels")
    thresholds = data.get("thresholds")
    if thresholds is not None and len(thresholds) != len(labels):
        raise ValueError(f"{len(thresholds)} thresholds for {len(labels)} labels")
    return Head(
        name=name,
        kind=kind,
        labels=labels,
        weights=weights,
        bias=bias,
        thresholds=tuple(float(t) for t in thresholds) if thresholds else None,
        metadata=data.get("metadata", {}),
        version=version,
        inputs=inputs,
    )
