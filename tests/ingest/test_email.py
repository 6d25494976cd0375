"""Tests for the email importer (.eml files and mbox mailboxes)."""

from __future__ import annotations

import itertools
import tempfile
from pathlib import Path
from unicodedata import normalize

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from servicecoach.errors import InvalidFileError
from servicecoach.ingest.base import HEAD_BYTES, ImportOptions, Source
from servicecoach.ingest.email import EmailImporter
from servicecoach.model.conversation import Channel, Conversation, Role
from servicecoach.testing import read_all

SAMPLES = Path(__file__).parents[2] / "src" / "servicecoach" / "samples"
SAMPLE_DIR = SAMPLES / "email"
SAMPLE_PATHS = sorted(SAMPLE_DIR.iterdir())
DATA = Path(__file__).parents[1] / "data" / "email"
IMPORTER = EmailImporter()
NORTHWIND = ImportOptions(support_addresses=("northwind.example",))
DANA_THREAD = "email-CAF8dRy7x2Qm4@mail.example.com"
OMAR_THREAD = "email-20240507093152.4411@example.net"
MEI_THREAD = "email-b71c0e2a-6f1d-4e55-9d7a-3c0a1f2e8b14@example.org"


def _eml(
    sender: str,
    body: str,
    *,
    message_id: str | None = None,
    date: str | None = "Mon, 6 May 2024 08:00:00 +0000",
    subject: str = "Question",
    in_reply_to: str | None = None,
    references: str | None = None,
) -> str:
    lines = [f"From: {sender}", "To: help@northwind.example", f"Subject: {subject}"]
    if date is not None:
        lines.append(f"Date: {date}")
    if message_id is not None:
        lines.append(f"Message-ID: <{message_id}>")
    if in_reply_to is not None:
        lines.append(f"In-Reply-To: <{in_reply_to}>")
    if references is not None:
        lines.append(f"References: {references}")
    return "\n".join([*lines, "", body, ""])


def _mbox(*messages: str) -> str:
    return "".join(f"From sender@example.com Mon May  6 08:00:00 2024\n{m}\n" for m in messages)


def _write(directory: Path, name: str, text: str | bytes) -> Path:
    path = directory / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def _by_id(conversations: list[Conversation]) -> dict[str, Conversation]:
    return {c.id: c for c in conversations}


def test_email_sample_threads_span_mbox_and_eml() -> None:
    conversations, problems = read_all(IMPORTER, SAMPLE_PATHS, NORTHWIND)
    assert problems == []
    assert [c.id for c in conversations] == [DANA_THREAD, OMAR_THREAD, MEI_THREAD]
    assert {c.channel for c in conversations} == {Channel.EMAIL}
    assert {c.public for c in conversations} == {False}
    assert {c.source for c in conversations} == {"email"}
    dana, omar, mei = conversations
    assert [m.role for m in dana] == [Role.CUSTOMER, Role.AGENT, Role.CUSTOMER, Role.AGENT]
    assert [m.author for m in dana] == ["Dana Reyes", "Sam Ortiz", "Dana Reyes", "Priya Nair"]
    assert dana.customer.email == "dana.reyes@example.com"
    assert dana.customer.name == "Dana Reyes"
    assert omar.customer.email == "omar.haddad@example.net"
    assert mei.customer.name == "Mei Lin"
    assert dana.meta["subject"] == "Tent arrived with a snapped pole"
    assert omar.meta["subject"] == "Refund for my jacket – wrong size 😕"
    assert dana.messages[2].meta["attachments"] == ["pole.jpg"]
    assert all(m.at is not None and m.at.utcoffset() is not None for c in conversations for m in c)


def test_email_sample_texts_are_trimmed_and_converted() -> None:
    conversations, _ = read_all(IMPORTER, SAMPLE_PATHS, NORTHWIND)
    dana, omar, _mei = conversations
    sam_reply = dana.messages[1].text
    assert sam_reply.endswith("we'll look into it.")  # signature and quote are gone
    assert "wrote:" not in dana.messages[2].text
    assert "£189" in omar.messages[0].text  # quoted-printable UTF-8
    html_only = omar.messages[1].text
    assert html_only.startswith("Hi Omar,\n\nI'm sorry you've been left waiting –")
    assert "<p>" not in html_only
    assert "🙂" in omar.messages[2].text


@pytest.mark.parametrize("order", list(itertools.permutations(range(4)))[::5])
def test_email_threads_do_not_depend_on_file_order(order: tuple[int, ...]) -> None:
    paths = [SAMPLE_PATHS[i] for i in order]
    conversations, _ = read_all(IMPORTER, paths, NORTHWIND)
    threads = _by_id(conversations)
    assert sorted(threads) == sorted([DANA_THREAD, OMAR_THREAD, MEI_THREAD])
    assert [len(threads[t]) for t in (DANA_THREAD, OMAR_THREAD, MEI_THREAD)] == [4, 3, 2]
    assert threads[DANA_THREAD].messages[0].author == "Dana Reyes"


@pytest.mark.parametrize(
    ("names", "expected"),
    [
        (["dana-reply.eml"], {DANA_THREAD: 1}),
        (["priya-followup.eml"], {DANA_THREAD: 1}),
        (["dana-reply.eml", "priya-followup.eml"], {DANA_THREAD: 2}),
        (["omar-thanks.eml"], {OMAR_THREAD: 1}),
        (["support.mbox"], {DANA_THREAD: 2, OMAR_THREAD: 2, MEI_THREAD: 2}),
    ],
)
def test_email_thread_ids_are_stable_across_partial_exports(
    names: list[str], expected: dict[str, int]
) -> None:
    conversations, _ = read_all(IMPORTER, [SAMPLE_DIR / n for n in names], NORTHWIND)
    assert {c.id: len(c) for c in conversations} == expected


def test_email_duplicate_messages_keep_one_copy(tmp_path: Path) -> None:
    first = _eml("Dana Reyes <dana.reyes@example.com>", "Old copy", message_id="dup@x")
    second = _eml("Dana Reyes <dana.reyes@example.com>", "New copy", message_id="dup@x")
    paths = [_write(tmp_path, "a.eml", first), _write(tmp_path, "b.eml", second)]
    paths += [SAMPLE_DIR / "dana-reply.eml", SAMPLE_DIR / "dana-reply.eml"]
    conversations, problems = read_all(IMPORTER, paths)
    assert problems == []
    threads = _by_id(conversations)
    assert [m.text for m in threads["email-dup@x"]] == ["New copy"]
    assert len(threads[DANA_THREAD]) == 1


def test_email_out_of_order_delivery_is_sorted(tmp_path: Path) -> None:
    root = _eml(
        "Mei Lin <mei.lin@example.org>",
        "My stove won't light.",
        message_id="root@x",
        date="Thu, 9 May 2024 08:00:00 +0000",
    )
    reply = _eml(
        "Sam Ortiz <sam@northwind.example>",
        "Is the canister threaded all the way?",
        message_id="reply@x",
        date="Thu, 9 May 2024 10:30:00 +0200",  # 08:30 UTC
        in_reply_to="root@x",
        references="<root@x>",
    )
    answer = _eml(
        "Mei Lin <mei.lin@example.org>",
        "That was it, thanks!",
        message_id="answer@x",
        date="Thu, 9 May 2024 04:45:00 -0400",  # 08:45 UTC
        in_reply_to="reply@x",
    )
    path = _write(tmp_path, "box.mbox", _mbox(answer, reply, root))
    [thread], problems = read_all(IMPORTER, [path])
    assert problems == []
    assert thread.id == "email-root@x"
    assert [m.id for m in thread] == ["root@x", "reply@x", "answer@x"]
    assert [m.role for m in thread] == [Role.CUSTOMER, Role.AGENT, Role.CUSTOMER]


def test_email_siblings_of_a_missing_root_share_a_thread(tmp_path: Path) -> None:
    one = _eml("a@example.com", "One", message_id="one@x", references="<gone@x>")
    two = _eml("b@northwind.example", "Two", message_id="two@x", references="<gone@x> <one@x>")
    paths = [_write(tmp_path, "1.eml", one), _write(tmp_path, "2.eml", two)]
    [thread], _ = read_all(IMPORTER, paths)
    assert thread.id == "email-gone@x"
    assert len(thread) == 2


@pytest.mark.parametrize(
    ("support", "roles"),
    [
        (("help@northwind.example",), [Role.CUSTOMER, Role.AGENT, Role.CUSTOMER]),
        (("northwind.example",), [Role.CUSTOMER, Role.AGENT, Role.AGENT]),
        (
            ("HELP@Northwind.Example", "priya@northwind.example"),
            [Role.CUSTOMER, Role.AGENT, Role.CUSTOMER],
        ),
        ((), [Role.CUSTOMER, Role.AGENT, Role.AGENT]),
    ],
)
def test_email_support_addresses_and_domains(
    tmp_path: Path, support: tuple[str, ...], roles: list[Role]
) -> None:
    messages = [
        _eml("Dana Reyes <dana.reyes@example.com>", "Where is my order?", message_id="q@x"),
        _eml(
            "Northwind <help@northwind.example>",
            "Checking.",
            message_id="a1@x",
            date="Mon, 6 May 2024 09:00:00 +0000",
            references="<q@x>",
        ),
        _eml(
            "Sam Ortiz <sam.ortiz@northwind.example>",
            "It ships today.",
            message_id="a2@x",
            date="Mon, 6 May 2024 10:00:00 +0000",
            references="<q@x> <a1@x>",
        ),
    ]
    path = _write(tmp_path, "box.mbox", _mbox(*messages))
    [thread], _ = read_all(IMPORTER, [path], ImportOptions(support_addresses=support))
    assert [m.role for m in thread] == roles
    assert thread.customer.email == "dana.reyes@example.com"


def test_email_fallback_takes_the_first_sender_as_customer(tmp_path: Path) -> None:
    outbound = _eml("Priya Nair <priya@northwind.example>", "Your order shipped.", message_id="o@x")
    answer = _eml(
        "Omar Haddad <omar.haddad@example.net>",
        "Thanks!",
        message_id="r@x",
        date="Mon, 6 May 2024 09:00:00 +0000",
        references="<o@x>",
    )
    path = _write(tmp_path, "box.mbox", _mbox(outbound, answer))
    [guessed], _ = read_all(IMPORTER, [path])
    assert [m.role for m in guessed] == [Role.CUSTOMER, Role.AGENT]  # the documented guess
    assert guessed.customer.email == "priya@northwind.example"
    [configured], _ = read_all(IMPORTER, [path], NORTHWIND)
    assert [m.role for m in configured] == [Role.AGENT, Role.CUSTOMER]
    assert configured.customer.email == "omar.haddad@example.net"


def test_email_agent_only_thread_takes_the_recipient_as_customer(tmp_path: Path) -> None:
    text = _eml("Sam Ortiz <help@northwind.example>", "Your return label.", message_id="s@x")
    text = text.replace("To: help@northwind.example", "To: Mei Lin <mei.lin@example.org>")
    [thread], _ = read_all(IMPORTER, [_write(tmp_path, "s.eml", text)], NORTHWIND)
    assert thread.customer.email == "mei.lin@example.org"
    assert thread.customer.name == "Mei Lin"
    assert [m.role for m in thread] == [Role.AGENT]


@pytest.mark.parametrize(
    ("name", "text", "decoded_as", "author", "subject"),
    [
        (
            "bad-charset.eml",
            "My order of trail mix is missing the dried mango 🥭. Can you send it?",
            "utf-8",
            "Mei Lin",
            "Hello about my order",
        ),
        (
            "wrong-charset.eml",
            "The enamel café mug I ordered arrived with a chip on the rim. Could you replace it?",
            "cp1252",
            "René Dubois",
            "Café mug arrived chipped",
        ),
    ],
)
def test_email_charset_trouble_is_decoded(
    name: str, text: str, decoded_as: str, author: str, subject: str
) -> None:
    [thread], problems = read_all(IMPORTER, [DATA / name])
    assert problems == []
    [message] = thread.messages
    assert message.text == text
    assert message.meta["decoded_as"] == decoded_as
    assert message.author == author
    assert thread.meta["subject"] == subject


def test_email_multipart_prefers_plain_text(tmp_path: Path) -> None:
    text = """From: Mei Lin <mei.lin@example.org>
Subject: Sizes
Message-ID: <alt@x>
MIME-Version: 1.0
Content-Type: multipart/alternative; boundary="b"

--b
Content-Type: text/plain; charset=utf-8

Plain version
--b
Content-Type: text/html; charset=utf-8

<p>HTML version</p>
--b--
"""
    [thread], _ = read_all(IMPORTER, [_write(tmp_path, "alt.eml", text)])
    assert thread.messages[0].text == "Plain version"


def test_email_not_an_email_is_a_problem_and_the_rest_is_read() -> None:
    paths = [DATA / "not-an-email.eml", SAMPLE_DIR / "omar-thanks.eml"]
    conversations, problems = read_all(IMPORTER, paths)
    [problem] = problems
    assert problem.path == DATA / "not-an-email.eml"
    assert "not an email" in problem.message
    assert problem.fix
    assert [c.id for c in conversations] == [OMAR_THREAD]


def test_email_broken_mbox_message_is_a_problem() -> None:
    conversations, problems = read_all(IMPORTER, [DATA / "broken.mbox"])
    assert [p.location for p in problems] == ["message 2"]
    [thread] = conversations
    assert [m.role for m in thread] == [Role.CUSTOMER, Role.AGENT]


def test_email_empty_files(tmp_path: Path) -> None:
    empty_eml = _write(tmp_path, "empty.eml", "")
    empty_mbox = _write(tmp_path, "empty.mbox", "\n")
    conversations, problems = read_all(IMPORTER, [empty_eml, empty_mbox])
    assert conversations == []
    assert [(p.path, p.message) for p in problems] == [(empty_eml, "the file is empty")]


def test_email_unreadable_date_is_a_problem_and_the_rest_is_read() -> None:
    paths = [DATA / "bad-date.eml", SAMPLE_DIR / "omar-thanks.eml"]
    conversations, [problem] = read_all(IMPORTER, paths)
    assert [c.id for c in conversations] == [OMAR_THREAD]
    assert problem.path == DATA / "bad-date.eml"
    assert problem.location == "Message-ID <bad-date-1@example.net>"
    assert problem.message == "'Date' is not a date: 'sometime last week'"
    assert problem.fix == "expected an RFC 5322 date such as Tue, 01 May 2024 09:12:00 +0000"


@pytest.mark.parametrize(
    ("message_id", "location"),
    [("late@x", "message 2 (Message-ID <late@x>)"), (None, "message 2")],
)
def test_email_unreadable_date_in_a_mailbox(
    tmp_path: Path, message_id: str | None, location: str
) -> None:
    good = _eml("a@example.com", "First", message_id="first@x")
    bad = _eml("a@example.com", "Second", message_id=message_id, date="yesterday")
    mbox = _mbox(good, bad)
    conversations, [problem] = read_all(IMPORTER, [_write(tmp_path, "box.mbox", mbox)])
    assert [m.text for c in conversations for m in c] == ["First"]
    assert (problem.location, problem.message) == (location, "'Date' is not a date: 'yesterday'")


@pytest.mark.parametrize(
    "date", ["Fri, 31 Dec 9999 23:59:59 -1400", "Fri, 31 Dec 9999 20:00:00 -0500"]
)
def test_email_date_out_of_range_in_utc_is_a_problem(tmp_path: Path, date: str) -> None:
    good = _eml("a@example.com", "First", message_id="first@x")
    late = _eml("a@example.com", "Second", message_id="late@x", date=date)
    mbox = _mbox(good, late)
    conversations, [problem] = read_all(IMPORTER, [_write(tmp_path, "box.mbox", mbox)])
    assert [m.text for c in conversations for m in c] == ["First"]
    assert problem.location == "message 2 (Message-ID <late@x>)"
    assert problem.message == f"'Date' is out of range: {date!r}"
    assert problem.fix == "in UTC the time must fall in the years 1 to 9999"


def test_email_message_ids_are_global() -> None:
    assert IMPORTER.message_ids_are_global is True


def test_email_missing_message_id_gets_a_stable_id() -> None:
    [first], _ = read_all(IMPORTER, [DATA / "no-message-id.eml"])
    [again], _ = read_all(IMPORTER, [DATA / "no-message-id.eml"])
    assert first.id == again.id
    assert first.id.startswith("email-nomid-")
    assert first.messages[0].id == first.id.removeprefix("email-")


@pytest.mark.parametrize(
    ("date", "iso", "meta"),
    [
        ("Wed, 8 May 2024 10:00:00 +0200", "2024-05-08T10:00:00+02:00", {}),
        ("Wed, 8 May 2024 10:00:00 -0000", "2024-05-08T10:00:00+00:00", {"date_assumed_utc": True}),
        (None, None, {}),
        ("", None, {}),
    ],
)
def test_email_dates(
    tmp_path: Path, date: str | None, iso: str | None, meta: dict[str, object]
) -> None:
    text = _eml("a@example.com", "Hi", message_id="d@x", date=date)
    [thread], _ = read_all(IMPORTER, [_write(tmp_path, "d.eml", text)])
    [message] = thread.messages
    assert (message.at.isoformat() if message.at else None) == iso
    assert {k: v for k, v in message.meta.items() if k != "from"} == meta


@pytest.mark.parametrize(
    ("subject", "expected"),
    [
        ("Re: Tent", "Tent"),
        ("RE: Fwd: Re[2]: Tent", "Tent"),
        ("AW: WG: Zelt", "Zelt"),
        ("Fw: =?utf-8?q?Caf=C3=A9?=", "Café"),
        ("Regarding the tent", "Regarding the tent"),
        ("Re:", "Re:"),
    ],
)
def test_email_subject_prefixes_are_stripped(tmp_path: Path, subject: str, expected: str) -> None:
    text = _eml("a@example.com", "Hi", message_id="s@x", subject=subject)
    [thread], _ = read_all(IMPORTER, [_write(tmp_path, "s.eml", text)])
    assert thread.meta["subject"] == expected


def test_email_mbox_reports_progress() -> None:
    source = Source(SAMPLE_DIR / "support.mbox")
    list(IMPORTER.read([source], NORTHWIND))
    assert source.bytes_read == source.size


@pytest.mark.parametrize(
    ("name", "minimum"),
    [("support.mbox", 100), ("dana-reply.eml", 100), ("omar-thanks.eml", 100)],
)
def test_email_detects_its_samples(name: str, minimum: int) -> None:
    path = SAMPLE_DIR / name
    assert IMPORTER.detect(path, path.read_bytes()[:HEAD_BYTES]) >= minimum


def test_email_detects_headers_without_extension(tmp_path: Path) -> None:
    head = (SAMPLE_DIR / "dana-reply.eml").read_bytes()
    assert IMPORTER.detect(tmp_path / "message", head) == 70
    mbox = (SAMPLE_DIR / "support.mbox").read_bytes()
    assert IMPORTER.detect(tmp_path / "Inbox", mbox) == 90
    assert IMPORTER.detect(tmp_path / "notes.eml", b"just some notes") == 20
    assert IMPORTER.detect(tmp_path / "notes.txt", b"From my experience, tents leak.\n") == 0
    assert IMPORTER.detect(tmp_path / "call.txt", b"Agent: hello\nCustomer: hi\n\nbye") == 0


def test_email_detect_rejects_other_formats() -> None:
    others = [p for p in SAMPLES.rglob("*") if p.is_file() and "email" not in p.parts]
    for path in others:
        assert IMPORTER.detect(path, path.read_bytes()[:HEAD_BYTES]) == 0, path


@settings(max_examples=60, deadline=None)
@given(data=st.binary(max_size=400), mbox=st.booleans())
def test_email_arbitrary_bytes_never_raise_raw_errors(data: bytes, mbox: bool) -> None:
    with tempfile.TemporaryDirectory() as directory:
        content = b"From x@example.com Mon May  6 08:00:00 2024\n" + data if mbox else data
        path = _write(Path(directory), "x.mbox" if mbox else "x.eml", content)
        try:
            conversations, _ = read_all(IMPORTER, [path])
        except InvalidFileError:
            return
    assert all(c.channel is Channel.EMAIL for c in conversations)


_header_text = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=60
)


@settings(max_examples=60, deadline=None)
@given(
    subject=_header_text,
    sender=_header_text,
    date=_header_text,
    body=st.text(max_size=200),
)
def test_email_arbitrary_headers_never_raise_raw_errors(
    subject: str, sender: str, date: str, body: str
) -> None:
    text = f"From: {sender}\nSubject: {subject}\nDate: {date}\n\n{body}"
    with tempfile.TemporaryDirectory() as directory:
        path = _write(Path(directory), "x.eml", text.encode("utf-8", "surrogatepass"))
        conversations, problems = read_all(IMPORTER, [path])
    assert len(conversations) + len(problems) == 1


_words = st.text(
    alphabet=st.characters(codec="utf-8", categories=("L", "N", "So")), min_size=1, max_size=12
)


@settings(max_examples=30, deadline=None)
@given(bodies=st.lists(st.lists(_words, min_size=1, max_size=6), min_size=1, max_size=6))
def test_email_generated_threads_round_trip(bodies: list[list[str]]) -> None:
    messages = []
    for index, words in enumerate(bodies):
        sender = "help@northwind.example" if index % 2 else "dana.reyes@example.com"
        refs = " ".join(f"<m{i}@x>" for i in range(index)) or None
        messages.append(
            _eml(
                sender,
                " ".join(words),
                message_id=f"m{index}@x",
                date=f"Mon, 6 May 2024 08:{index:02d}:00 +0000",
                references=refs,
            )
        )
    with tempfile.TemporaryDirectory() as directory:
        path = _write(Path(directory), "box.mbox", _mbox(*reversed(messages)))
        [thread], problems = read_all(IMPORTER, [path], NORTHWIND)
    assert problems == []
    assert thread.id == "email-m0@x"
    assert [m.text for m in thread] == [normalize("NFC", " ".join(w)) for w in bodies]
    assert [m.role for m in thread] == [
        Role.AGENT if i % 2 else Role.CUSTOMER for i in range(len(bodies))
    ]
