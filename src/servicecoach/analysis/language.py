"""Which language a conversation is in: servicecoach scores English only.

Uses py3langid (a maintained fork of langid.py; its model ships inside the package) on
the first 4,000 characters of the conversation, with @handles, URLs and email addresses
removed; text that is plainly English by its most frequent words skips the model.
Short texts are too little evidence, so a conversation is only reported as another
language when it has at least :data:`MIN_LETTERS` letters and the detector is at
least :data:`MIN_CONFIDENCE` sure.
"""

from __future__ import annotations

import io
import lzma
import os
import re
import threading
from array import array
from dataclasses import dataclass
from typing import Any

import numpy as np

from servicecoach.model.conversation import Conversation
from servicecoach.nlp.words import at_sign_after

__all__ = [
    "MIN_CONFIDENCE",
    "MIN_LETTERS",
    "SUPPORTED",
    "LanguageGuess",
    "detect_language",
    "preload",
]

SUPPORTED = frozenset({"en"})
MIN_LETTERS = 40
MIN_CONFIDENCE = 0.9
_NOISE = re.compile(r"@\w+|https?://\S+|www\.\S+|(?<!\S)\S[^\s@]*@\S+\.\S+|#\w+")
"""Handles, links, addresses and hashtags. An address is tried only where a word begins,
and up to its first ``@``: ``\\S+@`` tried at every character of a long word was quadratic."""


@dataclass(frozen=True, slots=True)
class LanguageGuess:
    """The detected language (ISO 639-1) and how sure the detector is (0-1)."""

    language: str
    confidence: float

    @property
    def supported(self) -> bool:
        """True when servicecoach can score this language."""
        return self.language in SUPPORTED


_model: Any = None
_model_lock = threading.Lock()
"""Held while the model loads (a thread that needs it waits for the one loading it)."""
_loader_lock = threading.Lock()
"""Guards starting the loader: never held while loading, so :func:`preload` never waits."""
_loader: threading.Thread | None = None


def _identifier() -> Any:
    """The language model, loaded once per process (by whichever thread asks first; the
    others wait for it rather than load a second copy)."""
    global _model
    if _model is None:
        with _model_lock:
            if _model is None:
                _model = _load()
    return _model


_TYPECODES = {2: "H", 4: "I", 8: "L"}


def _load() -> Any:
    """py3langid's shipped model, read as its own loader reads it, only faster.

    Its loader streams the decompressed model (68 MB) through a temporary file; here it
    is decompressed in one call, which releases the GIL throughout (0.42 s against 0.56 s,
    most of it on a core the start-up leaves free). The model is the same: the same arrays
    in the same layout (``py3langid/modelio.py``, an npz inside LZMA), handed to the
    library's own constructor; should a later py3langid store it otherwise, its own
    loader reads it.
    """
    from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier

    try:
        raw = lzma.decompress((MODEL_DIR / MODEL_FILE).read_bytes())
        with np.load(io.BytesIO(raw), allow_pickle=False) as data:
            # the largest array first, its numpy copy dropped before the next is read
            # (peak 158 MiB over start-up instead of 221; py3langid's own loader: 106)
            nextmove = _array(data["nextmove"])
            return LanguageIdentifier(
                data["ptc"],
                data["pc"],
                data["classes"].tolist(),
                nextmove,
                data["out_feat"].tolist(),
                norm_probs=True,
                tk_row=_array(data["nextmove_row"]),
            )
    except (OSError, KeyError, ValueError, TypeError, lzma.LZMAError):
        return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def _array(values: Any) -> array:  # type: ignore[type-arg]
    """An unsigned numpy array as the ``array.array`` py3langid's DFA walk reads."""
    out = array(_TYPECODES[values.dtype.itemsize])
    out.frombytes(np.ascontiguousarray(values).data.cast("B"))  # one copy, not two
    return out


def preload() -> None:
    """Start loading the language model on a background thread, once per process.

    Loading it decompresses a 4.5 MB model: 0.36 s of CPU, a seventh of a fast analysis
    of the 5,000-message Twitter sample, spent on the analysing thread when the first
    conversation the English-word check cannot decide comes. ``servicecoach analyze``
    calls this first, a full pipeline as it is built and a batch analysis as it starts,
    so that the load overlaps start-up on a spare core (LZMA releases the GIL) and
    usually ends before the model is first needed. It never waits for a load under way.
    """
    global _loader
    with _loader_lock:
        if _model is not None or _loader is not None:
            return
        _loader = threading.Thread(target=_identifier, name="servicecoach-langid", daemon=True)
    _loader.start()


def _after_fork() -> None:
    """A child forked while the loader ran has neither its thread nor a usable lock."""
    global _loader, _model_lock, _loader_lock
    _model_lock = threading.Lock()
    _loader_lock = threading.Lock()
    if _model is None:
        _loader = None


if hasattr(os, "register_at_fork"):  # POSIX
    os.register_at_fork(after_in_child=_after_fork)


_NOISE_BUT_ADDRESSES = re.compile(r"@\w+|https?://\S+|www\.\S+|#\w+")
""":data:`_NOISE` for text where its address cannot match (no ``@`` follows a non-space):
each kind starts with its own character, which the regex engine skips to, where the
address is tried at every word."""


def _not_space(character: str) -> bool:
    """What the address of :data:`_NOISE` takes before its ``@``: any but white space."""
    return not character.isspace()


_PREFIX = 4000
"""Characters read from the start of the conversation: plenty to tell a language, and it
bounds the work a very long conversation can cause."""
_ENGLISH = frozenset({
    "the", "and", "you", "your", "it", "this", "that", "with", "have", "please", "my", "are",
    "can", "be", "what", "not", "our", "thanks", "thank", "would", "there", "been", "has",
    "from", "they", "about", "just", "if", "but", "which", "could", "should", "received",
    "order", "account", "know", "get",
})  # fmt: skip
"""Frequent English words that are not words of other common languages: not "is", "we" or
"of" (Dutch), "was" or "will" (German), "me" (Spanish, French), "i" (Italian), "to" (Polish),
"for" (Danish), nor "sorry", "email" or "hello", which support chats in any language use."""
_LATIN_WORD = re.compile(r"[a-z']+")


def _plainly_english(text: str) -> bool:
    """At least 8 words, a fifth or more of them in :data:`_ENGLISH`.

    Decides most support conversations without the language model. On 19,073 texts (the
    evaluation sets, the Twitter sample's tweets, the generated corpus) it fired on 13,096
    (69%), and the model agreed on every one, including none of the 85 it reads as another
    language (2026-12-04; tests/analysis/test_language.py has texts in languages that share
    short words with English).
    """
    words = _LATIN_WORD.findall(text.lower())
    return len(words) >= 8 and sum(w in _ENGLISH for w in words) * 5 >= len(words)


def _letters_below(text: str, least: int) -> bool:
    """``sum(map(str.isalpha, text)) < least``, reading past a short head of the text only
    when the head does not already hold enough letters (it nearly always does)."""
    head = 4 * least
    count = sum(map(str.isalpha, text[:head]))
    if count < least and len(text) > head:
        count += sum(map(str.isalpha, text[head:]))
    return count < least


def detect_language(conversation: Conversation) -> LanguageGuess:
    """The language of the conversation's messages; English when there is too little text."""
    text = "\n".join(m.text for m in conversation.messages if not m.internal)[:_PREFIX]
    if "@" in text or "://" in text or "www." in text or "#" in text:  # what _NOISE needs
        noise = _NOISE if at_sign_after(text, _not_space) else _NOISE_BUT_ADDRESSES
        text = noise.sub(" ", text)
    if _letters_below(text, MIN_LETTERS):
        return LanguageGuess("en", 0.0)
    if _plainly_english(text):
        return LanguageGuess("en", 1.0)
    language, confidence = _identifier().classify(text)
    if language not in SUPPORTED and confidence < MIN_CONFIDENCE:
        return LanguageGuess("en", float(confidence))
    return LanguageGuess(str(language), float(confidence))
