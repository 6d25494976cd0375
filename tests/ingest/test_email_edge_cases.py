"""Email edge cases: HTML sent as text/plain, wrong charset labels, dates from the future."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from servicecoach.ingest.email import EmailImporter
from servicecoach.model.conversation import Message
from servicecoach.testing import read_all

IMPORTER = EmailImporter()


def _eml(tmp_path: Path, head: str, body: bytes, *, name: str = "m.eml") -> Path:
    headers = (
        "From: Mei Lin <mei.lin@example.org>\nTo: help@northwind.example\n"
        "Subject: Stove\nMessage-ID: <edge@example.org>\n" + head
    )
    path = tmp_path / name
    path.write_bytes(headers.replace("\n", "\r\n").encode("ascii") + b"\r\n" + body)
    return path


def _only_message(path: Path) -> Message:
    [thread], problems = read_all(IMPORTER, [path])
    assert problems == []
    [message] = thread.messages
    return message


def test_email_html_in_a_plain_text_part_is_converted(tmp_path: Path) -> None:
    body = (
        b"<html><body><p>My stove <b>won't</b> light.</p>"
        b"<p>I tried:</p><ul><li>a new canister</li><li>cleaning the jet</li></ul>"
        b"</body></html>\r\n"
    )
    head = "Date: Thu, 9 May 2024 08:00:00 +0000\nContent-Type: text/plain; charset=utf-8\n"
    message = _only_message(_eml(tmp_path, head, body))
    assert (
        message.text == "My stove won't light.\n\nI tried:\n\n* a new canister\n* cleaning the jet"
    )
    assert message.meta["html_in_plain"] is True


@pytest.mark.parametrize(
    "text",
    [
        "Use <b> for bold, the docs say.",  # one tag in a sentence is text
        "<3 thanks for the quick help!",
    ],
)
def test_email_plain_text_that_mentions_tags_stays_text(tmp_path: Path, text: str) -> None:
    head = "Date: Thu, 9 May 2024 08:00:00 +0000\nContent-Type: text/plain; charset=utf-8\n"
    message = _only_message(_eml(tmp_path, head, text.encode() + b"\r\n"))
    assert message.text == text
    assert "html_in_plain" not in message.meta


@pytest.mark.parametrize("label", ["ISO-8859-1", "windows-1252", "latin1", "us-ascii"])
def test_email_utf8_labelled_as_a_one_byte_charset_is_utf8(tmp_path: Path, label: str) -> None:
    text = "The crème brûlée set arrived – two ramekins are cracked. 😕"
    head = f"Date: Thu, 9 May 2024 08:00:00 +0000\nContent-Type: text/plain; charset={label}\n"
    message = _only_message(_eml(tmp_path, head, text.encode("utf-8") + b"\r\n"))
    assert message.text == text
    assert "Ã" not in message.text
    assert message.meta["decoded_as"] == "utf-8"


def test_email_latin1_that_is_latin1_stays_latin1(tmp_path: Path) -> None:
    text = "Le réchaud ne s'allume plus, même avec une cartouche neuve."
    head = "Date: Thu, 9 May 2024 08:00:00 +0000\nContent-Type: text/plain; charset=ISO-8859-1\n"
    message = _only_message(_eml(tmp_path, head, text.encode("latin-1") + b"\r\n"))
    assert message.text == text
    assert "decoded_as" not in message.meta


RECEIVED = (
    "Received: from mx.example.org by mail.northwind.example with ESMTP id 4F1;\n"
    " Thu, 9 May 2024 10:02:11 +0200\n"
    "Received: from [10.0.0.7] by mx.example.org; Thu, 9 May 2024 10:01:58 +0200\n"
)


def test_email_date_far_in_the_future_takes_the_received_time(tmp_path: Path) -> None:
    head = RECEIVED + "Date: Mon, 30 Jun 3609 15:33:50 +0600\nContent-Type: text/plain\n"
    message = _only_message(_eml(tmp_path, head, b"My stove won't light.\r\n"))
    assert message.at == datetime(2024, 5, 9, 8, 2, 11, tzinfo=UTC)
    assert message.meta["date_untrusted"] == "3609-06-30T15:33:50+06:00"
    assert message.meta["time_from"] == "received"


def test_email_date_far_in_the_future_without_received_is_unknown(tmp_path: Path) -> None:
    head = "Date: Mon, 30 Jun 3609 15:33:50 +0600\nContent-Type: text/plain\n"
    message = _only_message(_eml(tmp_path, head, b"My stove won't light.\r\n"))
    assert message.at is None
    assert message.meta["date_untrusted"] == "3609-06-30T15:33:50+06:00"
    assert "time_from" not in message.meta


@pytest.mark.parametrize(
    ("date", "expected"),
    [
        # a day after its receipt: clocks and zones err, the Date is kept
        ("Fri, 10 May 2024 09:00:00 +0000", datetime(2024, 5, 10, 9, 0, tzinfo=UTC)),
        # before its receipt, however long: kept
        ("Mon, 6 May 2019 09:00:00 +0000", datetime(2019, 5, 6, 9, 0, tzinfo=UTC)),
    ],
)
def test_email_date_near_its_receipt_is_kept(tmp_path: Path, date: str, expected: datetime) -> None:
    head = RECEIVED + f"Date: {date}\nContent-Type: text/plain\n"
    message = _only_message(_eml(tmp_path, head, b"My stove won't light.\r\n"))
    assert message.at == expected
    assert "date_untrusted" not in message.meta


def test_email_unquoted_boundary_with_equals_sign_is_read(tmp_path: Path) -> None:
    head = (
        "Date: Thu, 9 May 2024 08:00:00 +0000\nMIME-Version: 1.0\n"
        "Content-Type: multipart/alternative;\n        boundary=----=_Part_77_12.34\n"
    )
    body = (
        b"This is a multi-part message in MIME format.\r\n\r\n"
        b"------=_Part_77_12.34\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n"
        b"The stove lights now, thanks for the tip about the jet.\r\n"
        b"------=_Part_77_12.34\r\nContent-Type: text/html; charset=us-ascii\r\n\r\n"
        b"<p>The stove lights now.</p>\r\n------=_Part_77_12.34--\r\n"
    )
    message = _only_message(_eml(tmp_path, head, body))
    assert message.text == "The stove lights now, thanks for the tip about the jet."


def test_email_bare_addresses_separated_by_spaces(tmp_path: Path) -> None:
    path = tmp_path / "bare.eml"
    path.write_text(
        "From: mei.lin@example.org mei@example.net\nTo: help@northwind.example sam@northwind.example\n"
        "Subject: Stove\nDate: Thu, 9 May 2024 08:00:00 +0000\n\nMy stove won't light.\n",
        encoding="utf-8",
    )
    [thread], problems = read_all(IMPORTER, [path])
    assert problems == []
    assert thread.messages[0].author == "mei.lin@example.org"
    assert thread.customer.email == "mei.lin@example.org"
