"""Turn the labelled public data sets into files that ``servicecoach eval`` measures.

For every relevant data set under ``../shared/data`` (see that folder's README for what
each is and its licence) this writes, into a folder **outside the repository** (default
``/tmp/servicecoach-eval/``), one sub-folder per evaluation set with

- ``conversations.jsonl`` - the labelled items as native conversations (FORMAT.md),
- ``labels.jsonl`` - the human labels in the labels-file format of docs/eval.md,
- ``meta.json`` - what the set is and how it was built (aggregates only),

and ``manifest.json`` listing the sets built and the ones skipped (with why).
``evaluation/make_accuracy.py`` then runs ``servicecoach eval`` on each and writes
docs/accuracy.md. These files hold rows of the data sets: they must never be committed,
which is why the output folder may not be inside the repository.

Larger sets are subsampled with a fixed seed (``--limit`` labelled items per set, STC-3's
rated dialogues included; ``--uss-dialogues`` per USS corpus, whose long task dialogues are
the slowest to analyse), so runs are repeatable. MultiWOZ and STAR keep whole dialogues,
and only those held out from model training by the shared rule of :func:`held_out`.

Usage: python evaluation/build_sets.py [--data ../shared/data] [--out /tmp/servicecoach-eval]
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import random
import re
import shutil
import sys
import tarfile
import zipfile
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from statistics import mean
from typing import Any, TypeVar

__all__ = [
    "DEFAULT_LIMIT",
    "DEFAULT_USS_DIALOGUES",
    "EvalSet",
    "Limits",
    "RatedTurn",
    "build_all",
    "detokenize",
    "held_out",
    "main",
    "multiwoz_signals",
    "star_signals",
    "uss_rated_dialogues",
]

REPO = Path(__file__).resolve().parent.parent
DEFAULT_DATA = REPO.parent / "shared" / "data"
DEFAULT_OUT = Path("/tmp/servicecoach-eval")
DEFAULT_HEADS = REPO / "src" / "servicecoach" / "model_files" / "heads"
SEED = 20261122
DEFAULT_LIMIT = 1700
"""Labelled items per set: utterances, tweets, requests, or rated dialogues (all of STC-3)."""
DEFAULT_USS_DIALOGUES = 250
"""Dialogues per USS corpus (about 23 turns each, the slowest items to analyse)."""

NEUTRAL_TURN = "Hi, I wanted to talk to someone about something that happened recently."
"""A customer turn that reports nothing: no feeling, no problem, no content to restate."""
PROBLEM_TURN = "Hi, something went wrong recently and it has really upset me."
"""A customer turn that reports an unnamed problem and a feeling, with no specifics."""
AGENT_ACK = "Thanks for reaching out."
"""The agent reply after a labelled customer message: it neither apologises nor reports."""

IMPOLITE_KEY = (
    "patience.impolite|patience.dismissive|patience.blame|patience.sarcasm|patience.shouting"
)
"""The signals that stand for impolite agent wording (any of them counts)."""

T = TypeVar("T")
Record = dict[str, Any]


# --------------------------------------------------------------------------- building blocks


@dataclass(frozen=True, slots=True)
class Limits:
    """How much of each data set to take (seeded samples of larger sets)."""

    items: int = DEFAULT_LIMIT
    uss_dialogues: int = DEFAULT_USS_DIALOGUES
    seed: int = SEED


@dataclass(slots=True)
class EvalSet:
    """One evaluation set: native conversations, their labels and how they were made.

    Attributes:
        name: folder name of the set (``annomi``, ``tweeteval_sentiment``, ...).
        title: a short human title for the report.
        source: the data set's files, relative to the data folder.
        protocol: how the items were turned into conversations and labels (Markdown).
        sampled: what was taken ("all 1,421" or "1,500 of 12,284 (seed ...)").
        conversations: native-format conversations.
        labels: labels-file lines (docs/eval.md).
        notes: further facts for the report (aggregates only).
    """

    name: str
    title: str
    source: str
    protocol: str
    sampled: str = ""
    conversations: list[Record] = field(default_factory=list)
    labels: list[Record] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def add(
        self,
        turns: Sequence[tuple[str, str]],
        *,
        channel: str = "chat",
        public: bool = False,
        cid: str | None = None,
    ) -> tuple[str, list[str]]:
        """Add a conversation of ``(role, text)`` turns; returns its id and message ids."""
        cid = cid or f"{self.name}-{len(self.conversations) + 1}"
        ids = [f"m{i}" for i in range(1, len(turns) + 1)]
        messages = [
            {"id": mid, "role": role, "text": text}
            for mid, (role, text) in zip(ids, turns, strict=True)
        ]
        self.conversations.append(
            {"format": 1, "id": cid, "channel": channel, "public": public, "messages": messages}
        )
        return cid, ids

    def label_message(self, conversation: str, message: str, **judgement: Any) -> None:
        """Add a message label (``signals``, ``emotion``, ``sentiment``)."""
        line = {"conversation": conversation, "message": message}
        line.update({k: v for k, v in judgement.items() if v is not None and v != {}})
        self.labels.append(line)

    def label_conversation(self, conversation: str, scores: Mapping[str, float]) -> None:
        """Add a conversation label with scores."""
        self.labels.append(
            {"conversation": conversation, "scores": {k: round(v, 4) for k, v in scores.items()}}
        )

    def summary(self) -> Record:
        """Aggregate counts of the labels (what meta.json and the report show)."""
        signals: dict[str, Counter[str]] = defaultdict(Counter)
        emotions: Counter[str] = Counter()
        sentiment: Counter[str] = Counter()
        scores: Counter[str] = Counter()
        for line in self.labels:
            for key, value in line.get("signals", {}).items():
                signals[key]["positive" if value else "negative"] += 1
            if "emotion" in line:
                emotions[line["emotion"]] += 1
            if "sentiment" in line:
                sentiment[line["sentiment"]] += 1
            scores.update(line.get("scores", {}).keys())
        return {
            "conversations": len(self.conversations),
            "messages": sum(len(c["messages"]) for c in self.conversations),
            "labels": len(self.labels),
            "signals": {k: dict(sorted(v.items())) for k, v in sorted(signals.items())},
            "emotions": dict(sorted(emotions.items())),
            "sentiment": dict(sorted(sentiment.items())),
            "scores": dict(sorted(scores.items())),
        }


class Skip(Exception):
    """A set that cannot be built as specified (the message says why)."""


def sample(items: Sequence[T], limit: int, seed: int) -> tuple[list[T], str]:
    """At most ``limit`` items chosen with the seed, in their original order, and a note."""
    if len(items) <= limit:
        return list(items), f"all {len(items):,}"
    chosen = sorted(random.Random(seed).sample(range(len(items)), limit))
    return [items[i] for i in chosen], f"{limit:,} of {len(items):,} (seed {seed})"


def read_lines(path: Path) -> list[str]:
    with path.open(encoding="utf-8") as handle:
        return [line.strip() for line in handle if line.strip()]


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def require(*paths: Path) -> None:
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        raise FileNotFoundError(", ".join(missing))


# --------------------------------------------------------------------------- head metadata


def head_metadata(heads: Path, name: str) -> list[Record]:
    """The metadata of the trained heads ``<heads>/<name>*.json``, ``<name>.json`` first."""
    if not heads.is_dir():
        return []
    paths = sorted(heads.glob(f"{name}*.json"), key=lambda p: (p.stem != name, p.name))
    found = [json.loads(path.read_text(encoding="utf-8")) for path in paths]
    return [data for data in found if isinstance(data, dict)]


def _find_key(data: Any, names: Iterable[str], kind: type) -> Any:
    """The first value of type ``kind`` under a key in ``names``, anywhere in nested ``data``.

    Keys are tried in the order given, each first at the top level, then deeper.
    """
    for key in names:
        found = _find_one(data, key, kind)
        if found is not None:
            return found
    return None


def _find_one(data: Any, key: str, kind: type) -> Any:
    if not isinstance(data, dict):
        return None
    if isinstance(data.get(key), kind):
        return data[key]
    for value in data.values():
        found = _find_one(value, key, kind)
        if found is not None:
            return found
    return None


HELD_OUT_KEYS = ("test_transcript_ids", "held_out_transcript_ids", "test_transcripts")
"""Where the counselling head's metadata may list its held-out AnnoMI transcript ids."""
MAPPING_KEYS = ("mapping", "label_map", "label_mapping")
"""Where the emotion head's metadata may record its GoEmotions → emotion mapping."""


def held_out_transcripts(heads: Path) -> set[str]:
    """The AnnoMI transcript ids the counselling head held out for testing.

    Raises:
        Skip: the head or its record of held-out transcripts is missing.
    """
    metas = head_metadata(heads, "counselling")
    if not metas:
        raise Skip(f"no counselling head metadata under {heads} (the head is not trained yet)")
    ids = _find_key(metas[0], HELD_OUT_KEYS, list)
    if not ids:
        raise Skip(
            "the counselling head's metadata does not list the ids of its held-out test "
            f"transcripts (looked for a list under {', '.join(HELD_OUT_KEYS)}), so AnnoMI "
            "cannot be evaluated without measuring on the head's training data"
        )
    return {str(i) for i in ids}


DEFAULT_GOEMOTIONS_MAP = {
    "anger": "anger",
    "annoyance": "frustration",
    "sadness": "sadness",
    "fear": "anxiety",
    "joy": "satisfaction",
    "gratitude": "gratitude",
    "relief": "relief",
    "confusion": "confusion",
    "disappointment": "disappointment",
    "neutral": "neutral",
}
"""The mapping of the rule baseline's evaluation, used when no emotion head records one."""


def goemotions_mapping(heads: Path) -> tuple[dict[str, str], str]:
    """GoEmotions label to servicecoach emotion, from the emotion head's metadata if any."""
    for meta in head_metadata(heads, "emotion"):
        mapping = _find_key(meta, MAPPING_KEYS, dict)
        if mapping:
            mapped = {str(k): str(v) for k, v in mapping.items() if v}
            return mapped, "the mapping the emotion head's metadata records"
    return dict(DEFAULT_GOEMOTIONS_MAP), "the rule baseline's mapping (no emotion head found)"


# --------------------------------------------------------------------------- EmpatheticIntents

EI_KEYS: dict[str, frozenset[str]] = {
    "listening.question": frozenset({"questioning"}),
    "listening.acknowledgement": frozenset({"acknowledging"}),
    "empathy.validation": frozenset({"sympathizing", "consoling"}),
    "empathy.validation|apology.apology": frozenset({"sympathizing", "consoling"}),
}


def empathetic_intents(data: Path, limits: Limits, heads: Path) -> EvalSet:
    folder = data / "empathetic_intents" / "manual_annotations"
    require(folder)
    intents: dict[str, set[str]] = defaultdict(set)
    for path in sorted(folder.glob("*.txt")):
        for line in read_lines(path):
            intents[line].add(path.stem)
    chosen, described = sample(sorted(intents), limits.items, limits.seed)
    out = EvalSet(
        "empathetic_intents",
        "EmpatheticIntents — listener intents",
        "empathetic_intents/manual_annotations/",
        "Hand-labelled listener replies (one intent file each; an utterance in several files "
        "has all their intents). Each distinct utterance is the agent reply after a generic "
        f'customer turn reporting an unnamed upsetting problem ("{PROBLEM_TURN}"), chat. '
        "questioning → `listening.question`, acknowledging → `listening.acknowledgement`, "
        "sympathizing or consoling → `empathy.validation` (and, counting an apology as "
        "sympathy, `empathy.validation|apology.apology`); negatives are the utterances of "
        "every other intent.",
        described,
    )
    for text in chosen:
        cid, ids = out.add([("customer", PROBLEM_TURN), ("agent", text)])
        signals = {key: bool(intents[text] & wanted) for key, wanted in EI_KEYS.items()}
        out.label_message(cid, ids[-1], signals=signals)
    files = len(list(folder.glob("*.txt")))
    out.notes.append(f"{len(intents):,} distinct utterances in {files} intent files")
    return out


# --------------------------------------------------------------------------- AnnoMI


@dataclass(slots=True)
class _Utterance:
    transcript: str
    index: int
    speaker: str
    text: str
    reflection: list[bool] = field(default_factory=list)
    question: list[bool] = field(default_factory=list)
    given: list[str] = field(default_factory=list)  # therapist input subtype or ""


def _majority(votes: Sequence[bool]) -> bool:
    return 2 * sum(votes) > len(votes)


ANNOMI_CONTEXT = 3
"""Utterances before the labelled one kept as the conversation's context."""
SOLUTION_INPUTS = frozenset({"information", "advice"})


def annomi(data: Path, limits: Limits, heads: Path) -> EvalSet:
    path = data / "annomi" / "AnnoMI-full.csv"
    require(path)
    test_ids = held_out_transcripts(heads)
    utterances: dict[tuple[str, int], _Utterance] = {}
    for row in read_csv(path):
        key = (row["transcript_id"], int(row["utterance_id"]))
        item = utterances.setdefault(
            key, _Utterance(key[0], key[1], row["interlocutor"], row["utterance_text"])
        )
        if item.speaker == "therapist":
            item.reflection.append(row["reflection_exists"] == "True")
            item.question.append(row["question_exists"] == "True")
            gives = row["therapist_input_exists"] == "True"
            item.given.append(row["therapist_input_subtype"] if gives else "")
    transcripts: dict[str, list[_Utterance]] = defaultdict(list)
    for key in sorted(utterances, key=lambda k: (int(k[0]), k[1])):
        transcripts[key[0]].append(utterances[key])
    held = sorted((t for t in transcripts if t in test_ids), key=int)
    if not held:
        raise Skip("none of the counselling head's held-out transcript ids is in AnnoMI-full.csv")
    items: list[tuple[list[_Utterance], _Utterance]] = []
    for transcript in held:
        turns = transcripts[transcript]
        for i, item in enumerate(turns):
            if item.speaker == "therapist":
                items.append((turns[max(0, i - ANNOMI_CONTEXT) : i], item))
    chosen, described = sample(items, limits.items, limits.seed)
    out = EvalSet(
        "annomi",
        "AnnoMI — therapist reflections, questions and information",
        "annomi/AnnoMI-full.csv",
        f"Therapist utterances of the {len(held)} motivational-interviewing transcripts the "
        "counselling head held out for testing (its metadata records their ids; the head is "
        "trained on the others). Each is the agent reply after the previous "
        f"{ANNOMI_CONTEXT} utterances of its transcript (client → customer, therapist → "
        "agent; a generic neutral customer turn first when none of them is the client's), "
        "so paraphrase by similarity can compare it with the client's recent words. Labels "
        "are the majority of the expert annotators: reflection (simple or complex) → "
        "`listening.paraphrase`, question (open or closed) → `listening.question`, "
        "therapist input of type information or advice → `problem_solving.solution` "
        "(negatives: no therapist input; input of type negotiation or options is left "
        "unlabelled for that signal).",
        described,
    )
    for context, item in chosen:
        said = [("customer" if u.speaker == "client" else "agent", u.text) for u in context]
        if not any(role == "customer" for role, _ in said):
            said.insert(0, ("customer", NEUTRAL_TURN))
        cid, ids = out.add([*said, ("agent", item.text)])
        given = [g for g in item.given if g]
        signals = {
            "listening.paraphrase": _majority(item.reflection),
            "listening.question": _majority(item.question),
        }
        if not _majority([bool(g) for g in item.given]):
            signals["problem_solving.solution"] = False
        elif Counter(given).most_common(1)[0][0] in SOLUTION_INPUTS:
            signals["problem_solving.solution"] = True
        out.label_message(cid, ids[-1], signals=signals)
    out.notes.append(f"held-out transcripts: {len(held)} of {len(transcripts)}")
    return out


# --------------------------------------------------------------------------- GoEmotions


def _goemotions_rows(folder: Path) -> list[tuple[str, list[str], str]]:
    labels = read_lines(folder / "labels.txt")
    rows: list[tuple[str, list[str], str]] = []
    with (folder / "test.tsv").open(encoding="utf-8") as handle:
        for line in handle:
            parts = line.rstrip("\n").split("\t")
            if len(parts) >= 3 and parts[1]:
                rows.append((parts[0], [labels[int(i)] for i in parts[1].split(",")], parts[2]))
    return rows


def goemotions(data: Path, limits: Limits, heads: Path) -> EvalSet:
    folder = data / "goemotions"
    require(folder / "original" / "test.tsv", folder / "group" / "test.tsv")
    mapping, mapped_by = goemotions_mapping(heads)
    group = {cid: gold for _, gold, cid in _goemotions_rows(folder / "group")}
    single = [
        (text, gold[0], group.get(cid, [""])[0])
        for text, gold, cid in _goemotions_rows(folder / "original")
        if len(gold) == 1
    ]
    usable = [item for item in single if item[1] in mapping or item[2] in _SENTIMENTS]
    chosen, described = sample(usable, limits.items, limits.seed)
    out = EvalSet(
        "goemotions",
        "GoEmotions — customer emotion and sentiment",
        "goemotions/original/test.tsv, goemotions/group/test.tsv",
        "Reddit comments of the GoEmotions **test** split with a single gold label, read as "
        "the customer message of a chat answered by a short agent reply "
        f'("{AGENT_ACK}"). Emotion: the gold label mapped to servicecoach\'s ten with '
        f"{mapped_by} ("
        + ", ".join(f"{k}→{v}" for k, v in sorted(mapping.items()))
        + "), comments whose label has no counterpart carry no emotion label. Sentiment: "
        "GoEmotions' own sentiment grouping (positive / negative / neutral; *ambiguous* "
        "carries no sentiment label).",
        described,
    )
    for text, gold, sentiment in chosen:
        cid, ids = out.add([("customer", text), ("agent", AGENT_ACK)])
        out.label_message(
            cid,
            ids[0],
            emotion=mapping.get(gold),
            sentiment=sentiment if sentiment in _SENTIMENTS else None,
        )
    out.notes.append(f"single-label test comments: {len(single):,}")
    return out


_SENTIMENTS = frozenset({"negative", "neutral", "positive"})


# --------------------------------------------------------------------------- sentiment tweets


def _tweet_set(
    name: str, title: str, source: str, protocol: str, tweets: Sequence[tuple[str, str]],
    limits: Limits,
) -> EvalSet:  # fmt: skip
    chosen, described = sample(tweets, limits.items, limits.seed)
    out = EvalSet(
        name,
        title,
        source,
        protocol
        + " Each tweet is the customer message of a public social conversation answered by a "
        f'short agent reply ("{AGENT_ACK}").',
        described,
    )
    for text, sentiment in chosen:
        cid, ids = out.add(
            [("customer", text), ("agent", AGENT_ACK)], channel="social", public=True
        )
        out.label_message(cid, ids[0], sentiment=sentiment)
    return out


def _tweeteval(folder: Path) -> tuple[list[str], list[str], dict[str, str]]:
    require(folder / "test_text.txt", folder / "test_labels.txt", folder / "mapping.txt")
    with (folder / "test_text.txt").open(encoding="utf-8") as handle:
        texts = [line.rstrip("\n") for line in handle]
    labels = read_lines(folder / "test_labels.txt")
    mapping = dict(line.split("\t", 1) for line in read_lines(folder / "mapping.txt"))
    if len(texts) != len(labels):
        raise Skip(f"{folder}: {len(texts)} texts but {len(labels)} labels")
    return texts, labels, mapping


def tweeteval_sentiment(data: Path, limits: Limits, heads: Path) -> EvalSet:
    texts, labels, mapping = _tweeteval(data / "tweeteval" / "sentiment")
    tweets = [(t, mapping[label]) for t, label in zip(texts, labels, strict=True) if t.strip()]
    return _tweet_set(
        "tweeteval_sentiment",
        "TweetEval sentiment — customer sentiment",
        "tweeteval/sentiment/test_*.txt",
        "Tweets of the TweetEval sentiment **test** split, labelled negative / neutral / positive.",
        tweets,
        limits,
    )


EMOTION_SENTIMENT = {
    "anger": "negative",
    "sadness": "negative",
    "joy": "positive",
    "optimism": "positive",
}


def tweeteval_emotion(data: Path, limits: Limits, heads: Path) -> EvalSet:
    texts, labels, mapping = _tweeteval(data / "tweeteval" / "emotion")
    tweets = [
        (t, EMOTION_SENTIMENT[mapping[label]])
        for t, label in zip(texts, labels, strict=True)
        if t.strip() and mapping[label] in EMOTION_SENTIMENT
    ]
    return _tweet_set(
        "tweeteval_emotion",
        "TweetEval emotion — as sentiment",
        "tweeteval/emotion/test_*.txt",
        "Tweets of the TweetEval emotion **test** split; the emotion read as sentiment: "
        "anger and sadness → negative, joy and optimism → positive (no neutral tweets).",
        tweets,
        limits,
    )


def airline(data: Path, limits: Limits, heads: Path) -> EvalSet:
    path = data / "twitter_airline_sentiment" / "Tweets.csv"
    require(path)
    tweets = [
        (row["text"], row["airline_sentiment"])
        for row in read_csv(path)
        if row["text"].strip() and row["airline_sentiment"] in _SENTIMENTS
    ]
    return _tweet_set(
        "airline_sentiment",
        "Twitter US Airline Sentiment — customer sentiment",
        "twitter_airline_sentiment/Tweets.csv",
        "Customer tweets to six US airlines (February 2015), labelled negative / neutral / "
        "positive by contributors.",
        tweets,
        limits,
    )


# --------------------------------------------------------------------------- politeness


def _politeness(data: Path, limits: Limits, domain: str, filename: str, name: str) -> EvalSet:
    path = data / "stanford_politeness" / filename
    require(path)
    requests = read_csv(path)
    scores = sorted(float(r["Normalized Score"]) for r in requests)
    low, high = scores[len(scores) // 4], scores[(3 * len(scores)) // 4]
    items = [
        (r["Request"], float(r["Normalized Score"]) <= low)
        for r in requests
        if float(r["Normalized Score"]) <= low or float(r["Normalized Score"]) >= high
    ]
    chosen, described = sample(items, limits.items, limits.seed)
    out = EvalSet(
        name,
        f"Stanford Politeness ({domain}) — requests as agent wording",
        f"stanford_politeness/{filename}",
        f"Requests of {domain} users rated for politeness by five annotators each. As in "
        "the paper, the impolite class is the bottom quartile of the normalised score and "
        "the polite class the top quartile, per domain (the middle half is left out). Each "
        f'request is the agent reply after a neutral customer turn ("{NEUTRAL_TURN}"), chat; '
        f"the label is `{IMPOLITE_KEY}`: true for impolite, false for polite.",
        described,
    )
    for text, impolite in chosen:
        cid, ids = out.add([("customer", NEUTRAL_TURN), ("agent", text)])
        out.label_message(cid, ids[-1], signals={IMPOLITE_KEY: impolite})
    return out


def politeness_wikipedia(data: Path, limits: Limits, heads: Path) -> EvalSet:
    return _politeness(data, limits, "Wikipedia", "wikipedia.annotated.csv", "politeness_wikipedia")


def politeness_stack_exchange(data: Path, limits: Limits, heads: Path) -> EvalSet:
    return _politeness(
        data, limits, "Stack Exchange", "stack-exchange.annotated.csv", "politeness_stack_exchange"
    )


# --------------------------------------------------------------------------- STC-3


def stc3(data: Path, limits: Limits, heads: Path) -> EvalSet:
    path = data / "cs_real" / "stc3_dch1" / "train_data_en.json"
    require(path)
    dialogues = json.loads(path.read_text(encoding="utf-8"))
    chosen, described = sample(dialogues, limits.items, limits.seed)
    out = EvalSet(
        "stc3_dch1",
        "STC-3 DCH-1 — real helpdesk dialogues rated by 19 people",
        "cs_real/stc3_dch1/train_data_en.json",
        "Real customer-helpdesk dialogues from Weibo (NTCIR-14 STC-3, English translation), "
        "each rated by 19 annotators from -2 to 2 for task accomplishment (A), customer "
        "satisfaction (S) and efficiency (E). One conversation per dialogue, channel social "
        "(not marked public: whether a thread was public is not recorded), one message per "
        "utterance (a turn's several utterances become consecutive messages; customer → "
        "customer, helpdesk → agent). Scores: `satisfaction` = mean S over the raters, "
        "`problem_solving` = mean A, `quality` = mean of A, S and E.",
        described,
    )
    for dialogue in chosen:
        turns = [
            ("customer" if turn["sender"] == "customer" else "agent", text)
            for turn in dialogue["turns"]
            for text in turn["utterances"]
            if text.strip()
        ]
        quality = [a["quality"] for a in dialogue["annotations"]]
        if not turns or not quality:
            continue
        cid, _ = out.add(turns, channel="social", cid=f"stc3-{dialogue['id']}")
        a, s, e = (mean(q[k] for q in quality) for k in ("A", "S", "E"))
        out.label_conversation(
            cid, {"satisfaction": s, "problem_solving": a, "quality": (a + s + e) / 3}
        )
    return out


# --------------------------------------------------------------------------- USS


RatedTurn = tuple[str, str, list[float]]
"""A USS turn: role (customer or agent), text, and its raters' ratings (none for agents)."""


def uss_rated_dialogues(path: Path) -> list[tuple[list[RatedTurn], float]]:
    """Each USS session's turns, with each user turn's ratings, and the mean of its
    dialogue-level (OVERALL) ratings."""
    text = path.read_text(encoding="utf-8")
    dialogues: list[tuple[list[RatedTurn], float]] = []
    for block in text.split("\n\n"):
        turns: list[RatedTurn] = []
        overall: list[float] = []
        for line in block.strip("\n").split("\n"):
            parts = line.split("\t")
            if len(parts) < 2:
                continue
            if parts[0] == "USER" and parts[1] == "OVERALL":
                overall = [float(x) for x in parts[3].split(",") if x.strip()]
            elif parts[1].strip():
                rated = parts[3] if parts[0] == "USER" and len(parts) > 3 else ""
                ratings = [float(x) for x in rated.split(",") if x.strip()]
                turns.append(("customer" if parts[0] == "USER" else "agent", parts[1], ratings))
        if turns and overall:
            dialogues.append((turns, mean(overall)))
    return dialogues


def _uss_dialogues(path: Path) -> list[tuple[list[tuple[str, str]], float]]:
    """Each session's turns and the mean of its dialogue-level (OVERALL) ratings."""
    return [
        ([(role, text) for role, text, _ in turns], overall)
        for turns, overall in uss_rated_dialogues(path)
    ]


USS_CORPORA = {"MWOZ": "MultiWOZ", "SGD": "SGD", "ReDial": "ReDial", "CCPE": "CCPE-M"}


def _uss(data: Path, limits: Limits, corpus: str) -> EvalSet:
    path = data / "uss_satisfaction" / f"{corpus}.txt"
    require(path)
    chosen, described = sample(_uss_dialogues(path), limits.uss_dialogues, limits.seed)
    out = EvalSet(
        f"uss_{corpus.lower()}",
        f"USS {USS_CORPORA[corpus]} — user satisfaction with a task assistant",
        f"uss_satisfaction/{corpus}.txt",
        f"Task-oriented dialogues of the {USS_CORPORA[corpus]} part of the User Satisfaction "
        "Simulation corpus (user → customer, system → agent, chat), each rated 1-5 for the "
        "user's satisfaction by several annotators per turn and once for the whole dialogue "
        "(the OVERALL line). Score: `satisfaction` = the mean of the dialogue-level (OVERALL) "
        "ratings - the user's final judgement of the dialogue, not a mean over turns.",
        described,
    )
    for turns, satisfaction in chosen:
        cid, _ = out.add(turns)
        out.label_conversation(cid, {"satisfaction": satisfaction})
    return out


def _uss_builder(corpus: str) -> Builder:
    def build(data: Path, limits: Limits, heads: Path) -> EvalSet:
        return _uss(data, limits, corpus)

    return build


# --------------------------------------------------------------------------- dialogue sets


def held_out(dialogue_id: str) -> bool:
    """Whether a dialogue is held out for evaluation: the rule shared with model training.

    A dialogue of MultiWOZ or STAR is held out iff the SHA-256 of its id (UTF-8) read as
    a hexadecimal integer is 0 modulo 5 (about a fifth). The training scripts train on
    the others only, so these sets measure servicecoach on dialogues no model saw. The
    id is exactly as the data gives it: MultiWOZ's key in val.json (``"PMUL1635"``),
    STAR's ``DialogueID`` written in decimal (``"410"``).
    """
    return int(hashlib.sha256(dialogue_id.encode("utf-8")).hexdigest(), 16) % 5 == 0


HELD_OUT_RULE = (
    "held out iff `int(hashlib.sha256(dialogue_id.encode('utf-8')).hexdigest(), 16) % 5 == 0`"
)


def take_dialogues(
    dialogues: Sequence[tuple[str, T]], limit: int, seed: int, count: Callable[[T], int]
) -> tuple[list[tuple[str, T]], str]:
    """Whole dialogues in a seeded order until ``limit`` labelled items, in id order."""
    order = list(range(len(dialogues)))
    random.Random(seed).shuffle(order)
    chosen: list[int] = []
    items = total = 0
    for i in order:
        total += count(dialogues[i][1])
        if items < limit:
            chosen.append(i)
            items += count(dialogues[i][1])
    taken = [dialogues[i] for i in sorted(chosen)]
    if len(taken) == len(dialogues):
        return taken, f"all {len(taken):,} held-out dialogues ({items:,} labelled replies)"
    return taken, (
        f"{len(taken):,} of {len(dialogues):,} held-out dialogues, {items:,} of {total:,} "
        f"labelled replies (whole dialogues in a seeded order until {limit:,}; seed {seed})"
    )


_DETOKENIZE = (
    (re.compile(r" ([.,?!:;%)])"), r"\1"),
    (re.compile(r"([($]) "), r"\1"),
    (re.compile(r" (n't|'s|'re|'d|'ll|'ve|'m)\b", re.IGNORECASE), r"\1"),
)


def detokenize(text: str) -> str:
    """MultiWOZ's tokenised text as written: ``"is n't it ?"`` becomes ``"isn't it?"``."""
    text = " ".join(text.split())
    for pattern, replacement in _DETOKENIZE:
        text = pattern.sub(replacement, text)
    return text


MWOZ_SOLUTION_ACTS = frozenset({"Inform", "Recommend", "Book", "OfferBooked"})
MWOZ_SIGNALS = (
    "closing.check", "closing.warm", "problem_solving.solution", "listening.question",
)  # fmt: skip


def multiwoz_signals(acts: Iterable[str]) -> dict[str, bool]:
    """The labels of one system turn from its dialogue acts (``"Hotel-Inform"``, ...)."""
    pairs = [act.split("-", 1) for act in acts]
    intents = {intent for domain, intent in pairs if domain.lower() != "general"}
    general = {intent for domain, intent in pairs if domain.lower() == "general"}
    return {
        "closing.check": "reqmore" in general,
        "closing.warm": "bye" in general,
        "problem_solving.solution": bool(intents & MWOZ_SOLUTION_ACTS),
        "listening.question": "Request" in intents,
    }


def _multiwoz_dialogues(path: Path) -> dict[str, Any]:
    with zipfile.ZipFile(path) as archive:
        names = [n for n in archive.namelist() if n.endswith(".json")]
        if len(names) != 1:
            raise Skip(f"{path} should hold one JSON file, not {len(names)}")
        data = json.loads(archive.read(names[0]).decode("utf-8"))
    if not isinstance(data, dict):
        raise Skip(f"{path}: expected an object of dialogues by id")
    return data


def multiwoz_val(data: Path, limits: Limits, heads: Path) -> EvalSet:
    path = data / "multiwoz_val" / "val.json.zip"
    require(path)
    dialogues = _multiwoz_dialogues(path)
    held = [(did, d) for did, d in sorted(dialogues.items()) if held_out(did)]

    def labelled(dialogue: Any) -> int:
        return sum(1 for i, turn in enumerate(dialogue["log"]) if i % 2 and turn["dialog_act"])

    chosen, described = take_dialogues(held, limits.items, limits.seed, labelled)
    out = EvalSet(
        "multiwoz_val",
        "MultiWOZ 2.1 validation — system dialogue acts",
        "multiwoz_val/val.json.zip",
        "Written Wizard-of-Oz task dialogues (restaurants, hotels, trains, taxis, "
        "attractions) of the MultiWOZ 2.1 **validation** split, ConvLab-2 copy. Only "
        f"dialogues held out from training are used: a dialogue is {HELD_OUT_RULE}, with "
        "`dialogue_id` its key in val.json as given (e.g. `PMUL1635`) - the rule the model "
        "training shares, which trains on the others. Every turn of a dialogue is one "
        "message of one chat conversation (user → customer, system → agent), the "
        "tokenised text joined back (`is n't it ?` → `isn't it?`). Each system turn with "
        "dialogue acts is labelled: general-reqmore → `closing.check`, general-bye → "
        "`closing.warm`, Inform / Recommend / Book / OfferBooked of any domain → "
        "`problem_solving.solution`, Request → `listening.question`; a turn is true for the "
        "acts it carries and false for the others (so NoOffer, NoBook, OfferBook, Select, "
        "welcome and greet alone are negatives for all four). System turns without any "
        "act are left unlabelled.",
        described,
    )
    for did, dialogue in chosen:
        turns = [
            ("agent" if i % 2 else "customer", detokenize(turn["text"]))
            for i, turn in enumerate(dialogue["log"])
        ]
        cid, ids = out.add(turns, cid=f"multiwoz-{did}")
        for i, turn in enumerate(dialogue["log"]):
            if i % 2 and turn["dialog_act"]:
                out.label_message(cid, ids[i], signals=multiwoz_signals(turn["dialog_act"]))
    out.notes.append(f"held-out dialogues: {len(held):,} of {len(dialogues):,}")
    return out


STAR_SIGNALS = (
    "closing.check", "closing.warm", "listening.paraphrase", "listening.question",
    "problem_solving.solution",
)  # fmt: skip
_STAR_FAILURE = re.compile(
    r"nothing_found|failed|unavailable|not_available|no_venue|cannot_authenticate"
)
_STAR_RESULT = re.compile(
    r"_inform_|_provide_|_succeeded$|_successful$|_confirm_booking$|_confirm_rsvp$"
    r"|_flight_available$|_instructions_done$"
)
STAR_RULES = (
    "`custom` (free text picked as a template) and the trivia task's quiz moves "
    "(`trivia_*` but `trivia_bye`: quiz questions and answers, not service) are left "
    "unlabelled; `hello` and `out_of_scope` are negatives for all five signals; "
    "`anything_else` → `closing.check`; `goodbye_1`, `goodbye_2` and the tasks' `*_bye` → "
    '`closing.warm`; `*_ask_confirm_*` ("I found a Taxi from A to B ... Should I book '
    'that for you?": the found option checked back against the request) → '
    "`listening.paraphrase`, with `listening.question` and `problem_solving.solution` "
    "unlabelled; `party_inform_food_drink_criteria` (a question despite its name) → "
    "`listening.question`; reports of nothing found, a failure or no availability "
    "(`*nothing_found*`, `*failed*`, `*unavailable*`, ...) are negatives for closing and "
    "paraphrase and unlabelled for question and solution (information, but no fix); "
    '`*_inform_*_ask_*` (a step and "can I proceed?") → `problem_solving.solution`, '
    "question unlabelled; other results (`*_inform_*`, `*_provide_*`, "
    "`*_succeeded`, `*_successful`, `ride_confirm_booking`, `party_confirm_rsvp`, "
    "`plane_flight_available`, `trip_instructions_done`) → `problem_solving.solution` "
    "and not `listening.question`; `ask_*` and `*_ask_*` → `listening.question`; any "
    "other label (`plane_request_optional`) is left unlabelled. Every label is a negative "
    "for the signals not named for it, unless said to be unlabelled."
)


def star_signals(action: str) -> dict[str, bool]:
    """The labels of one wizard reply from its STAR action label (see :data:`STAR_RULES`)."""
    none = dict.fromkeys(STAR_SIGNALS, False)

    def only(**wanted: bool | None) -> dict[str, bool]:
        labels: dict[str, bool | None] = {**none}
        labels.update({k.replace("__", "."): v for k, v in wanted.items()})
        return {k: v for k, v in labels.items() if v is not None}

    if action == "custom" or (action.startswith("trivia_") and action != "trivia_bye"):
        return {}
    if action in ("hello", "out_of_scope"):
        return none
    if action == "anything_else":
        return only(closing__check=True)
    if action.startswith("goodbye") or action.endswith("_bye"):
        return only(closing__warm=True)
    if "_ask_confirm_" in action:
        return only(
            listening__paraphrase=True, listening__question=None, problem_solving__solution=None
        )
    if action == "party_inform_food_drink_criteria":
        return only(listening__question=True)
    if _STAR_FAILURE.search(action):
        return only(listening__question=None, problem_solving__solution=None)
    if "_inform_" in action and "_ask_" in action:
        return only(problem_solving__solution=True, listening__question=None)
    if _STAR_RESULT.search(action):
        return only(problem_solving__solution=True)
    if action.startswith("ask_") or "_ask_" in action:
        return only(listening__question=True)
    return {}


def _star_dialogues(path: Path) -> list[tuple[str, Record]]:
    """Every dialogue of the archive as (its DialogueID in decimal, the dialogue)."""
    dialogues: list[tuple[str, Record]] = []
    with tarfile.open(path, "r:gz") as archive:
        for member in archive:
            if not member.isfile() or not member.name.endswith(".json"):
                continue
            handle = archive.extractfile(member)
            if handle is None:
                continue
            dialogue = json.loads(handle.read().decode("utf-8"))
            if isinstance(dialogue, dict) and "DialogueID" in dialogue:
                dialogues.append((str(dialogue["DialogueID"]), dialogue))
    return sorted(dialogues, key=lambda item: (len(item[0]), item[0]))


def _star_turns(dialogue: Record) -> list[tuple[str, str, dict[str, bool] | None]]:
    """(role, text, labels or None) for what the user and the wizard said."""
    turns: list[tuple[str, str, dict[str, bool] | None]] = []
    for event in dialogue.get("Events", []):
        text = (event.get("Text") or "").strip()
        if not text:
            continue
        if event.get("Agent") == "User" and event.get("Action") == "utter":
            turns.append(("customer", text, None))
        elif event.get("Agent") == "Wizard" and event.get("Action") == "pick_suggestion":
            turns.append(("agent", text, star_signals(str(event.get("ActionLabel", "")))))
        elif event.get("Agent") == "Wizard" and event.get("Action") == "utter":
            turns.append(("agent", text, None))
    return turns


def star(data: Path, limits: Limits, heads: Path) -> EvalSet:
    path = data / "star" / "dialogues.tar.gz"
    require(path)
    dialogues = _star_dialogues(path)
    held = [(did, _star_turns(d)) for did, d in dialogues if held_out(did)]

    def labelled(turns: list[tuple[str, str, dict[str, bool] | None]]) -> int:
        return sum(1 for _, _, signals in turns if signals)

    chosen, described = take_dialogues(held, limits.items, limits.seed, labelled)
    out = EvalSet(
        "star",
        "STAR — wizard replies with action labels",
        "star/dialogues.tar.gz",
        "Wizard-of-Oz task dialogues of STAR (24 tasks: bookings, bank, doctor, rides, "
        "weather, ...). Only dialogues held out from training are used: a dialogue is "
        f"{HELD_OUT_RULE}, with `dialogue_id` the JSON field `DialogueID` (an integer) "
        "written in decimal (e.g. `410`) - the rule the model training shares. One chat "
        "conversation per dialogue: the user's messages → customer; the wizard's replies "
        "→ agent, with the text the user saw (the reply template the wizard picked, "
        "labelled with its action; the wizard's free-text replies are kept, unlabelled; "
        "the wizard's search queries for templates and the knowledge-base events are not "
        "messages). Labels from the action: " + STAR_RULES,
        described,
    )
    for did, turns in chosen:
        cid, ids = out.add([(role, text) for role, text, _ in turns], cid=f"star-{did}")
        for mid, (_, _, signals) in zip(ids, turns, strict=True):
            if signals:
                out.label_message(cid, mid, signals=signals)
    out.notes.append(f"held-out dialogues: {len(held):,} of {len(dialogues):,}")
    return out


CASINO_DEAL_MOVES = frozenset({"Submit-Deal", "Accept-Deal", "Reject-Deal", "Walk-Away"})


def _casino_labels(strategies: Iterable[str]) -> dict[str, bool]:
    found = set(strategies)
    return {
        "empathy.validation": "showing-empathy" in found,
        "persuasion.reason": bool(found & {"self-need", "other-need"}),
    }


def casino(data: Path, limits: Limits, heads: Path) -> EvalSet:
    folder = data / "casino"
    test_path = folder / "casino_test.json"
    require(test_path)
    test = json.loads(test_path.read_text(encoding="utf-8"))
    seen: set[Any] = set()
    for other in ("casino_train.json", "casino_valid.json"):
        if (folder / other).is_file():
            seen |= {d["dialogue_id"] for d in json.loads((folder / other).read_text("utf-8"))}
    chats = [d for d in test if d.get("annotations") and d["dialogue_id"] not in seen]
    if not chats:
        raise Skip("no chat of the test split carries strategy annotations")
    items: list[tuple[Record, str]] = [
        (chat, side) for chat in chats for side in ("mturk_agent_1", "mturk_agent_2")
    ]
    out = EvalSet(
        "casino",
        "CaSiNo — negotiation strategies as agent wording",
        "casino/casino_test.json",
        "Campsite-supply negotiations between two crowd workers (CaSiNo), the upstream "
        "**test** split: its chats that carry strategy annotations, none of which is in "
        "the train or valid split (only about two chats in five of each split are "
        "annotated). Each chat becomes two chat conversations, one with each negotiator "
        "as the agent and the other as the customer, so every annotated utterance is "
        "measured once as agent wording (deal moves such as Submit-Deal are not "
        "messages). showing-empathy → `empathy.validation`; self-need or other-need (a "
        "negotiator's reason for wanting an item: their own or their group's needs) → "
        "`persuasion.reason`, **an approximation**: servicecoach's signal is a reason or "
        "benefit given while steering a customer, and a need argued for in a negotiation "
        "is the nearest labelled thing. Negatives are the agent's utterances with other "
        "strategies or none; an utterance whose annotation cannot be matched to the chat "
        "is left unlabelled.",
        "",
    )
    unmatched = 0
    labelled = 0
    for chat, side in items:
        annotations = list(chat["annotations"])
        turns: list[tuple[str, str]] = []
        labels: list[dict[str, bool] | None] = []
        for message in chat["chat_logs"]:
            text = message["text"]
            if text in CASINO_DEAL_MOVES or not text.strip():
                continue
            signals = None
            ahead = [a[0] for a in annotations[:3]]
            if text in ahead:  # annotations follow the chat; skip any the chat lacks
                del annotations[: ahead.index(text)]
                strategies = [s for s in annotations.pop(0)[1].split(",") if s]
                signals = _casino_labels(strategies) if strategies else None
            elif side == "mturk_agent_1":
                unmatched += 1
            turns.append(("agent" if message["id"] == side else "customer", text))
            labels.append(signals if message["id"] == side else None)
        cid, ids = out.add(turns, cid=f"casino-{chat['dialogue_id']}-{side[-1]}")
        for mid, signals in zip(ids, labels, strict=True):
            if signals is not None:
                out.label_message(cid, mid, signals=signals)
                labelled += 1
    out.sampled = f"all {len(chats):,} annotated test chats ({labelled:,} labelled utterances)"
    out.notes.append(f"annotated test chats: {len(chats)} of {len(test)}")
    if unmatched:
        out.notes.append(f"utterances whose annotation did not match: {unmatched}")
    return out


# --------------------------------------------------------------------------- all sets

Builder = Callable[[Path, Limits, Path], EvalSet]

BUILDERS: dict[str, Builder] = {
    "empathetic_intents": empathetic_intents,
    "annomi": annomi,
    "goemotions": goemotions,
    "tweeteval_sentiment": tweeteval_sentiment,
    "tweeteval_emotion": tweeteval_emotion,
    "airline_sentiment": airline,
    "politeness_wikipedia": politeness_wikipedia,
    "politeness_stack_exchange": politeness_stack_exchange,
    "stc3_dch1": stc3,
    **{f"uss_{corpus.lower()}": _uss_builder(corpus) for corpus in USS_CORPORA},
    "multiwoz_val": multiwoz_val,
    "star": star,
    "casino": casino,
}
"""Evaluation set name to its builder, in report order."""

NOT_EVALUATED = {
    "complaints": (
        "complaint tweets vs not: a complaint is not the same thing as negative sentiment "
        "(many complaints are neutral requests for help, and negative tweets need not "
        "complain), and servicecoach has no complaint signal, so there is no honest "
        "mapping to a label of docs/eval.md"
    ),
    "wassa_empathy": (
        "empathy and distress of essay writers reacting to news, not an agent's empathy "
        "toward a customer: no servicecoach signal or score measures it"
    ),
    "positive_frames": (
        "reframings of the writer's own negative thoughts; no label that servicecoach's "
        "signals (e.g. `clarity.negative_language`, an agent refusing without an "
        "alternative) correspond to"
    ),
    "tweeteval/offensive": (
        "offensive tweets are abuse among users, not an agent's wording toward a customer; "
        "politeness (Stanford) is the closer test of the impolite-wording signals"
    ),
    "cs_real/ibm_twitter_cdp": (
        "every conversation ends with an agent reply linking a help article, and that is "
        "its only label: there are no negatives (the earlier agent replies are unlabelled "
        "and may well solve too), so precision cannot be measured and a baseline that "
        "fires on 'http' would score a perfect recall; not an honest test of "
        "`problem_solving.solution`"
    ),
    "cs_real/twcs_head5000, cs_real/tweetsumm_*": (
        "real customer-care threads without labels for any signal or score (used by the "
        "benchmarks, not here)"
    ),
    "multidogo": (
        "customer turns only (intents and slots); the agent turns a signal would be "
        "measured on are not in the data"
    ),
    "abcd": "three sample chats only (the full ABCD data is not in the shared folder)",
}
"""Data sets under ../shared/data not measured, with why (shown in the report)."""


def build_all(
    data: Path, out: Path, limits: Limits, heads: Path = DEFAULT_HEADS, only: Sequence[str] = ()
) -> Record:
    """Build every set into ``out``; returns the manifest (also written to manifest.json).

    With ``only``, just those sets are rebuilt and the manifest keeps the other sets an
    earlier run built (for trying out one set; the final report is built with all).
    """
    if out.resolve().is_relative_to(REPO):
        raise SystemExit(
            f"--out {out} is inside the repository; the files hold data-set rows and must "
            "never be committed: choose a folder outside it (default /tmp/servicecoach-eval)"
        )
    out.mkdir(parents=True, exist_ok=True)
    manifest: Record = {
        "data": str(data),
        "seed": limits.seed,
        "limit": limits.items,
        "uss_dialogues": limits.uss_dialogues,
        "sets": [],
        "skipped": {},
        "not_evaluated": NOT_EVALUATED,
    }
    earlier = _earlier_manifest(out) if only else {}
    for name, builder in BUILDERS.items():
        if only and name not in only:
            if name in earlier.get("sets", []) and (out / name / "meta.json").is_file():
                manifest["sets"].append(name)
            elif name in earlier.get("skipped", {}):
                manifest["skipped"][name] = earlier["skipped"][name]
            continue
        folder = out / name
        if folder.exists():
            shutil.rmtree(folder)
        try:
            built = builder(data, limits, heads)
        except FileNotFoundError as exc:
            manifest["skipped"][name] = f"not present under the data folder ({exc})"
        except Skip as exc:
            manifest["skipped"][name] = str(exc)
        else:
            if not built.labels:
                manifest["skipped"][name] = "no labelled items"
                continue
            _write(folder, built)
            manifest["sets"].append(name)
        if name in manifest["skipped"]:
            print(f"{name}: skipped - {manifest['skipped'][name]}", file=sys.stderr)
        else:
            print(f"{name}: {built.sampled}", file=sys.stderr)
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return manifest


def _earlier_manifest(out: Path) -> Record:
    path = out / "manifest.json"
    if not path.is_file():
        return {}
    data = json.loads(path.read_text(encoding="utf-8"))
    return data if isinstance(data, dict) else {}


def _write(folder: Path, built: EvalSet) -> None:
    folder.mkdir(parents=True)
    for filename, records in (
        ("conversations.jsonl", built.conversations),
        ("labels.jsonl", built.labels),
    ):
        with (folder / filename).open("w", encoding="utf-8") as handle:
            for record in records:
                handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    meta = {
        "name": built.name,
        "title": built.title,
        "source": built.source,
        "protocol": built.protocol,
        "sampled": built.sampled,
        "notes": built.notes,
        "counts": built.summary(),
    }
    (folder / "meta.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="the shared data folder")
    parser.add_argument(
        "--out", type=Path, default=DEFAULT_OUT, help="output folder, outside the repository"
    )
    parser.add_argument(
        "--limit",
        type=int,
        default=DEFAULT_LIMIT,
        help=f"labelled items per set, STC-3 dialogues included (default {DEFAULT_LIMIT})",
    )
    parser.add_argument(
        "--uss-dialogues",
        type=int,
        default=DEFAULT_USS_DIALOGUES,
        help=f"dialogues per USS corpus (default {DEFAULT_USS_DIALOGUES})",
    )
    parser.add_argument("--seed", type=int, default=SEED, help="sampling seed")
    parser.add_argument(
        "--heads", type=Path, default=DEFAULT_HEADS, help="the trained heads' metadata folder"
    )
    parser.add_argument("--only", nargs="*", default=[], help="build only these sets")
    args = parser.parse_args(argv)
    if args.limit < 1 or args.uss_dialogues < 1:
        parser.error("--limit and --uss-dialogues must be 1 or more")
    unknown = set(args.only) - set(BUILDERS)
    if unknown:
        parser.error(f"unknown sets: {', '.join(sorted(unknown))} (known: {', '.join(BUILDERS)})")
    if not args.data.is_dir():
        parser.error(f"data folder {args.data} does not exist")
    manifest = build_all(
        args.data,
        args.out,
        Limits(args.limit, args.uss_dialogues, args.seed),
        args.heads,
        args.only,
    )
    print(f"{len(manifest['sets'])} sets written to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
