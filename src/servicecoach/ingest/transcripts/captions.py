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

Speakers come from WebVTT voice tags (``<v Dana Reyes>Hi``; a cue with several voice
lines becomes one segment per voice) or from a ``Name:`` prefix at the start of a cue
(``Agent: Hello``, ``Dana Reyes: hi``). A prefix is 1-4 words of letters, digits,
``_ . ' -`` starting with a letter, at most 40 characters, then a colon and a space.
Because ordinary speech can look like that ("Note: it ships Monday"), prefixes are read
as speakers only when the file uses them consistently: the first cue without a voice tag
has one, and so do at least half of the cues without a voice tag. Otherwise no prefix is
removed and those cues have no speaker. In a file that uses prefixes, a cue without one
continues the previous speaker.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

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
_PREFIX = re.compile(r"^\s*(?:-\s*)?([^\W\d_][\w.'’ -]{0,39}?)\s*:(?:\s+|$)")
_MAX_PREFIX_WORDS = 4


@dataclass(frozen=True, slots=True)
class Cue:
    """One cue whose times were read.

    Attributes:
        number: its place among the file's cues (1-based).
        line: the line of its timing line.
        start_s: start in seconds.
        end_s: end in seconds.
        parts: ``(voice or None, text)`` per voice span; one part without voice tags.
    """

    number: int
    line: int
    start_s: float
    end_s: float
    parts: tuple[tuple[str | None, str], ...]

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
    voiced = (_voice_and_text(start, end, run, srt) for run in _voice_runs(raw.text))
    parts = tuple((voice, text) for voice, text in voiced if text)
    if not parts:
        return source.problem(where, "the cue has no text", "add its text or remove the cue", line)
    return Cue(raw.number, line, start_s, end_s, parts)


def segments_from_cues(cues: Sequence[Cue]) -> list[Segment]:
    """Speaker segments of cues: voice tags first, then consistent ``Name:`` prefixes."""
    untagged = [cue for cue in cues if all(voice is None for voice, _ in cue.parts)]
    use_prefixes = _prefixes_consistent(untagged)
    segments = []
    for cue in cues:
        for voice, text in cue.parts:
            speaker, said = voice, text
            if voice is None and use_prefixes:
                speaker, said = _split_prefix(text)
            if said:
                segments.append(Segment(speaker, cue.start_s, cue.end_s, said))
    return segments


def _prefixes_consistent(untagged: Sequence[Cue]) -> bool:
    if not untagged or _split_prefix(untagged[0].parts[0][1])[0] is None:
        return False
    prefixed = sum(1 for cue in untagged if _split_prefix(cue.parts[0][1])[0] is not None)
    return prefixed * 2 >= len(untagged)


def _split_prefix(text: str) -> tuple[str | None, str]:
    match = _PREFIX.match(text)
    if match is None:
        return None, text
    label = match.group(1).strip()
    if len(label.split()) > _MAX_PREFIX_WORDS:
        return None, text
    return label, text[match.end() :].strip()


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


def _voice_and_text(start: str, end: str, run: list[str], srt: bool) -> tuple[str | None, str]:
    caption = webvtt.Caption(start, end, [line.lstrip() for line in run])
    voice = caption.voice
    text = caption.text
    if srt:
        text = _ASS_TAG.sub("", text)
    text = normalize_text(unescape_entities(text).replace("\n", " "))
    speaker = normalize_text(voice) if isinstance(voice, str) else None
    return speaker or None, text


def _clock_seconds(clock: str) -> float:
    """Seconds of webvtt-py's ``HH:MM:SS.mmm`` (its ``*_in_seconds`` drop the milliseconds)."""
    hours, minutes, rest = clock.split(":")
    seconds, millis = rest.split(".")
    total_ms = ((int(hours) * 60 + int(minutes)) * 60 + int(seconds)) * 1000 + int(millis)
    return total_ms / 1000
