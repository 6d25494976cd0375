"""Labels of contact reasons: short phrases a lead would write, in each group's language.

:func:`label_groups` labels each group of contact-reason texts with up to ``top`` terms,
best first. A term is a word or a phrase of two to four words inside one clause (it
never crosses punctuation or an emoji) that:

- neither starts nor ends with a stop word of the group's language, though a negation
  may start it ("not working") and stop words may sit inside ("refund not received");
  forms of "be" and "do" (and of "have" before a negation) are left out first, so that
  "refund has not been received" says "refund not received"; four words only around a
  stop word;
- has a word that is not vague ("login problem", never "problem" alone);
- holds no name, handle, hashtag, link, digit or id.

**Language.** Each group's language is identified from its texts (py3langid, whose model
ships inside the package); its stop words (:mod:`servicecoach.analysis.stopwords`) and
English's are left out. Groups in a language without a list get English's.

**Names.** A word is a name when, across the texts of all groups, it is written with a
capital (``Ayesha``, ``Becky``) at least twice as often as in lower case, counting only
words that do not start a sentence, in texts not written in capitals throughout. German
groups, whose nouns take a capital, are exempt. CamelCase words (``AmazonHelp``) are
handles; words of letters and digits are ids. Such words split a clause like punctuation.

**Weight** (c-TF-IDF on texts). A term counts once per text: its weight in a group is
the share of the group's texts that contain it times ``log(1 + n / f)``, where ``n`` is
the mean number of texts per group and ``f`` the number of texts, in all groups, that
contain it; a phrase of two, three or four words counts 1.5, 1.8 or 2 times, so
"password reset" beats "password" when most texts that say the one say the other. A
term must be in at least two texts of the group and one in twenty. With four groups or
more, a term found in more than half of them (a brand, a greeting the lists missed)
says nothing about any and is dropped. A plural counts with its singular; the form
shown is the commoner one.

**Choice.** The best term comes first; each next one is kept when it weighs at least a
third of the best and shares no word with a term already chosen.
"""

from __future__ import annotations

import functools
import math
import re
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from servicecoach.analysis.stopwords import AUXILIARIES, HAVE, NEGATIONS, WEAK_WORDS, stop_words

__all__ = ["MAX_TEXTS", "group_language", "label_groups"]

MAX_TEXTS = 400
"""Texts read per group (the first ones: the nearest its centre)."""

_MIN_SHARE = 0.05
_PHRASE_BONUS = (1.0, 1.5, 1.8, 2.0)
_NEXT_TERM = 1 / 3
_LANGUAGE_CHARS = 4000
_NOISE = re.compile(r"[@#][\w.]+|https?://\S+|www\.\S+|\S+@\S+\.\S+")
_SENTENCES = re.compile(r"(?<=[.!?…])\s+|[\r\n]+")
_SEPARATOR = re.compile(r"(?:[^\w\s'’-]|(?<!\w)-|-(?!\w))+")
_SOFT_SEPARATOR = re.compile(r"[\s,;:()'\"’]*")
_TOKEN = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")
_REPEATS = re.compile(r"(.)\1\1")
_NOT_A_WORD = re.compile(  # digits (ids), and scripts written without spaces
    r"\d|[\u0e00-\u0e7f\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\uf900-\ufaff]"
)
_NOT = {"can't": ("cannot",), "won't": ("will", "not"), "ain't": ("not",)}
_NOT_BARE = {
    "cant": ("cannot",), "dont": ("do", "not"), "doesnt": ("does", "not"),
    "didnt": ("did", "not"), "isnt": ("is", "not"), "arent": ("are", "not"),
    "wasnt": ("was", "not"), "werent": ("were", "not"), "havent": ("have", "not"),
    "hasnt": ("has", "not"), "hadnt": ("had", "not"), "couldnt": ("could", "not"),
    "wouldnt": ("would", "not"), "shouldnt": ("should", "not"),
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class _Word:
    """A word of a text: lower case, how it was written, and whether it opens a sentence."""

    text: str
    shape: str  # "title", "lower" or "other"
    initial: bool


_Clause = list[_Word | None]  # None: a word that cannot be in a label (splits phrases)


@functools.cache
def _identifier() -> Any:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def group_language(texts: Sequence[str]) -> str:
    """The language (ISO 639-1) of a group of texts; English when unsure."""
    text = _NOISE.sub(" ", " ".join(texts[:100]))[:_LANGUAGE_CHARS]
    if sum(c.isalpha() for c in text) < 20:
        return "en"
    language, confidence = _identifier().classify(text)
    return str(language) if confidence >= 0.5 else "en"


def _shape(word: str) -> str:
    if word.islower():
        return "lower"
    if word[0].isupper() and (len(word) == 1 or word[1:].islower()):
        return "title"
    if word[0].isupper() and any(c.islower() for c in word):
        return "camel"
    return "other"


def _split_word(raw: str, initial: bool) -> Iterator[_Word | None]:
    """The words of one token: contractions expanded, elisions dropped; None for an id."""
    plain = raw.replace("’", "'")
    lower = plain.lower()
    if _NOT_A_WORD.search(plain) or _REPEATS.search(lower):
        yield None
        return
    expanded = _NOT.get(lower) or _NOT_BARE.get(lower)
    if expanded is None and lower.endswith("n't"):
        expanded = (lower[:-3], "not")
    if expanded is not None:
        for part in expanded:
            yield _Word(part, "lower", initial)
            initial = False
        return
    parts = plain.split("'")
    for part in parts:
        if len(part) < 2 and len(parts) > 1:  # the "l" of "l'app", the "s" of "it's"
            continue
        shape = _shape(part.replace("-", ""))
        if shape == "camel" or len(part) > 20:
            yield None
        else:
            yield _Word(part.lower(), shape, initial)
        initial = False


def _clauses(text: str) -> list[_Clause]:
    """The clauses of ``text`` (split at punctuation and emoji), as words."""
    out: list[_Clause] = []
    for sentence in _SENTENCES.split(_NOISE.sub(" . ", text)):
        position, initial = 0, True
        for separator in [*_SEPARATOR.finditer(sentence), None]:
            end = separator.start() if separator else len(sentence)
            clause: _Clause = []
            for match in _TOKEN.finditer(sentence, position, end):
                for word in _split_word(match.group(), initial):
                    clause.append(word)
                    initial = False
            if clause:
                out.append(clause)
            if separator is not None:
                position = separator.end()
                initial = initial or not _SOFT_SEPARATOR.fullmatch(separator.group())
    return out


def _shouting(clauses: list[_Clause]) -> bool:
    """Whether most words are capitalised (a headline or a shout says nothing of names)."""
    shapes = [w.shape for c in clauses for w in c if w is not None and len(w.text) > 2]
    return sum(s != "lower" for s in shapes) * 2 > len(shapes)


def _names(parsed: Sequence[Sequence[list[_Clause]]], languages: Sequence[str]) -> set[str]:
    """Words written with a capital inside sentences at least twice as often as without."""
    title: Counter[str] = Counter()
    lower: Counter[str] = Counter()
    for texts, language in zip(parsed, languages, strict=True):
        if language == "de":
            continue
        for clauses in texts:
            if _shouting(clauses):
                continue
            for clause in clauses:
                for word in clause:
                    if word is None or word.initial:
                        continue
                    if word.shape == "title":
                        title[word.text] += 1
                    elif word.shape == "lower":
                        lower[word.text] += 1
    return {word for word, count in title.items() if count >= 2 * lower[word]}


def _key(words: Sequence[str]) -> tuple[str, ...]:
    """Words without hyphens and a plural ``s``: "Refunds" counts as "refund", "e-mail" as
    "email"."""
    plain = (w.replace("-", "") for w in words)
    return tuple(w[:-1] if len(w) > 3 and w[-1] == "s" and w[-2] != "s" else w for w in plain)


def _related(word: str, others: set[str]) -> bool:
    """Whether ``word`` shares a stem with one of ``others`` ("work" and "working",
    "delivered" and "delivery"): one starts with the other, or five letters in common."""
    for other in others:
        short, long = sorted((word, other), key=len)
        if long.startswith(short) or (len(short) >= 5 and long[:5] == short[:5]):
            return True
    return False


@dataclass(frozen=True, slots=True)
class _Rules:
    stop: frozenset[str]
    negations: frozenset[str]
    weak: frozenset[str]
    auxiliaries: frozenset[str]
    have: frozenset[str]
    names: frozenset[str]

    def is_stop(self, word: str) -> bool:
        """A stop word of the language, or a single letter."""
        return len(word) < 2 or word in self.stop

    def _auxiliary(self, clause: _Clause, index: int) -> bool:
        """Whether the word at ``index`` is a "be" or "do", or a "have" before a negation or
        an auxiliary ("has not", "has been")."""
        word = clause[index]
        if word is None:
            return False
        if word.text in self.auxiliaries:
            return True
        after = clause[index + 1] if index + 1 < len(clause) else None
        return (
            word.text in self.have
            and after is not None
            and (after.text in self.negations or after.text in self.auxiliaries)
        )

    def terms(self, clauses: list[_Clause]) -> Iterator[tuple[str, ...]]:
        """Every word and phrase of two to four words that may be a label."""
        for clause in clauses:
            words = [
                None if w is None or w.text in self.names else w.text
                for i, w in enumerate(clause)
                if not self._auxiliary(clause, i)
            ]
            for start, first in enumerate(words):
                if first is None or (self.is_stop(first) and first not in self.negations):
                    continue
                for size in (1, 2, 3, 4):
                    window = words[start : start + size]
                    if len(window) < size or None in window:
                        break
                    term = tuple(w for w in window if w is not None)
                    if self.is_stop(term[-1]) or all(
                        self.is_stop(w) or w in self.weak for w in term
                    ):
                        continue
                    if size == 4 and not any(self.is_stop(w) for w in term[1:3]):
                        continue  # four words only around a stop word: "code not arriving"
                    yield term


def _rules(language: str, names: set[str]) -> _Rules:
    return _Rules(
        stop=stop_words(language),
        negations=NEGATIONS["en"] | NEGATIONS.get(language, frozenset()),
        weak=WEAK_WORDS["en"] | WEAK_WORDS.get(language, frozenset()),
        auxiliaries=AUXILIARIES["en"] | AUXILIARIES.get(language, frozenset()),
        have=HAVE["en"] | HAVE.get(language, frozenset()),
        names=frozenset() if language == "de" else frozenset(names),
    )


def label_groups(groups: Sequence[Sequence[str]], *, top: int = 3) -> list[list[str]]:
    """Up to ``top`` label terms of each group of texts, best first (see the module).

    Args:
        groups: each group's texts, the most typical first (only the first
            :data:`MAX_TEXTS` are read).
        top: the most terms per group.

    Returns:
        Each group's terms: words or phrases in lower case, in the group's language; an
        empty list when nothing in the group can be a label.
    """
    samples = [list(texts[:MAX_TEXTS]) for texts in groups]
    languages = [group_language(texts) for texts in samples]
    seen_texts: dict[str, list[_Clause]] = {}  # support texts repeat: parse each once
    parsed = [
        [seen_texts.get(text) or seen_texts.setdefault(text, _clauses(text)) for text in texts]
        for texts in samples
    ]
    names = _names(parsed, languages)
    rules_of = [_rules(language, names) for language in languages]
    counts: list[Counter[tuple[str, ...]]] = []
    shown: list[dict[tuple[str, ...], Counter[str]]] = []
    firsts: list[set[tuple[str, ...]]] = []
    for texts, rules in zip(parsed, rules_of, strict=True):
        df: Counter[tuple[str, ...]] = Counter()
        forms: dict[tuple[str, ...], Counter[str]] = {}
        typical: set[tuple[str, ...]] = set()
        for index, clauses in enumerate(texts):
            seen: dict[tuple[str, ...], str] = {}
            for term in rules.terms(clauses):
                seen.setdefault(_key(term), " ".join(term))
            df.update(seen.keys())
            for key, form in seen.items():
                forms.setdefault(key, Counter())[form] += 1
            if index == 0:
                typical = set(seen)
        counts.append(df)
        firsts.append(typical)
        shown.append(forms)
    total: Counter[tuple[str, ...]] = Counter()
    spread: Counter[tuple[str, ...]] = Counter()
    for df in counts:
        total.update(df)
        spread.update(df.keys())
    mean_texts = max(sum(map(len, samples)) / max(len(samples), 1), 1.0)
    common = {
        k[0] for k, n in spread.items() if len(k) == 1 and len(groups) >= 4 and n * 2 > len(groups)
    }
    out: list[list[str]] = []
    for sample, df, forms, rules, first in zip(
        samples, counts, shown, rules_of, firsts, strict=True
    ):
        least = max(2, math.ceil(len(sample) * _MIN_SHARE))
        weights = {
            key: count
            / len(sample)
            * math.log1p(mean_texts / total[key])
            * _PHRASE_BONUS[len(key) - 1]
            for key, count in df.items()
            if common.isdisjoint(key)
        }
        chosen = _choose(weights, [k for k in weights if df[k] >= least], rules, top)
        if not chosen:  # no term shared by enough texts: the best of the most typical one
            chosen = _choose(weights, [k for k in first if k in weights], rules, 1)
        out.append([forms[key].most_common(1)[0][0] for key in chosen])
    return out


def _choose(
    weights: dict[tuple[str, ...], float],
    keys: list[tuple[str, ...]],
    rules: _Rules,
    top: int,
) -> list[tuple[str, ...]]:
    """The heaviest ``keys``, each after the first sharing no word with those before it."""
    chosen: list[tuple[str, ...]] = []
    used: set[str] = set()
    for key in sorted(keys, key=lambda k: (-weights[k], k)):
        if len(chosen) == top or (chosen and weights[key] < weights[chosen[0]] * _NEXT_TERM):
            break
        content = {w for w in key if not rules.is_stop(w)}
        if any(_related(w, used) for w in content):
            continue
        chosen.append(key)
        used |= content
    return chosen
