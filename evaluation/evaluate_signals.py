"""Measure servicecoach's rule-based signals against labelled public data sets.

Reads the data sets under ``../shared/data`` (see that folder's README for what each is
and its licence), runs the registered analysers the way ``servicecoach analyze`` does, and
writes aggregate figures only - never a row of the data - as Markdown to
``docs/evaluation.md`` (and prints them). A data set that is absent is skipped with a
note, so the script runs on a fresh clone too (it then reports that nothing was found).

Each labelled utterance is scored as the agent reply of a two-turn conversation, after a
generic customer turn written here (or, for AnnoMI, the client's previous utterance), so
that the customer side carries no label. Sets larger than ``--max-items`` are subsampled
with a fixed seed, so runs are repeatable.

Usage: python evaluation/evaluate_signals.py [--data ../shared/data] [--out docs/evaluation.md]
"""

from __future__ import annotations

import argparse
import csv
import os
import platform
import random
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TypeVar

import servicecoach
from servicecoach.analysis import ConversationResult, Pipeline
from servicecoach.analysis.emotion import EMOTIONS, classify_emotion
from servicecoach.analysis.registry import analyzers
from servicecoach.model.conversation import Channel
from servicecoach.testing import make_conversation

REPO = Path(__file__).resolve().parent.parent
DEFAULT_DATA = REPO.parent / "shared" / "data"
DEFAULT_OUT = REPO / "docs" / "evaluation.md"
COMMAND = "python evaluation/evaluate_signals.py"
SEED = 20261122
DEFAULT_MAX_ITEMS = 10_000

NEUTRAL_TURN = "Hi, I wanted to talk to someone about something that happened recently."
"""A customer turn that reports nothing: no feeling, no problem, no content to restate."""
PROBLEM_TURN = "Hi, something went wrong recently and it has really upset me."
"""A customer turn that reports an unnamed problem and a feeling, with no specifics."""
AGENT_ACK = "Thanks for reaching out."
"""The agent reply after a complaint tweet: it neither apologises nor reports anything."""

T = TypeVar("T")


# --------------------------------------------------------------------------- figures


@dataclass(slots=True)
class Counts:
    """A confusion matrix for one binary decision."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0

    def add(self, gold: bool, predicted: bool) -> None:
        if gold and predicted:
            self.tp += 1
        elif predicted:
            self.fp += 1
        elif gold:
            self.fn += 1
        else:
            self.tn += 1

    @property
    def n(self) -> int:
        return self.tp + self.fp + self.fn + self.tn

    @property
    def support(self) -> int:
        return self.tp + self.fn

    @property
    def predicted(self) -> int:
        return self.tp + self.fp

    @property
    def precision(self) -> float:
        return self.tp / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        return self.tp / self.support if self.support else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def accuracy(self) -> float:
        return (self.tp + self.tn) / self.n if self.n else 0.0

    def flipped(self) -> Counts:
        """The same decisions seen from the negative class."""
        return Counts(tp=self.tn, fp=self.fn, fn=self.fp, tn=self.tp)


def f2(value: float) -> str:
    return f"{value:.2f}"


def pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "-"


def table(headers: Sequence[str], rows: Iterable[Sequence[object]]) -> list[str]:
    """A Markdown table; numbers right-aligned."""
    body = [[str(cell) for cell in row] for row in rows]
    align = [
        "---:" if body and all(_numeric(row[i]) for row in body) else "---"
        for i in range(len(headers))
    ]
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join(align) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in body]
    return lines


def _numeric(cell: str) -> bool:
    bare = cell.strip("*").replace(",", "").replace(".", "", 1).rstrip("%").lstrip("-")
    return bare.isdigit() or cell in ("-", "")


def prf_row(name: str, counts: Counts) -> list[object]:
    return [
        name,
        counts.support,
        counts.predicted,
        f2(counts.precision),
        f2(counts.recall),
        f2(counts.f1),
        counts.n,
    ]


PRF_HEADERS = ("label → signal", "support", "fired", "precision", "recall", "F1", "n")


def sample(items: Sequence[T], limit: int) -> tuple[list[T], str]:
    """At most ``limit`` items, chosen with the fixed seed, in their original order."""
    if len(items) <= limit:
        return list(items), f"all {len(items):,}"
    chosen = sorted(random.Random(SEED).sample(range(len(items)), limit))
    return [items[i] for i in chosen], f"{limit:,} of {len(items):,} (seed {SEED})"


# --------------------------------------------------------------------------- analysis


class Runner:
    """The registered analysers, run on two-turn conversations."""

    def __init__(self) -> None:
        self.pipeline = Pipeline(list(analyzers().values()))
        self.conversations = 0
        self.not_scored = 0

    def analyse(
        self, customer: str, agent: str, *, channel: Channel = Channel.CHAT, public: bool = False
    ) -> ConversationResult:
        conversation = make_conversation(
            [("customer", customer), ("agent", agent)], channel=channel, public=public
        )
        result = self.pipeline.analyze(conversation)
        self.conversations += 1
        if result.not_scored:
            self.not_scored += 1
        return result

    def reply_signals(self, customer: str, agent: str) -> set[str]:
        """Every signal that fired on the agent reply."""
        return set(self.analyse(customer, agent).signals_by_message().get("m2", []))


@dataclass(slots=True)
class Section:
    """One data set's part of the report."""

    title: str
    found: bool
    lines: list[str] = field(default_factory=list)
    seconds: float = 0.0
    conversations: int = 0
    not_scored: int = 0


def read_lines(path: Path) -> list[str]:
    with path.open(encoding="utf-8") as handle:
        return [line.strip() for line in handle if line.strip()]


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


# --------------------------------------------------------------------------- empathetic intents

EI_SIGNALS: dict[str, tuple[str, frozenset[str]]] = {
    "questioning → listening.question": ("listening.question", frozenset({"questioning"})),
    "acknowledging → listening.acknowledgement": (
        "listening.acknowledgement",
        frozenset({"acknowledging"}),
    ),
    "sympathizing, consoling → empathy.validation": (
        "empathy.validation",
        frozenset({"sympathizing", "consoling"}),
    ),
}
EI_EXTRA = "sympathizing, consoling → empathy.validation or apology.apology"
EI_SHOWN = ("listening.question", "listening.acknowledgement", "empathy.validation")


def empathetic_intents(data: Path, runner: Runner, limit: int) -> Section:
    folder = data / "empathetic_intents" / "manual_annotations"
    section = Section("EmpatheticIntents — manual annotations", folder.is_dir())
    if not section.found:
        return section
    by_text: dict[str, set[str]] = defaultdict(set)
    items: list[tuple[str, str]] = []  # (text, intent of its file); duplicates kept
    for path in sorted(folder.glob("*.txt")):
        for line in read_lines(path):
            by_text[line].add(path.stem)
            items.append((line, path.stem))
    chosen, described = sample(items, limit)
    contexts = {"problem": PROBLEM_TURN, "neutral": NEUTRAL_TURN}
    counts: dict[tuple[str, str], Counts] = defaultdict(Counts)
    rate: dict[str, Counter[str]] = defaultdict(Counter)
    per_intent: Counter[str] = Counter()
    hopes = missed = unmarked = short = 0
    for text, intent in chosen:
        intents = by_text[text]
        for context, turn in contexts.items():
            fired = runner.reply_signals(turn, text)
            for name, (signal, labels) in EI_SIGNALS.items():
                counts[(name, context)].add(bool(intents & labels), signal in fired)
            sympathy = bool(intents & {"sympathizing", "consoling"})
            either = bool(fired & {"empathy.validation", "apology.apology"})
            counts[(EI_EXTRA, context)].add(sympathy, either)
            if context == "problem":
                per_intent[intent] += 1
                hopes += intent == "consoling" and "hope" in text.lower()
                if "questioning" in intents and "listening.question" not in fired:
                    missed += 1
                    unmarked += "?" not in text
                    short += "?" in text and len(text.split()) < 3
                rate[intent].update(s for s in (*EI_SHOWN, "apology.apology") if s in fired)
    lines = [
        f"Listener replies hand-labelled with one intent each (`manual_annotations/`, "
        f"{len(by_text):,} distinct utterances in {len({i for _, i in items})} intent files; "
        f"evaluated: {described} lines). Each is the agent reply after a generic customer turn, "
        f'the problem turn "{PROBLEM_TURN}" (the last column repeats F1 after the neutral '
        f'turn "{NEUTRAL_TURN}"). Negatives are the utterances of every other intent.',
        "",
    ]
    rows = [
        [*prf_row(name, counts[(name, "problem")]), f2(counts[(name, "neutral")].f1)]
        for name in [*EI_SIGNALS, EI_EXTRA]
    ]
    lines += table((*PRF_HEADERS, "F1, neutral turn"), rows)
    lines += [
        "",
        "How often each signal fires per intent (problem turn) — where the false positives "
        "come from:",
        "",
    ]
    shown = (*EI_SHOWN, "apology.apology")
    lines += table(
        ("intent", "n", *shown),
        (
            [intent, per_intent[intent], *(pct(rate[intent][s], per_intent[intent]) for s in shown)]
            for intent in sorted(per_intent, key=lambda i: (-per_intent[i], i))
        ),
    )
    lines += [
        "",
        'Notes: by design, a bare apology or a plain "sorry to hear that" is '
        "`apology.apology`, not `empathy.validation` (docs/analysis.md), and much of "
        f"*sympathizing* is that; {pct(hopes, per_intent['consoling'])} of *consoling* "
        'lines are hopes (they contain "hope"), which no signal covers. The *acknowledging* '
        "intent means reacting to the news (a verdict on it, good or bad), wider than "
        "servicecoach's receipt-of-information acknowledgement. Of the "
        f'{missed} missed *questioning* lines: {unmarked} without "?", {short} shorter than '
        'three words (`listening.question` needs a "?" and three words). '
        "No published figure uses this protocol.",
    ]
    section.lines = lines
    return section


# --------------------------------------------------------------------------- AnnoMI


@dataclass(slots=True)
class _Utterance:
    transcript: int
    index: int
    speaker: str
    text: str
    reflection: list[str] = field(default_factory=list)  # per annotator: subtype or ""
    question: list[str] = field(default_factory=list)


def _majority(votes: Sequence[str]) -> str:
    """The majority subtype when most annotators said yes, else ""."""
    said = [v for v in votes if v]
    if 2 * len(said) <= len(votes):
        return ""
    return Counter(said).most_common(1)[0][0]


def annomi(data: Path, runner: Runner, limit: int) -> Section:
    path = data / "annomi" / "AnnoMI-full.csv"
    section = Section("AnnoMI — therapist utterances", path.is_file())
    if not section.found:
        return section
    utterances: dict[tuple[int, int], _Utterance] = {}
    for row in read_csv(path):
        key = (int(row["transcript_id"]), int(row["utterance_id"]))
        item = utterances.setdefault(
            key, _Utterance(key[0], key[1], row["interlocutor"], row["utterance_text"])
        )
        if item.speaker == "therapist":
            reflects = row["reflection_exists"] == "True"
            asks = row["question_exists"] == "True"
            item.reflection.append(row["reflection_subtype"] if reflects else "")
            item.question.append(row["question_subtype"] if asks else "")
    pairs: list[tuple[str, _Utterance]] = []
    previous_client: dict[int, str] = {}
    for key in sorted(utterances):
        item = utterances[key]
        if item.speaker == "client":
            previous_client[item.transcript] = item.text
        elif item.speaker == "therapist":
            pairs.append((previous_client.get(item.transcript, NEUTRAL_TURN), item))
    chosen, described = sample(pairs, limit)
    paraphrase, question = Counts(), Counts()
    by_subtype: dict[str, Counts] = defaultdict(Counts)
    multi = missed = unmarked = 0
    for customer, item in chosen:
        fired = runner.reply_signals(customer, item.text)
        reflection, asked = _majority(item.reflection), _majority(item.question)
        multi += len(item.reflection) > 1
        paraphrase.add(bool(reflection), "listening.paraphrase" in fired)
        question.add(bool(asked), "listening.question" in fired)
        if asked and "listening.question" not in fired:
            missed += 1
            unmarked += "?" not in item.text
        if reflection:
            by_subtype[f"reflection: {reflection}"].add(True, "listening.paraphrase" in fired)
        if asked:
            by_subtype[f"question: {asked}"].add(True, "listening.question" in fired)
    lines = [
        f"Therapist utterances of 133 motivational-interviewing transcripts (`AnnoMI-full.csv`; "
        f"evaluated: {described}). Each is the agent reply after the client's previous utterance "
        "in the transcript (a generic neutral turn when the therapist speaks first). Labels are "
        "the expert annotations `reflection_exists` and `question_exists` (one utterance can "
        f"have both); the {multi:,} utterances with several annotators take the majority.",
        "",
    ]
    lines += table(
        PRF_HEADERS,
        [
            prf_row("reflection (simple or complex) → listening.paraphrase", paraphrase),
            prf_row("question (open or closed) → listening.question", question),
        ],
    )
    lines += ["", "Recall by subtype:", ""]
    lines += table(
        ("subtype", "support", "recalled", "recall"),
        ([name, c.support, c.tp, f2(c.recall)] for name, c in sorted(by_subtype.items())),
    )
    lines += [
        "",
        'Notes: a counselling reflection is often a reflection of meaning or feeling ("so '
        "you're worried it could cost you your job\"), not a restatement of the problem "
        "sharing 40% of its content words, so low paraphrase recall is expected. Of the "
        f'{missed:,} missed questions, {unmarked:,} are transcribed without "?" (which '
        "`listening.question` requires). No published figure in the data README uses this "
        "protocol.",
    ]
    section.lines = lines
    return section


# --------------------------------------------------------------------------- politeness

PATIENCE = (
    "patience.blame",
    "patience.dismissive",
    "patience.shouting",
    "patience.defensive",
    "patience.sarcasm",
)


def politeness(data: Path, runner: Runner, limit: int) -> Section:
    folder = data / "stanford_politeness"
    files = {
        "Wikipedia": folder / "wikipedia.annotated.csv",
        "Stack Exchange": folder / "stack-exchange.annotated.csv",
    }
    present = {domain: path for domain, path in files.items() if path.is_file()}
    section = Section("Stanford Politeness — sanity check for `patience.*`", bool(present))
    if not section.found:
        return section
    rows: list[list[object]] = []
    classifier: dict[str, Counts] = {}
    described: list[str] = []
    for domain, path in present.items():
        requests = read_csv(path)
        scores = sorted(float(r["Normalized Score"]) for r in requests)
        low, high = scores[len(scores) // 4], scores[(3 * len(scores)) // 4]
        groups = {
            "impolite (bottom quartile)": [
                r["Request"] for r in requests if float(r["Normalized Score"]) <= low
            ],
            "polite (top quartile)": [
                r["Request"] for r in requests if float(r["Normalized Score"]) >= high
            ],
        }
        counts = Counts()
        for group, texts in groups.items():
            chosen, note = sample(texts, limit // 2)
            described.append(f"{domain} {group.split()[0]}: {note}")
            fired: Counter[str] = Counter()
            anything = 0
            for text in chosen:
                signals = runner.reply_signals(NEUTRAL_TURN, text)
                negative = {s for s in signals if s.startswith("patience.")}
                fired.update(negative)
                anything += bool(negative)
                counts.add(group.startswith("impolite"), bool(negative))
            rows.append(
                [
                    domain,
                    group,
                    len(chosen),
                    pct(anything, len(chosen)),
                    *(pct(fired[s], len(chosen)) for s in PATIENCE),
                ]
            )
        classifier[domain] = counts
    lines = [
        "Requests from Wikipedia editors and Stack Exchange users, rated for politeness by five "
        "annotators each; the impolite group is the bottom quartile of the normalised score "
        "and the polite group the top quartile, per domain (as in the paper). Each request is "
        f"the agent reply after the neutral customer turn. Evaluated: {'; '.join(described)}. "
        "A sanity check, not P/R: `patience.*` signals should fire more often on impolite "
        "requests and almost never on polite ones.",
        "",
    ]
    lines += table(
        ("domain", "group", "n", "any patience.*", *(s.split(".")[1] for s in PATIENCE)),
        rows,
    )
    lines += [
        "",
        'Read as a classifier ("any `patience.*` fired" → impolite) on the two quartiles: '
        + "; ".join(
            f"{domain} accuracy {c.accuracy:.1%}, impolite precision {f2(c.precision)}, "
            f"recall {f2(c.recall)}"
            for domain, c in classifier.items()
        )
        + ". Not comparable to the published figures (linguistic-feature SVM trained in "
        "domain: 83.8% Wikipedia, 78.2% Stack Exchange; cross-domain 67.5% / 75.4%; human "
        "86.7 / 80.9): `patience.*` flags rudeness toward a customer (blame, dismissal, "
        "shouting), while most impolite requests are merely curt or direct, so low recall "
        "here is expected; the point is the gap between the groups and a near-zero rate on "
        "polite ones.",
    ]
    section.lines = lines
    return section


# --------------------------------------------------------------------------- complaints


def complaints(data: Path, runner: Runner, limit: int) -> Section:
    path = data / "complaints" / "complaints-data.csv"
    section = Section("Complaints — apology applicability", path.is_file())
    if not section.found:
        return section
    with path.open(newline="", encoding="utf-8") as handle:
        tweets = [(row[1], row[2] == "1") for row in csv.reader(handle) if len(row) >= 3]
    chosen, described = sample(tweets, limit)
    counts = Counts()
    before = runner.not_scored
    for text, complaint in chosen:
        result = runner.analyse(text, AGENT_ACK, channel=Channel.SOCIAL, public=True)
        apology = result.skills.get("apology")
        counts.add(complaint, bool(apology and apology.applicable))
    unscored = runner.not_scored - before
    macro = (counts.f1 + counts.flipped().f1) / 2
    lines = [
        "Tweets to brands labelled complaint / not complaint (Preoțiuc-Pietro et al., 2019; "
        f"evaluated: {described}). Each tweet is the customer turn of a public social "
        f'conversation, answered by "{AGENT_ACK}"; the prediction is whether the apology '
        "skill becomes applicable, i.e. whether its problem detection reads the tweet as "
        f"reporting a problem. {unscored:,} tweets were detected as another language and not "
        "scored (counted as no problem).",
        "",
    ]
    lines += table(
        (*PRF_HEADERS, "accuracy", "macro-F1"),
        [
            [
                *prf_row("complaint → apology applicable", counts),
                f"{counts.accuracy:.1%}",
                f2(macro),
            ]
        ],
    )
    lines += [
        "",
        "Published: up to 79 F1 (logistic regression with all features, helped by distant "
        "supervision, trained on this set). Comparable in data and label, but that model "
        "is trained on these tweets while this is an untrained lexicon rule for problem "
        "reports in support conversations. Work on this set reports macro-F1, so compare "
        "with the macro-F1 column rather than the complaint-class F1.",
    ]
    section.lines = lines
    return section


# --------------------------------------------------------------------------- GoEmotions

GOEMOTIONS_MAP = {
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
"""GoEmotions label → servicecoach emotion (the others have no counterpart here)."""

EKMAN_OF = {
    "anger": "anger",
    "frustration": "anger",
    "anxiety": "fear",
    "sadness": "sadness",
    "disappointment": "sadness",
    "confusion": "surprise",
    "neutral": "neutral",
    "satisfaction": "joy",
    "gratitude": "joy",
    "relief": "joy",
}
"""servicecoach emotion → Ekman group, following GoEmotions' own Ekman mapping."""

SENTIMENT_OF = {
    "anger": "negative",
    "frustration": "negative",
    "anxiety": "negative",
    "sadness": "negative",
    "disappointment": "negative",
    "confusion": "ambiguous",
    "neutral": "neutral",
    "satisfaction": "positive",
    "gratitude": "positive",
    "relief": "positive",
}
"""servicecoach emotion → GoEmotions sentiment group."""


def _goemotions_split(folder: Path) -> list[tuple[str, set[str]]]:
    labels = read_lines(folder / "labels.txt")
    rows: list[tuple[str, set[str]]] = []
    with (folder / "test.tsv").open(encoding="utf-8") as handle:
        for line in handle:
            parts = line.rstrip("\n").split("\t")
            if len(parts) >= 2 and parts[1]:
                rows.append((parts[0], {labels[int(i)] for i in parts[1].split(",")}))
    return rows


def _label_table(
    gold: Sequence[set[str]], predicted: Sequence[str], labels: Sequence[str]
) -> tuple[list[str], float]:
    """Per-label P/R/F1 of single-label predictions against multi-label gold; macro-F1."""
    counts = {label: Counts() for label in labels}
    for wanted, got in zip(gold, predicted, strict=True):
        for label in labels:
            counts[label].add(label in wanted, got == label)
    macro = sum(c.f1 for c in counts.values()) / len(labels)
    rows = [
        [
            label,
            c.support,
            c.predicted,
            f2(c.precision),
            f2(c.recall),
            f2(c.f1),
        ]
        for label, c in counts.items()
    ]
    hit = sum(got in wanted for wanted, got in zip(gold, predicted, strict=True))
    rows.append(["**macro**", "", "", "", "", f"**{f2(macro)}**"])
    lines = table(("label", "support", "predicted", "precision", "recall", "F1"), rows)
    lines += ["", f"Prediction among the gold labels: {pct(hit, len(gold))} of {len(gold):,}."]
    return lines, macro


def goemotions(data: Path, runner: Runner, limit: int) -> Section:
    folder = data / "goemotions"
    needed = [folder / name / "test.tsv" for name in ("original", "ekman", "group")]
    section = Section("GoEmotions — customer emotion (`classify_emotion`)", folder.is_dir())
    if not section.found:
        return section
    lines: list[str] = []
    if needed[0].is_file():
        rows, described = sample(_goemotions_split(folder / "original"), limit)
        mapped = [
            (text, {GOEMOTIONS_MAP[g] for g in gold if g in GOEMOTIONS_MAP}) for text, gold in rows
        ]
        kept = [(text, gold) for text, gold in mapped if gold]
        predicted = [classify_emotion(text).label for text, _ in kept]
        body, _ = _label_table([g for _, g in kept], predicted, EMOTIONS)
        lines += [
            f"Reddit comments of the GoEmotions **test** split (evaluated: {described}), read as "
            "customer messages. Gold labels mapped to ours: "
            + ", ".join(f"{k}→{v}" for k, v in GOEMOTIONS_MAP.items())
            + f"; the {len(kept):,} comments with at least one mapped label are kept (the "
            "others carry only emotions servicecoach has no label for). A comment can have "
            "several gold labels; the classifier gives one, which is right for a label when it "
            "is among them.",
            "",
            *body,
            "",
            "Published: BERT-base macro-F1 0.46 over the 28 GoEmotions labels — **not directly "
            "comparable** (different label set, multi-label thresholded predictions, a trained "
            "model).",
        ]
    if needed[1].is_file():
        rows, described = sample(_goemotions_split(folder / "ekman"), limit)
        predicted = [EKMAN_OF[classify_emotion(text).label] for text, _ in rows]
        labels = read_lines(folder / "ekman" / "labels.txt")
        body, _ = _label_table([g for _, g in rows], predicted, labels)
        lines += [
            "",
            f"Ekman grouping (GoEmotions' own `ekman` labels; evaluated: {described}); our "
            "label mapped to its Ekman group ("
            + ", ".join(f"{k}→{v}" for k, v in EKMAN_OF.items())
            + "). servicecoach has no disgust, so that row is 0 by construction.",
            "",
            *body,
            "",
            "Published: BERT-base macro-F1 0.64 on the Ekman labels — the closest comparison "
            "(same test split and labels), still not the same protocol: one label per comment "
            "here against multi-label predictions there.",
        ]
    if needed[2].is_file():
        rows, described = sample(_goemotions_split(folder / "group"), limit)
        predicted = [SENTIMENT_OF[classify_emotion(text).label] for text, _ in rows]
        labels = read_lines(folder / "group" / "labels.txt")
        body, _ = _label_table([g for _, g in rows], predicted, labels)
        lines += [
            "",
            f"Sentiment grouping (evaluated: {described}); our label mapped to positive "
            "(satisfaction, gratitude, relief), negative (anger, frustration, anxiety, "
            "sadness, disappointment), ambiguous (confusion) or neutral.",
            "",
            *body,
            "",
            "Published: BERT-base macro-F1 0.69 on the sentiment groups (same caveat as Ekman).",
        ]
    section.lines = lines
    return section


# --------------------------------------------------------------------------- report

EVALUATIONS: tuple[tuple[str, Callable[[Path, Runner, int], Section]], ...] = (
    ("empathetic_intents", empathetic_intents),
    ("annomi", annomi),
    ("stanford_politeness", politeness),
    ("complaints", complaints),
    ("goemotions", goemotions),
)


def report(
    sections: Sequence[Section],
    versions: Mapping[str, str],
    seconds: float,
    today: date,
    limit: int,
    where: str = "../shared/data",
) -> str:
    found = [s.title.split(" — ")[0] for s in sections if s.found]
    missing = [s.title.split(" — ")[0] for s in sections if not s.found]
    lines = [
        "# Evaluation of servicecoach's signals on labelled data",
        "",
        f"Generated by `{COMMAND}` on {today.isoformat()} — do not edit by hand; re-run the "
        "script (see [evaluation/README.md](../evaluation/README.md)).",
        "",
        f"- Data sets found under `{where}`: {', '.join(found) or 'none'}"
        + (f"; not found (skipped): {', '.join(missing)}" if missing else "")
        + ".",
        f"- servicecoach {servicecoach.__version__}, analysers "
        + ", ".join(f"`{v}`" for v in versions.values())
        + f"; Python {platform.python_version()}, {os.cpu_count()} CPUs; at most {limit:,} "
        f"items per set (seed {SEED}); {seconds:.0f} s in all.",
        "- These are **rule-based baselines**: the v1 analysers are lexicons and rules, "
        "written by hand and not tuned on these sets. The learned-judgement issue replaces "
        "them with trained models behind the same interface and is measured against these "
        "figures.",
        "- Only aggregate numbers appear here; no row of any data set is copied (see the "
        "data README).",
        "- Protocol: each labelled utterance is the agent reply in a two-turn conversation "
        "after a generic customer turn (no labels leak into it), analysed by the full "
        "pipeline; *fired* means the signal is among the reply's signals. P/R/F1 are for "
        "the labelled class.",
    ]
    for section in sections:
        lines += ["", f"## {section.title}", ""]
        if not section.found:
            lines.append(f"Skipped: the data set is not present under `{where}`.")
            continue
        lines += section.lines
        work = f"{section.conversations:,} conversations analysed" if section.conversations else ""
        if section.not_scored:
            work += f", {section.not_scored:,} not scored (language)"
        lines += ["", f"*{work + '; ' if work else ''}{section.seconds:.1f} s.*"]
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="the shared data folder")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="the Markdown report")
    parser.add_argument(
        "--max-items",
        type=int,
        default=DEFAULT_MAX_ITEMS,
        help="subsample larger sets to this many items (fixed seed)",
    )
    parser.add_argument("--no-write", action="store_true", help="print the report only")
    args = parser.parse_args(argv)
    if args.max_items < 2:
        parser.error("--max-items must be 2 or more")
    started = time.perf_counter()
    runner = Runner()
    sections: list[Section] = []
    for name, evaluate in EVALUATIONS:
        began = time.perf_counter()
        conversations, unscored = runner.conversations, runner.not_scored
        section = evaluate(args.data, runner, args.max_items)
        section.seconds = time.perf_counter() - began
        section.conversations = runner.conversations - conversations
        section.not_scored = runner.not_scored - unscored
        sections.append(section)
        state = f"{section.seconds:.1f} s" if section.found else "not found, skipped"
        print(f"{name}: {state}", file=sys.stderr)
    text = report(
        sections,
        runner.pipeline.versions,
        time.perf_counter() - started,
        date.today(),
        args.max_items,
        "../shared/data" if args.data == DEFAULT_DATA else str(args.data),
    )
    print(text)
    if not any(section.found for section in sections):
        print(f"no data set found under {args.data}: {args.out} left as it is", file=sys.stderr)
    elif not args.no_write:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text, encoding="utf-8")
        print(f"written to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
