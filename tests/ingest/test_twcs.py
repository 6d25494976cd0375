"""Tests for the Customer Support on Twitter (TWCS) CSV importer."""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Sequence
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from servicecoach.errors import InvalidFileError
from servicecoach.ingest.base import HEAD_BYTES, ImportOptions, Source
from servicecoach.ingest.twcs import TwcsImporter
from servicecoach.model.conversation import Channel, Conversation, Role
from servicecoach.model.text import normalize_text, unescape_entities
from servicecoach.testing import read_all
from tests.conftest import SAMPLES, TEST_DATA

SAMPLE = SAMPLES / "twcs" / "northwind_tweets.csv"
DATA = TEST_DATA / "twcs"
IMPORTER = TwcsImporter()
HEADER = "tweet_id,author_id,inbound,created_at,text,response_tweet_id,in_response_to_tweet_id\n"
REAL = Path("cs_real") / "twcs_head5000" / "twcs.csv"


def _read(*paths: Path) -> list[Conversation]:
    conversations, problems = read_all(IMPORTER, paths)
    assert problems == []
    return conversations


def _write(directory: Path, text: str, name: str = "twcs.csv") -> Path:
    path = directory / name
    path.write_bytes(text.encode("utf-8"))
    return path


def _row(
    tweet_id: int,
    author: str,
    inbound: bool,
    minute: int,
    text: str,
    replies: str = "",
    parent: str = "",
) -> str:
    out = io.StringIO()
    at = f"Thu May 02 14:{minute:02d}:00 +0000 2024"
    csv.writer(out, lineterminator="\n").writerow(
        [tweet_id, author, inbound, at, text, replies, parent]
    )
    return out.getvalue()


def _pandas_style(plain: Path, target: Path) -> Path:
    """Re-export ``plain`` like pandas: index column, float parent ids, CRLF line ends."""
    with plain.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["", *rows[0]])
    for index, row in enumerate(rows[1:]):
        parent = f"{row[6]}.0" if row[6] else ""
        writer.writerow([index, *row[:6], parent])
    target.write_text(out.getvalue(), encoding="utf-8", newline="")
    return target


def test_twcs_sample_threads() -> None:
    conversations = _read(SAMPLE)
    assert [(c.id, len(c)) for c in conversations] == [
        ("twcs-1001", 5),
        ("twcs-2001", 4),
        ("twcs-2003", 1),
        ("twcs-3001", 4),
        ("twcs-4001", 2),
    ]
    for conversation in conversations:
        assert conversation.source == "twcs"
        assert conversation.channel is Channel.SOCIAL
        assert conversation.public
        assert conversation.meta["brand"] == "NorthwindHelp"
        assert conversation.messages == conversation.chronological()
    dana = conversations[0]
    assert dana.customer.id == "danareyes"
    assert dana.customer.handles == {"twitter": "danareyes"}
    assert [m.role for m in dana] == [Role.CUSTOMER, Role.AGENT] * 2 + [Role.CUSTOMER]
    assert {m.author for m in dana.by_role(Role.AGENT)} == {"NorthwindHelp"}
    assert dana.messages[1].meta == {"in_reply_to": "1001"}
    assert dana.messages[0].meta == {}


def test_twcs_text_is_unescaped_and_normalised() -> None:
    first = _read(SAMPLE)[0].messages[0]
    assert first.text == (
        "@NorthwindHelp My Ridgeline 2 tent arrived today with a snapped pole & a torn rainfly."
        "\nCamping trip is Saturday 😩"
    )
    login = _read(SAMPLE)[3]
    assert login.messages[2].text.endswith("twice already >:(")
    assert login.messages[2].text.startswith('@NorthwindHelp "Session expired"')


def test_twcs_comma_separated_responses_join_the_thread() -> None:
    sizing, chimed_in = _read(SAMPLE)[1:3]
    assert [m.id for m in sizing] == ["2001", "2002", "2004", "2005"]
    assert sizing.customer.id == "trailrunner_jo"
    assert [(m.id, m.author, m.role) for m in chimed_in] == [("2003", "alpine_lu", Role.CUSTOMER)]
    assert chimed_in.meta["thread_id"] == sizing.id


def test_twcs_each_customer_of_a_thread_is_their_own_conversation(tmp_path: Path) -> None:
    rows = (
        _row(1, "danareyes", True, 0, "@NorthwindHelp my tent pole snapped", "2,3"),
        _row(2, "omar_h", True, 1, "@danareyes @NorthwindHelp mine too!", "5", "1"),
        _row(3, "NorthwindHelp", False, 2, "@danareyes sorry Dana, DM us", "4", "1"),
        _row(4, "NorthwindHelp", False, 3, "@danareyes the link: n.example/dm", "", "3"),
        _row(5, "NorthwindHelp", False, 4, "@omar_h sorry Omar, DM us too", "6", "2"),
        _row(6, "omar_h", True, 5, "@NorthwindHelp done", "7", "5"),
        _row(7, "NorthwindHelp", False, 6, "@omar_h got it", "", "6"),
        _row(8, "kayak_kev", True, 7, "@omar_h @danareyes same here", "", "4"),
    )
    dana, omar, kev = _read(_write(tmp_path, HEADER + "".join(rows)))
    assert [(c.id, c.customer.id, [m.id for m in c]) for c in (dana, omar, kev)] == [
        ("twcs-1", "danareyes", ["1", "3", "4"]),
        ("twcs-2", "omar_h", ["2", "5", "6", "7"]),
        ("twcs-8", "kayak_kev", ["8"]),
    ]
    for conversation in (dana, omar, kev):
        assert conversation.customer.handles == {"twitter": conversation.customer.id}
        customers = {m.author for m in conversation.by_role(Role.CUSTOMER)}
        assert customers == {conversation.customer.id}
        assert conversation.meta == {
            "brand": "NorthwindHelp",
            "thread_id": "twcs-1",
            "thread_customers": ["danareyes", "omar_h", "kayak_kev"],
        }
    assert kev.messages[0].meta == {"in_reply_to": "4"}  # the public context is kept


def test_twcs_brand_tweet_that_starts_a_thread_goes_to_whom_it_reached(tmp_path: Path) -> None:
    rows = (
        _row(1, "NorthwindHelp", False, 0, "Our app is down, we're on it", "2,3"),
        _row(2, "NorthwindHelp", False, 1, "@meilin_trails back up now", "4", "1"),
        _row(3, "danareyes", True, 2, "@NorthwindHelp still down here", "5", "1"),
        _row(4, "meilin_trails", True, 3, "@NorthwindHelp thanks!", "", "2"),
        _row(5, "NorthwindHelp", False, 4, "@danareyes try a restart?", "", "3"),
    )
    dana, mei = _read(_write(tmp_path, HEADER + "".join(rows)))
    assert [(c.id, c.customer.id, [m.id for m in c]) for c in (dana, mei)] == [
        ("twcs-1", "danareyes", ["1", "3", "5"]),
        ("twcs-2", "meilin_trails", ["2", "4"]),
    ]


def test_twcs_thread_of_brand_tweets_only_has_no_customer(tmp_path: Path) -> None:
    rows = (
        _row(1, "NorthwindHelp", False, 0, "Spring sale starts now", "2"),
        _row(2, "NorthwindHelp", False, 1, "Free shipping too", "", "1"),
    )
    (thread,) = _read(_write(tmp_path, HEADER + "".join(rows)))
    assert thread.customer.is_empty()
    assert [m.id for m in thread] == ["1", "2"]
    assert thread.meta == {"brand": "NorthwindHelp"}


def test_twcs_rows_out_of_order_are_sorted() -> None:
    login = _read(SAMPLE)[3]
    assert [m.id for m in login] == ["3001", "3002", "3003", "3004"]


def test_twcs_pandas_header_reads_the_same(tmp_path: Path) -> None:
    pandas = _pandas_style(SAMPLE, tmp_path / "pandas.csv")
    assert pandas.read_bytes().startswith(b",tweet_id,author_id")
    assert _read(pandas) == _read(SAMPLE)


def test_twcs_pandas_export_with_bare_carriage_returns() -> None:
    thread, chimed_in = _read(DATA / "pandas_export.csv")
    assert thread.id == "twcs-201"
    assert [m.id for m in thread] == ["201", "202", "203"]
    assert thread.messages[0].text == "@NorthwindHelp my refund\n\nstill hasn't arrived"
    assert thread.messages[1].meta == {"in_reply_to": "201"}
    assert chimed_in.id == "twcs-204"
    assert chimed_in.messages[0].text == "@omar_h same here & no reply for days"


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (3, "'tweet_id' is empty"),
        (4, "'tweet_id' is not a tweet id: 'abc'"),
        (5, "'created_at' is not a date"),
        (6, "the row has 5 columns, expected 7"),
        (7, "'inbound' is not True or False"),
        (9, "'in_response_to_tweet_id' is not a tweet id"),
    ],
)
def test_twcs_bad_rows_are_reported(line: int, message: str) -> None:
    conversations, problems = read_all(IMPORTER, [DATA / "bad_rows.csv"])
    assert [p.line for p in problems] == [3, 4, 5, 6, 7, 9]
    (problem,) = [p for p in problems if p.line == line]
    assert problem.location == f"line {line}"
    assert message in problem.message
    assert problem.fix
    assert [(c.id, [m.id for m in c]) for c in conversations] == [("twcs-101", ["101", "102"])]


def test_twcs_duplicate_ids_keep_the_last_row() -> None:
    (thread,) = _read(DATA / "overlap.csv")
    assert [m.id for m in thread] == ["5001", "5002", "5003", "5004"]
    assert "20,000 mm" in thread.messages[1].text
    assert thread.messages[2].text == "@NorthwindHelp perfect thanks!"


def test_twcs_unreadable_file() -> None:
    with pytest.raises(InvalidFileError, match="not a TWCS header"):
        read_all(IMPORTER, [DATA / "wrong_header.csv"])


@pytest.mark.parametrize(
    ("encoding", "bom"),
    [("cp1252", b""), ("utf-16-le", b"\xff\xfe"), ("utf-16-be", b"\xfe\xff"), ("utf-8", b"")],
)
def test_twcs_any_text_encoding_is_read(tmp_path: Path, encoding: str, bom: bytes) -> None:
    text = HEADER + _row(1, "danareyes", True, 0, "@NorthwindHelp café au lait spilt on my jacket")
    path = tmp_path / "twcs.csv"
    path.write_bytes(bom + text.encode(encoding))
    assert IMPORTER.detect(path, path.read_bytes()[:HEAD_BYTES]) == 100
    (thread,) = _read(path)
    assert thread.messages[0].text == "@NorthwindHelp café au lait spilt on my jacket"


def test_twcs_windows_1252_export_is_read() -> None:
    (thread,) = _read(DATA / "not_utf8.csv")
    assert thread.messages[0].text == "café au lait"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 8, "the file is not text"),
        (
            (HEADER + "1,a,True,Thu May 02 14:03:11 +0000 2024,hi,,\n" * 2000).encode()
            + b"2,a,True,Thu May 02 14:03:11 +0000 2024,caf\xe9,,\n",
            "not valid utf-8 from this point on",
        ),
    ],
)
def test_twcs_bytes_that_are_no_text_are_refused(
    tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "twcs.csv"
    path.write_bytes(content)
    with pytest.raises(InvalidFileError, match=message) as caught:
        read_all(IMPORTER, [path])
    assert caught.value.problem.path == path


def test_twcs_message_ids_are_tweet_ids() -> None:
    assert IMPORTER.message_ids_are_global is True
    [first, *_] = _read(SAMPLES / "twcs" / "northwind_tweets.csv")
    assert all(m.id.isdigit() for m in first)
    assert first.id == f"twcs-{first.messages[0].id}"


def test_twcs_threads_span_files(tmp_path: Path) -> None:
    first = _write(tmp_path, HEADER + _row(1, "danareyes", True, 0, "hi", "2"), "a.csv")
    second = _write(
        tmp_path, HEADER + _row(2, "NorthwindHelp", False, 5, "hello", "", "1"), "b.csv"
    )
    (thread,) = _read(first, second)
    assert [m.id for m in thread] == ["1", "2"]


def test_twcs_root_is_the_earliest_tweet_whose_parent_is_missing(tmp_path: Path) -> None:
    rows = (
        _row(12, "NorthwindHelp", False, 9, "@kayak_kev sorry!", "", "11"),
        _row(11, "kayak_kev", True, 5, "@NorthwindHelp still broken", "12", "10"),
        _row(13, "kayak_kev", True, 7, "@NorthwindHelp also this", "", "10"),
    )
    (thread,) = _read(_write(tmp_path, HEADER + "".join(rows)))
    assert thread.id == "twcs-11"
    assert [m.id for m in thread] == ["11", "13", "12"]
    assert thread.customer.id == "kayak_kev"


def test_twcs_thread_started_by_the_brand(tmp_path: Path) -> None:
    rows = (
        _row(21, "NorthwindHelp", False, 0, "@meilin_trails your order shipped", "22"),
        _row(22, "meilin_trails", True, 3, "@NorthwindHelp thanks!", "", "21"),
    )
    (thread,) = _read(_write(tmp_path, HEADER + "".join(rows)))
    assert thread.id == "twcs-21"
    assert thread.customer.id == "meilin_trails"


def test_twcs_ties_are_ordered_by_tweet_id(tmp_path: Path) -> None:
    rows = (
        _row(32, "NorthwindHelp", False, 0, "b", "", "31"),
        _row(31, "danareyes", True, 0, "a", "32"),
    )
    (thread,) = _read(_write(tmp_path, HEADER + "".join(rows)))
    assert [m.id for m in thread] == ["31", "32"]


def test_twcs_empty_file_yields_nothing(tmp_path: Path) -> None:
    assert read_all(IMPORTER, [_write(tmp_path, "")]) == ([], [])
    assert read_all(IMPORTER, [_write(tmp_path, HEADER, "header.csv")]) == ([], [])


def test_twcs_huge_message(tmp_path: Path) -> None:
    text = "@NorthwindHelp " + "the zip broke again " * 5000
    (thread,) = _read(_write(tmp_path, HEADER + _row(1, "danareyes", True, 0, text)))
    assert thread.messages[0].text == normalize_text(text)


def test_twcs_progress_reaches_the_end() -> None:
    source = Source(SAMPLE)
    items = list(IMPORTER.read([source], ImportOptions()))
    assert len(items) == 5
    assert source.bytes_read == source.size


@pytest.mark.parametrize(
    ("first_line", "score"),
    [
        (HEADER, 100),
        ("," + HEADER, 100),
        ("Unnamed: 0," + HEADER, 100),
        (
            '"tweet_id","author_id","inbound","created_at","text","response_tweet_id",'
            '"in_response_to_tweet_id"\r\n',
            100,
        ),
        ("tweet_id,author_id,text\n", 0),
        (
            "tweet_id,author_id,inbound,created_at,text,response_tweet_id,in_response_to_tweet_id,x\n",
            0,
        ),
        ('{"tickets": []}\n', 0),
        ("", 0),
    ],
)
def test_twcs_detect(tmp_path: Path, first_line: str, score: int) -> None:
    head = (first_line + "1,a,True,x,y,,\n").encode()
    assert IMPORTER.detect(tmp_path / "x.csv", head) == score


def _other_samples() -> list[Path]:
    return sorted(p for p in SAMPLES.rglob("*") if p.is_file() and p.parent.name != "twcs")


@pytest.mark.parametrize("path", _other_samples(), ids=lambda p: p.parent.name + "/" + p.name)
def test_twcs_detect_ignores_other_formats(path: Path) -> None:
    assert IMPORTER.detect(path, path.read_bytes()[:HEAD_BYTES]) == 0


@pytest.mark.shared_data
def test_twcs_reads_the_real_corpus_head(shared_data: Path) -> None:
    path = shared_data / REAL
    if not path.is_file():
        pytest.skip(f"{REAL} is not in the shared data")
    first, problems = read_all(IMPORTER, [path])
    again, _ = read_all(IMPORTER, [path])
    assert problems == []
    counts = (len(first), sum(len(c) for c in first))
    print(f"twcs_head5000: {counts[0]} conversations, {counts[1]} messages")
    assert counts == (len(again), sum(len(c) for c in again))
    # 1,312 threads; the 111 (8.5%) where several customers wrote are split per customer
    assert counts == (1484, 5000)
    assert len({c.meta.get("thread_id", c.id) for c in first}) == 1312
    assert len({c.meta["thread_id"] for c in first if "thread_id" in c.meta}) == 111
    assert [c.id for c in first] == [c.id for c in again]
    assert len({c.id for c in first}) == len(first)
    for conversation in first:
        customers = {m.author for m in conversation.by_role(Role.CUSTOMER)}
        assert customers <= {conversation.customer.id}
        assert conversation.messages == conversation.chronological()
        assert len({m.id for m in conversation}) == len(conversation)
        assert all(m.at is not None and m.at.utcoffset() is not None for m in conversation)


# Property-based tests ---------------------------------------------------------------------

_TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\uffff\x00"),
    max_size=60,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=st.one_of(_TEXT, _TEXT.map(lambda t: HEADER + t), st.binary(max_size=200)))
def test_twcs_fuzz_never_crashes(body: str | bytes) -> None:
    data = body if isinstance(body, bytes) else body.encode("utf-8")
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "fuzz.csv"
        path.write_bytes(data)
        try:
            conversations, _ = read_all(IMPORTER, [path])
        except InvalidFileError:
            return
        for conversation in conversations:
            assert conversation.id.startswith("twcs-")
            assert conversation.messages == conversation.chronological()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(threads=st.lists(st.lists(_TEXT, min_size=1, max_size=4), min_size=1, max_size=4))
def test_twcs_generated_threads_round_trip(threads: Sequence[Sequence[str]]) -> None:
    rows = []
    tweet_id = 0
    for thread in threads:
        parent = ""
        for position, text in enumerate(thread):
            tweet_id += 1
            brand = position % 2 == 1
            author = "NorthwindHelp" if brand else "danareyes"
            replies = str(tweet_id + 1) if position < len(thread) - 1 else ""
            rows.append(_row(tweet_id, author, not brand, position, text, replies, parent))
            parent = str(tweet_id)
    with tempfile.TemporaryDirectory() as directory:
        conversations = _read(_write(Path(directory), HEADER + "".join(rows)))
    assert [len(c) for c in conversations] == [len(t) for t in threads]
    for conversation, thread in zip(conversations, threads, strict=True):
        assert [m.text for m in conversation] == [
            normalize_text(unescape_entities(text)) for text in thread
        ]
