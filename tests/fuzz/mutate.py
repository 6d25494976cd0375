"""Hypothesis strategies that mutate valid inputs into plausible and hostile ones.

Every fuzz test starts from a valid sample and breaks it the way exports, careless
clients and attackers do:

- JSON trees: put a lone surrogate into a string, an out-of-range time in place of a
  time, replace a value with one of the wrong type or a hostile one, delete, duplicate,
  swap or wrap fields;
- lines (CSV, email, captions, JSON Lines): an out-of-range time in place of a time,
  drop, duplicate or swap lines, replace a word with a hostile value;
- bytes: truncate, insert random or invalid UTF-8 bytes, add a BOM, or replace the
  whole file with random bytes.

Most mutations keep the input valid but hostile (a surrogate, a time in year 9999 at
UTC-14), since those reach furthest into an importer; hostile values also include
1 MB strings, JSON nested 100,000 deep and numbers too long to read.
"""

from __future__ import annotations

import copy
import json
import re
from typing import Any

from hypothesis import strategies as st

__all__ = [
    "HOSTILE_TEXTS",
    "hostile_json",
    "mutated_bytes",
    "mutated_json_bytes",
    "mutated_jsonl_bytes",
    "mutated_text_bytes",
]

Draw = st.DrawFn

HUGE = "x" * 1_000_000
"""A 1 MB string, over every per-field limit a reader might have (csv: 128 KiB)."""

# Each shape of time the samples use, with values of that shape that are out of range
# once converted to UTC (or not times at all).
_TIME_SHAPES: tuple[tuple[re.Pattern[str], tuple[str, ...]], ...] = (
    (
        re.compile(r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:?\d\d)?"),
        (
            "9999-12-31T23:59:59-14:00",
            "0001-01-01T00:00:00+14:00",
            "9999-12-31T23:59:59.999999Z",
            "9999-12-31 23:59:59 -1400",
            "0001-01-01T00:00:00",
        ),
    ),
    (
        re.compile(r"\d{4}/\d\d/\d\d \d\d:\d\d:\d\d [+-]\d{4}"),
        ("0001/01/01 00:00:00 +1400", "9999/12/31 23:59:59 -1400"),
    ),
    (
        re.compile(r"[A-Z][a-z]{2} [A-Z][a-z]{2} \d\d \d\d:\d\d:\d\d [+-]\d{4} \d{4}"),
        ("Fri Dec 31 23:59:59 -1400 9999", "Mon Jan 01 00:00:00 +1400 0001"),
    ),
    (
        re.compile(r"(?:[A-Z][a-z]{2}, )?\d{1,2} [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d [+-]\d{4}"),
        ("Fri, 31 Dec 9999 23:59:59 -1400", "Mon, 01 Jan 0001 00:00:00 +1400"),
    ),
    (
        re.compile(r"\d\d:\d\d:\d\d[.,]\d{3}"),
        ("99:99:99.999", "00:00:00.000", "-1:00:00.000", "9999999999:00:00.000"),
    ),
)
_EXTREME_NUMBERS: tuple[object, ...] = (10**20, -1, 1e308, 253402300800, 2**63, 1.5e-300)
"""Unix times (or call offsets) past year 9999, negative, or absurd."""
_TIME_KEYS = re.compile(r"(?:^|_)(?:at|time|timestamp|start|end|start_s|end_s)$")

HOSTILE_TEXTS: tuple[str, ...] = (
    *(value for _, values in _TIME_SHAPES for value in values),
    "",
    " ",
    "\ud800",
    "a\udfffb",
    "\udc80\udcff",
    "\U0001f600\ud83d",
    "\x00",
    "\u202e\ufeff",
    "1e400",
    "NaN",
    "99999999999999999999999",
    "&#xd800;&#0;&#x110000;",
    "<v \ud800>x</v>",
    "<p>" * 2000,
    HUGE,
)

# Raw JSON text that json.dumps cannot write: put in as a marker string, replaced after.
_RAW_MARK = "\x01raw:{}\x01"
_RAW_TOKENS: tuple[str, ...] = (
    "[" * 100_000 + "]" * 100_000,  # nested far deeper than any parser follows
    '{"a":' * 50_000 + "1" + "}" * 50_000,
    "9" * 5000,  # more digits than Python converts by default
    "NaN",
    "-Infinity",
    "1e999",
)

_SCALARS: tuple[object, ...] = (
    None,
    True,
    False,
    0,
    -1,
    2**63,
    -(2**63) - 1,
    1.5,
    -0.0,
    1e308,
    [],
    {},
    [[]],
    [{}],
    {"": None},
    {"id": {}},
    [None, 1, "x"],
)
_TREE_OPS = (
    *["surrogate"] * 3,
    *["time"] * 3,
    "replace",
    "replace",
    "delete",
    "duplicate",
    "swap",
    "wrap",
)


def hostile_json() -> st.SearchStrategy[object]:
    """One hostile JSON value: a wrong type, a hostile string or raw text (deep, huge)."""
    raw = st.sampled_from([_RAW_MARK.format(i) for i in range(len(_RAW_TOKENS))])
    return st.one_of(st.sampled_from(_SCALARS), st.sampled_from(HOSTILE_TEXTS), raw)


def _places(value: object, limit: int = 4000) -> list[tuple[Any, Any]]:
    """``(container, key)`` for every value inside ``value`` (breadth first, bounded)."""
    found: list[tuple[Any, Any]] = []
    queue: list[object] = [value]
    while queue and len(found) < limit:
        node = queue.pop(0)
        if isinstance(node, dict):
            items: list[tuple[Any, Any]] = list(node.items())
        elif isinstance(node, list):
            items = list(enumerate(node))
        else:
            continue
        for key, child in items:
            found.append((node, key))
            queue.append(child)
    return found


def _with_surrogate(draw: Draw, value: str) -> str:
    at = draw(st.integers(0, len(value)))
    return value[:at] + draw(st.sampled_from(["\ud800", "\udfff", "\ud83d"])) + value[at:]


def _with_extreme_time(draw: Draw, text: str) -> str | None:
    """``text`` with one time in it replaced by an out-of-range one of its shape."""
    shapes = [
        (match, values) for pattern, values in _TIME_SHAPES if (match := pattern.search(text))
    ]
    if not shapes:
        return None
    match, values = draw(st.sampled_from(shapes))
    return text[: match.start()] + draw(st.sampled_from(values)) + text[match.end() :]


def _has_time(text: str) -> bool:
    return any(pattern.search(text) for pattern, _ in _TIME_SHAPES)


def _timed(parent: Any, key: Any) -> bool:
    value = parent[key]
    if isinstance(value, str):
        return _has_time(value)
    numeric = isinstance(value, int | float) and not isinstance(value, bool)
    return numeric and isinstance(key, str) and _TIME_KEYS.search(key) is not None


@st.composite
def _mutated_tree(draw: Draw, seed: object) -> object:
    """``seed`` with 1-3 mutations (see the module's docstring)."""
    value = copy.deepcopy(seed)
    for _ in range(draw(st.sampled_from([1, 1, 1, 2, 3]))):
        places = _places(value)
        op = draw(st.sampled_from(_TREE_OPS))
        if op == "surrogate":
            places = [(p, k) for p, k in places if isinstance(p[k], str)]
        elif op == "time":
            places = [(p, k) for p, k in places if _timed(p, k)]
        if not places:
            continue
        parent, key = places[draw(st.integers(0, len(places) - 1))]
        siblings = list(parent) if isinstance(parent, dict) else list(range(len(parent)))
        other = draw(st.sampled_from(siblings))
        if op == "surrogate":
            parent[key] = _with_surrogate(draw, parent[key])
        elif op == "time":
            if isinstance(parent[key], str):
                parent[key] = _with_extreme_time(draw, parent[key])
            else:
                parent[key] = draw(st.sampled_from(_EXTREME_NUMBERS))
        elif op == "replace":
            parent[key] = draw(hostile_json())
        elif op == "delete":
            del parent[key]
        elif op == "duplicate":
            if isinstance(parent, list):
                parent.insert(key, copy.deepcopy(parent[key]))
            else:
                parent[other] = copy.deepcopy(parent[key])
        elif op == "swap":
            parent[key], parent[other] = parent[other], parent[key]
        else:
            parent[key] = draw(st.sampled_from([[parent[key]], {"value": parent[key]}]))
    return value


def _dump(draw: Draw, value: object, *, indent: int | None) -> bytes:
    """JSON bytes: surrogates escaped (valid JSON), or now and then raw (invalid UTF-8)."""
    ascii_only = draw(st.sampled_from([True, True, True, False]))
    text = json.dumps(value, ensure_ascii=ascii_only, indent=indent)
    for number, token in enumerate(_RAW_TOKENS):
        text = text.replace(json.dumps(_RAW_MARK.format(number), ensure_ascii=ascii_only), token)
    return text.encode("utf-8", "surrogatepass")


_BAD_BYTES = (b"\xff", b"\xc3", b"\xed\xa0\x80", b"\x00", b"\xef\xbb\xbf", b"\r", b"\x1a")


@st.composite
def _byte_damage(draw: Draw, data: bytes) -> bytes:
    """Mostly nothing; else truncated, bytes inserted, a BOM added or CRLF line ends."""
    op = draw(st.sampled_from(["none"] * 15 + ["truncate", "insert", "bad", "bom", "crlf"]))
    at = draw(st.integers(0, len(data)))
    if op == "truncate":
        return data[:at]
    if op == "insert":
        return data[:at] + draw(st.binary(min_size=1, max_size=16)) + data[at:]
    if op == "bad":
        return data[:at] + draw(st.sampled_from(_BAD_BYTES)) + data[at:]
    if op == "bom":
        return b"\xef\xbb\xbf" + data
    if op == "crlf":
        return data.replace(b"\n", b"\r\n")
    return data


@st.composite
def _line_ops(draw: Draw, lines: list[bytes]) -> list[bytes]:
    """1-3 line mutations; half of them put an out-of-range time in place of a time."""
    lines = list(lines)
    for _ in range(draw(st.sampled_from([1, 1, 1, 2, 3]))):
        op = draw(st.sampled_from(["time"] * 5 + ["drop", "duplicate", "swap", "word", "insert"]))
        if op == "time":
            texts = [line.decode("utf-8", "surrogateescape") for line in lines]
            timed = [i for i, text in enumerate(texts) if _has_time(text)]
            if timed:
                at = draw(st.sampled_from(timed))
                changed = _with_extreme_time(draw, texts[at])
                assert changed is not None
                lines[at] = changed.encode("utf-8", "surrogateescape")
                continue
            op = "word"
        if not lines:
            break
        at = draw(st.integers(0, len(lines) - 1))
        other = draw(st.integers(0, len(lines) - 1))
        hostile = draw(st.sampled_from(HOSTILE_TEXTS)).encode("utf-8", "surrogatepass")
        if op == "drop":
            del lines[at]
        elif op == "duplicate":
            lines.insert(at, lines[at])
        elif op == "swap":
            lines[at], lines[other] = lines[other], lines[at]
        elif op == "insert":
            lines.insert(at, hostile)
        else:
            words = lines[at].split(b" ")
            words[draw(st.integers(0, len(words) - 1))] = hostile
            lines[at] = b" ".join(words)
    return lines


def mutated_json_bytes(seed: bytes) -> st.SearchStrategy[bytes]:
    """A JSON document's bytes with its tree mutated, then maybe its bytes damaged."""
    value = json.loads(seed)
    indent = 2 if seed.lstrip().startswith((b"{\n", b"[\n")) else None

    @st.composite
    def build(draw: Draw) -> bytes:
        return draw(_byte_damage(_dump(draw, draw(_mutated_tree(value)), indent=indent)))

    return build()


def mutated_jsonl_bytes(seed: bytes) -> st.SearchStrategy[bytes]:
    """JSON Lines bytes: one line's tree mutated, or lines mutated; bytes maybe damaged."""
    values = [json.loads(line) for line in seed.splitlines() if line.strip()]

    @st.composite
    def build(draw: Draw) -> bytes:
        lines = [json.dumps(v, ensure_ascii=False).encode() for v in values]
        if draw(st.integers(0, 3)):
            at = draw(st.integers(0, len(lines) - 1))
            lines[at] = _dump(draw, draw(_mutated_tree(values[at])), indent=None)
        else:
            lines = draw(_line_ops(lines))
        return draw(_byte_damage(b"\n".join(lines) + b"\n"))

    return build()


def mutated_text_bytes(seed: bytes) -> st.SearchStrategy[bytes]:
    """A line-based file (CSV, email, captions) with lines and words mutated, bytes damaged."""
    lines = seed.split(b"\n")

    @st.composite
    def build(draw: Draw) -> bytes:
        return draw(_byte_damage(b"\n".join(draw(_line_ops(lines)))))

    return build()


def mutated_bytes(seed: bytes, kind: str) -> st.SearchStrategy[bytes]:
    """Mutations of ``seed`` for a file of ``kind`` (json, jsonl, text), or random bytes."""
    structured = {
        "json": mutated_json_bytes,
        "jsonl": mutated_jsonl_bytes,
        "text": mutated_text_bytes,
    }[kind](seed)
    return st.one_of(structured, structured, structured, structured, st.binary(max_size=512))
