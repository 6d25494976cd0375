"""Caption files (WebVTT and SRT) to speaker segments, with the line of every cue.

Both formats are blocks of lines separated by blank lines; a cue block is an optional
identifier (SRT: the cue number), a timing line ``start --> end`` and the text.
webvtt-py reads whole files too, but it drops malformed cues silently and keeps no line
numbers, so this module splits the blocks itself (as webvtt-py does: a line with
``-->`` that cannot be the current block's timing line starts a new cue, and a block
of text without timings continues the cue before it, as when a cue's text contains a
blank line) and lets :class:`webvtt.Caption` read each cue's times, voice and tags.
A block that starts with a cue number but has no timing line is reported as a cue
without times. Cue line breaks become spaces (captions wrap lines for display only).

Each line of cue text has its tags removed (``<b>``, ``<c.color>``, inline
``<00:01.500>`` word times, SRT ``{\\an8}`` codes) and HTML entities decoded, in voice
names too (``<v Far&#237;as>`` is the speaker ``Farías``); a caption's dialogue dash
(``- Hi``) goes.

Speakers come from, in this order:

- WebVTT voice tags (``<v Dana Reyes>Hi``; a cue with several voice lines becomes one
  segment per voice);
- ``(Name)`` speaker lines, Google Meet style: a line that starts with a name in
  parentheses (``(Dana Reyes)`` alone on its line, or ``(Dana Reyes) Hi``) starts that
  speaker's speech, which goes on until the next such line, across cues. They are read
  as speakers when the first cue without a voice tag starts with one; sounds
  (``(laughs)``, ``(inaudible)``) are not names;
- ``Name:`` prefixes (``Agent: Hello``, ``Dana Reyes: hi``, or ``Dana Reyes:`` alone on
  its line). A prefix is 1-4 words of letters, digits, ``_ . ' -`` starting with a
  letter, at most 40 characters, then a colon. Because ordinary speech can look like
  that ("Note: it ships Monday"), prefixes are read as speakers only when the file uses
  them consistently: the first cue without a voice tag has one, and so do at least half
  of the cues without a voice tag. Inside a cue, a later line starts another speaker
  only with a label that opens some cue of the file, or after a dialogue dash
  (``- Lars: no``), so "Tip: ..." on a second line stays text. Otherwise no prefix is removed and those cues have no speaker. In a file
  that uses prefixes, a cue without one continues the previous speaker.

youtube-dl writes YouTube's automatic captions as *rolling* captions: every cue shows
the line before it again, above the new words, so read naively every line comes out
twice. A file without voice tags in which a cue of two or more lines starts with the
last line of the cue before, and at least two cues (a third of them) repeat that way,
is read as rolling: each cue keeps only the lines the cue before did not show, and a
cue left empty goes.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace

import webvtt
from webvtt.errors import MalformedCaptionError

from servicecoach.errors import Problem
from servicecoach.ingest.base import Source
from servicecoach.ingest.transcripts.turns import Segment
from servicecoach.model.text import normalize_text, unescape_entities

__all__ = ["Cue", "read_cues", "segments_from_cues", "split_lines"]

_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_TIMING = re.compile(r"^\s*(\S+?)\s*-->\s*(\S+)")
_INDEX = re.compile(r"^\s*\d+\s*$")
_VOICE = re.compile(r"^\s*<v(?:\.[\w-]+)*[ \t]+[^>]*>")
_ASS_TAG = re.compile(r"\{\\[^}]*\}")
_ROLLING_WORDS = 3
_DIALOGUE_DASH = re.compile(r"^[-‐–—]\s+(?=\S)")
"""The dash that opens a line spoken by another person than the line before (captions)."""
_PREFIX = re.compile(r"^\s*(?:-\s*)?([^\W\d_][\w.'’ -]{0,39}?)\s*:(?:\s+|$)")
_PAREN = re.compile(r"^\s*(?:-\s*)?\(([^\W\d_][\w.'’ -]{0,39}?)\)(?:\s*:)?(?:\s+|$)")
_SOUNDS = frozenset(
    (
        "laughs", "laughter", "laughing", "music", "applause", "inaudible", "crosstalk",
        "silence", "pause", "sighs", "coughs", "noise", "static", "beep", "ringing",
        "unintelligible", "indistinct", "background", "background noise",
    )
)  # fmt: skip
"""Parenthesised words that describe a sound, not a speaker (``(laughs)``)."""
_MAX_PREFIX_WORDS = 4


@dataclass(frozen=True, slots=True)
class Cue:
    """One cue whose times were read.

    Attributes:
        number: its place among the file's cues (1-based).
        line: the line of its timing line.
        start_s: start in seconds.
        end_s: end in seconds.
        lines: ``(voice or None, text)`` per line of text, tags removed and entities
            decoded, blank lines left out; a line's voice is that of the voice span it
            is in (``None`` outside voice tags).
    """

    number: int
    line: int
    start_s: float
    end_s: float
    lines: tuple[tuple[str | None, str], ...]

    def where(self) -> str:
        """The cue's location for a problem report."""
        return f"cue {self.number}, line {self.line}"


def split_lines(text: str) -> list[str]:
    """Lines split on CR, LF and CRLF only (``str.splitlines`` also splits on U+2028)."""
    lines = _LINE_BREAK.split(text)
    if lines and not lines[-1]:
        lines.pop()
    return lines


@dataclass(slots=True)
class _Block:
    line: int
    lines: list[str]


@dataclass(slots=True)
class _RawCue:
    number: int
    line: int
    start: str  # as written
    end: str
    text: list[str]


def read_cues(
    source: Source,
    lines: Sequence[str],
    *,
    first_line: int,
    srt: bool,
    skip_block: Callable[[Sequence[str]], bool] = lambda _: False,
) -> Iterator[Cue | Problem]:
    """Read the cues of a caption file, and a problem per malformed cue.

    Args:
        source: the file, for problem reports.
        lines: the file's lines after its header, without line endings.
        first_line: the 1-based line number of ``lines[0]``.
        srt: SRT timing (``00:00:01,500``, comma or dot) instead of WebVTT.
        skip_block: true for blocks that are not cues and must not continue one
            (WebVTT ``NOTE``, ``STYLE`` and ``REGION`` blocks).
    """
    example = "00:01:02,500 --> 00:01:04,000" if srt else "00:01:02.500 --> 00:01:04.000"
    number = 0
    pending: _RawCue | None = None
    for block in _blocks(lines, first_line):
        timing_at = _timing_index(block.lines)
        if timing_at is None:
            if skip_block(block.lines) or (len(block.lines) == 1 and _INDEX.match(block.lines[0])):
                continue  # not a cue, or a lone cue number whose timings follow a blank line
            if pending is not None and not _INDEX.match(block.lines[0]):
                pending.text.extend(block.lines)  # text after a blank line inside a cue
                continue
            if pending is not None:
                yield _finish(source, pending, srt, example)
                pending = None
            number += 1
            text = next((ln for ln in block.lines if not _INDEX.match(ln)), block.lines[0])
            yield source.problem(
                f"cue {number}, line {block.line}",
                f"the cue {text.strip()[:40]!r} has no timing line",
                f"add a line such as {example} after the cue's number, or remove the block",
                block.line,
            )
            continue
        if pending is not None:
            yield _finish(source, pending, srt, example)
        number += 1
        line = block.line + timing_at
        timing = block.lines[timing_at]
        match = _TIMING.match(timing)
        if match is None:
            pending = None
            yield source.problem(
                f"cue {number}, line {line}",
                f"the timing line {timing.strip()[:60]!r} cannot be read",
                f"write it as {example}",
                line,
            )
            continue
        pending = _RawCue(
            number, line, match.group(1), match.group(2), block.lines[timing_at + 1 :]
        )
    if pending is not None:
        yield _finish(source, pending, srt, example)


def _finish(source: Source, raw: _RawCue, srt: bool, example: str) -> Cue | Problem:
    where, line = f"cue {raw.number}, line {raw.line}", raw.line
    start, end = raw.start, raw.end
    if srt:
        start, end = start.replace(",", "."), end.replace(",", ".")
    try:
        caption = webvtt.Caption(start, end, raw.text)
    except MalformedCaptionError:
        return source.problem(
            where,
            f"the times {raw.start} --> {raw.end} are not valid",
            f"write them as {example} (minutes and seconds below 60)",
            line,
        )
    start_s, end_s = _clock_seconds(caption.start), _clock_seconds(caption.end)
    if end_s < start_s:
        return source.problem(
            where, f"it ends ({raw.end}) before it starts ({raw.start})", "fix its end time", line
        )
    lines = tuple(
        (voice, text)
        for run in _voice_runs(raw.text)
        for voice, text in _voice_lines(start, end, run, srt)
        if text
    )
    if not lines:
        return source.problem(where, "the cue has no text", "add its text or remove the cue", line)
    return Cue(raw.number, line, start_s, end_s, lines)


def segments_from_cues(cues: Sequence[Cue]) -> list[Segment]:
    """Speaker segments of cues: rolling repeats dropped, then voices, then speaker lines."""
    cues = _unrolled(cues) if _is_rolling(cues) else list(cues)
    untagged = [cue.lines[0][1] for cue in cues if all(voice is None for voice, _ in cue.lines)]
    rule = _speaker_rule(untagged)
    segments = []
    for cue in cues:
        for speaker, text in _parts(cue, rule):
            if text:
                segments.append(Segment(speaker, cue.start_s, cue.end_s, text))
    return segments


@dataclass(frozen=True, slots=True)
class _SpeakerLines:
    """How the untagged lines of one file name their speaker.

    Attributes:
        paren: ``(Name)`` lines (Google Meet style) instead of ``Name:`` prefixes.
        known: the ``Name:`` labels that open a cue; inside a cue only these, or a
            label after a dialogue dash (``- Lars: no``), start another speaker, so
            that "Tip: ..." on a cue's second line stays text.
    """

    paren: bool
    known: frozenset[str] = frozenset()

    def split(self, line: str, *, first: bool) -> tuple[str | None, str]:
        """The line's speaker (or ``None``) and the rest of it."""
        if self.paren:
            return _split_paren(line)
        label, rest = _split_prefix(line)
        if label is None:
            return None, line
        if first or label.casefold() in self.known or _DIALOGUE_DASH.match(line):
            return label, rest
        return None, line


def _speaker_rule(untagged_first_lines: Sequence[str]) -> _SpeakerLines | None:
    """How untagged lines name their speaker in this file, or ``None`` when they do not."""
    if not untagged_first_lines:
        return None
    if _split_paren(untagged_first_lines[0])[0] is not None:
        return _SpeakerLines(paren=True)
    if _split_prefix(untagged_first_lines[0])[0] is None:
        return None
    prefixed = [label for label, _ in map(_split_prefix, untagged_first_lines) if label]
    if len(prefixed) * 2 < len(untagged_first_lines):
        return None
    return _SpeakerLines(paren=False, known=frozenset(label.casefold() for label in prefixed))


def _parts(cue: Cue, rule: _SpeakerLines | None) -> list[tuple[str | None, str]]:
    """``(speaker, text)`` per speaker of one cue: voice spans, or speaker lines."""
    parts: list[tuple[str | None, list[str]]] = []
    for index, (voice, line) in enumerate(cue.lines):
        speaker, text = voice, line
        if voice is None and rule is not None:
            speaker, text = rule.split(line, first=index == 0)
        text = _DIALOGUE_DASH.sub("", text)
        if not parts or (speaker is not None and speaker != parts[-1][0]):
            parts.append((speaker, [text] if text else []))
        elif text:
            parts[-1][1].append(text)
    return [(speaker, normalize_text(" ".join(texts))) for speaker, texts in parts]


def _split_prefix(text: str) -> tuple[str | None, str]:
    match = _PREFIX.match(text)
    if match is None:
        return None, text
    label = match.group(1).strip()
    if len(label.split()) > _MAX_PREFIX_WORDS:
        return None, text
    return label, text[match.end() :].strip()


def _split_paren(text: str) -> tuple[str | None, str]:
    """``(Dana Reyes) Hi`` or a line ``(Dana Reyes)``: a speaker line, Google Meet style."""
    match = _PAREN.match(text)
    if match is None:
        return None, text
    label = match.group(1).strip()
    if len(label.split()) > _MAX_PREFIX_WORDS or label.casefold() in _SOUNDS:
        return None, text
    return label, text[match.end() :].strip()


def _is_rolling(cues: Sequence[Cue]) -> bool:
    """True for youtube-dl style rolling captions: cues repeat the line shown before them.

    Each cue of such a file shows the line before (which scrolls up) above the new
    one. A file is taken as rolling when it has no voice tags, at least two cues (and
    a third of them) start with the last line of the cue before, one of them has two or
    more lines and one repeats a line of at least :data:`_ROLLING_WORDS` words: people
    repeat a short "Okay." on a call, not whole caption lines.
    """
    if any(voice is not None for cue in cues for voice, _ in cue.lines):
        return False
    repeats = [cue for before, cue in itertools.pairwise(cues) if cue.lines[0] == before.lines[-1]]
    return (
        len(repeats) >= 2
        and len(repeats) * 3 >= len(cues) - 1
        and any(len(cue.lines) > 1 for cue in repeats)
        and any(len(cue.lines[0][1].split()) >= _ROLLING_WORDS for cue in repeats)
    )


def _unrolled(cues: Sequence[Cue]) -> list[Cue]:
    """The cues without the lines they repeat from the cue before (cues left empty go)."""
    kept: list[Cue] = []
    before: tuple[tuple[str | None, str], ...] = ()
    for cue in cues:
        lines = cue.lines
        overlap = next(
            (k for k in range(min(len(before), len(lines)), 0, -1) if before[-k:] == lines[:k]),
            0,
        )
        if overlap < len(lines):
            kept.append(replace(cue, lines=lines[overlap:]))
        before = lines
    return kept


def _blocks(lines: Sequence[str], first_line: int) -> Iterator[_Block]:
    block: _Block | None = None
    for offset, line in enumerate(lines):
        number = first_line + offset
        if not line.strip():
            if block is not None:
                yield block
            block = None
            continue
        if block is not None and "-->" in line and _starts_new_cue(block.lines):
            carried: list[str] = []
            if len(block.lines) > 1 and _INDEX.match(block.lines[-1]):
                carried = [block.lines.pop()]  # a cue number written without a blank line
            yield block
            block = _Block(number - len(carried), carried)
        if block is None:
            block = _Block(number, [])
        block.lines.append(line)
    if block is not None:
        yield block


def _starts_new_cue(block_lines: Sequence[str]) -> bool:
    return len(block_lines) > 1 or "-->" in block_lines[0]


def _timing_index(block_lines: Sequence[str]) -> int | None:
    if "-->" in block_lines[0]:
        return 0
    if len(block_lines) > 1 and "-->" in block_lines[1]:
        return 1
    return None


def _voice_runs(text: Sequence[str]) -> list[list[str]]:
    runs: list[list[str]] = []
    for line in text:
        if not runs or _VOICE.match(line):
            runs.append([line])
        else:
            runs[-1].append(line)
    return runs


def _voice_lines(start: str, end: str, run: list[str], srt: bool) -> list[tuple[str | None, str]]:
    """``(voice, text)`` per line of one voice span: tags removed, entities decoded."""
    caption = webvtt.Caption(start, end, [line.lstrip() for line in run])
    voice = caption.voice
    speaker = normalize_text(unescape_entities(voice)) if isinstance(voice, str) else None
    lines = []
    for line in caption.text.split("\n"):
        if srt:
            line = _ASS_TAG.sub("", line)
        lines.append((speaker or None, normalize_text(unescape_entities(line))))
    return lines


def _clock_seconds(clock: str) -> float:
    """Seconds of webvtt-py's ``HH:MM:SS.mmm`` (its ``*_in_seconds`` drop the milliseconds)."""
    hours, minutes, rest = clock.split(":")
    seconds, millis = rest.split(".")
    total_ms = ((int(hours) * 60 + int(minutes)) * 60 + int(seconds)) * 1000 + int(millis)
    return total_ms / 1000
