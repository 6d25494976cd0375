"""Which language a conversation is in: servicecoach scores English only.

Uses py3langid (a maintained fork of langid.py; its model ships inside the package) on
the text of the whole conversation, with @handles, URLs and email addresses removed.
Short texts are too little evidence, so a conversation is only reported as another
language when it has at least :data:`MIN_LETTERS` letters and the detector is at
least :data:`MIN_CONFIDENCE` sure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from servicecoach.model.conversation import Conversation

__all__ = ["MIN_CONFIDENCE", "MIN_LETTERS", "SUPPORTED", "LanguageGuess", "detect_language"]

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


@lru_cache(maxsize=1)
def _identifier() -> Any:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def detect_language(conversation: Conversation) -> LanguageGuess:
    """The language of the conversation's messages; English when there is too little text."""
    text = _NOISE.sub(" ", "\n".join(m.text for m in conversation.messages if not m.internal))
    if sum(c.isalpha() for c in text) < MIN_LETTERS:
        return LanguageGuess("en", 0.0)
    language, confidence = _identifier().classify(text)
    if language not in SUPPORTED and confidence < MIN_CONFIDENCE:
        return LanguageGuess("en", float(confidence))
    return LanguageGuess(str(language), float(confidence))
