"""Helpdesk notification mails (Zendesk-style): only the relayed comment, by its real author.

The mails are written for these tests in the shape such notifications have: a "reply
above this line" marker, the new comment first, earlier comments under separator lines,
then a footer.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from servicecoach.ingest.base import ImportOptions
from servicecoach.ingest.email import EmailImporter
from servicecoach.ingest.email.helpdesk import relayed_comment
from servicecoach.model.conversation import Role
from servicecoach.testing import read_all

IMPORTER = EmailImporter()
SUPPORT = ImportOptions(support_addresses=("support@northwind.example",))
RULE = "-" * 46
FOOTER = "-" * 32 + "\nThis email is a service from Northwind Outfitters.\n\n[QX7RT2-LM4K9]"
MARKER = "##- Please type your reply above this line -##"
POLE_QUESTION = (
    "Hi, the pole of my Summit 2 tent snapped on the first night.\n"
    "What I tried:\n- taping it\n- the spare section\n\nCan you send a new one?"
)


def _mail(
    *,
    sender: str,
    to: str,
    body: str,
    message_id: str,
    date: str = "Mon, 6 May 2024 15:14:00 +0000",
    references: str | None = None,
    extra: tuple[str, ...] = (),
) -> str:
    lines = [
        f"From: {sender}",
        f"To: {to}",
        "Subject: [Northwind] Re: Tent pole snapped",
        f"Date: {date}",
        f"Message-ID: <{message_id}>",
        *extra,
    ]
    if references:
        lines += [
            f"In-Reply-To: <{references.split()[-1].strip('<>')}>",
            f"References: {references}",
        ]
    return "\n".join([*lines, "Content-Type: text/plain; charset=utf-8", "", body, ""])


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


CUSTOMER_RELAYED_TO_CC = _mail(
    sender="Dana Reyes (Northwind Support) <support@northwind.example>",
    to="Lee Park <lee.park@example.com>",
    message_id="zd-2@northwind.example",
    references="<zd-1@northwind.example>",
    date="Mon, 6 May 2024 16:30:00 +0000",
    extra=("X-Zendesk-From-Account-Id: 7c21a9",),
    body=f"""{MARKER}

You are registered as a CC on this request (4821). Reply to this email to add a comment to the request.

{RULE}

Dana Reyes

May 6, 2024, 09:30 PDT

Still nothing. The trip is on Friday, so please hurry.

Attachment(s)
snapped-pole.jpg

{RULE}

Sam Ortiz (Northwind Outfitters)

May 6, 2024, 08:40 PDT

Sorry to hear that! Could you send us a photo of the pole?

{RULE}

Dana Reyes

May 6, 2024, 08:14 PDT

{POLE_QUESTION}

{FOOTER}
""",
)

AGENT_RELAYED_TO_REQUESTER = _mail(
    sender="Sam Ortiz (Northwind Support) <support@northwind.example>",
    to="Dana Reyes <dana.reyes@example.com>",
    message_id="zd-1@northwind.example",
    date="Mon, 6 May 2024 15:40:00 +0000",
    body=f"""{MARKER}

Your request (4821) has been updated. To add additional comments, reply to this email.
{RULE}

Sam Ortiz (Northwind Outfitters), May 6, 2024, 08:40 PDT

Sorry to hear that! Could you send us a photo of the pole?

Best regards,
Sam

{FOOTER}
""",
)


def test_email_helpdesk_keeps_only_the_new_comment_by_its_author(tmp_path: Path) -> None:
    path = _write(tmp_path, "cc.eml", CUSTOMER_RELAYED_TO_CC)
    [thread], problems = read_all(IMPORTER, [path], SUPPORT)
    assert problems == []
    [message] = thread.messages
    assert message.text == "Still nothing. The trip is on Friday, so please hurry."
    assert message.role is Role.CUSTOMER  # the requester, though sent by the support address
    assert message.author == "Dana Reyes"
    assert message.meta["relayed_by"] == "support@northwind.example"
    assert thread.customer.name == "Dana Reyes"


def test_email_helpdesk_agent_comment_to_the_requester(tmp_path: Path) -> None:
    path = _write(tmp_path, "update.eml", AGENT_RELAYED_TO_REQUESTER)
    [thread], _ = read_all(IMPORTER, [path])
    [message] = thread.messages
    assert message.text == "Sorry to hear that! Could you send us a photo of the pole?"
    assert message.role is Role.AGENT
    assert message.author == "Sam Ortiz"
    assert (thread.customer.name, thread.customer.email) == ("Dana Reyes", "dana.reyes@example.com")


@pytest.mark.parametrize("options", [SUPPORT, ImportOptions()])
def test_email_helpdesk_thread_of_direct_and_relayed_mails(
    tmp_path: Path, options: ImportOptions
) -> None:
    question = _mail(
        sender="Dana Reyes <dana.reyes@example.com>",
        to="support@northwind.example",
        message_id="q@example.com",
        date="Mon, 6 May 2024 15:14:00 +0000",
        body=POLE_QUESTION,
    )
    paths = [
        _write(tmp_path, "q.eml", question),
        _write(
            tmp_path,
            "a.eml",
            AGENT_RELAYED_TO_REQUESTER.replace(
                "Message-ID: <zd-1@northwind.example>",
                "Message-ID: <zd-1@northwind.example>\nReferences: <q@example.com>",
            ),
        ),
        _write(
            tmp_path,
            "c.eml",
            CUSTOMER_RELAYED_TO_CC.replace(
                "References: <zd-1@northwind.example>",
                "References: <q@example.com> <zd-1@northwind.example>",
            ),
        ),
    ]
    [thread], problems = read_all(IMPORTER, paths, options)
    assert problems == []
    assert [m.role for m in thread] == [Role.CUSTOMER, Role.AGENT, Role.CUSTOMER]
    assert [m.author for m in thread] == ["Dana Reyes", "Sam Ortiz", "Dana Reyes"]
    assert thread.messages[0].text == POLE_QUESTION  # the list and the question stay
    assert thread.customer.email == "dana.reyes@example.com"


def test_email_helpdesk_sender_on_behalf_without_marker(tmp_path: Path) -> None:
    body = (
        "Dana Reyes\n\nMay 7, 2024, 10:02 PDT\n\nThe new pole arrived, thank you!\n\n"
        f"{RULE}\n\nSam Ortiz (Northwind Outfitters)\n\nMay 6, 2024, 11:00 PDT\n\n"
        "A new pole set is on its way.\n"
    )
    text = _mail(
        sender="Dana Reyes (Northwind Support) <support@northwind.example>",
        to="sam.ortiz@northwind.example",
        message_id="zd-3@northwind.example",
        body=body,
    )
    [thread], _ = read_all(IMPORTER, [_write(tmp_path, "behalf.eml", text)], SUPPORT)
    [message] = thread.messages
    assert message.text == "The new pole arrived, thank you!"
    assert message.role is Role.CUSTOMER  # not shown as "Name (Company)" like the agent
    assert message.author == "Dana Reyes"


def test_email_helpdesk_reply_above_the_marker_is_a_person_writing(tmp_path: Path) -> None:
    body = (
        f"Yes please, send it to my office address.\n\n{MARKER}\n\n"
        + (AGENT_RELAYED_TO_REQUESTER.split(MARKER, 1)[1])
    )
    text = _mail(
        sender="Dana Reyes <dana.reyes@example.com>",
        to="support@northwind.example",
        message_id="r@example.com",
        body=body,
    )
    [thread], _ = read_all(IMPORTER, [_write(tmp_path, "reply.eml", text)], SUPPORT)
    [message] = thread.messages
    assert message.text == "Yes please, send it to my office address."
    assert message.role is Role.CUSTOMER
    assert "relayed_by" not in message.meta


@pytest.mark.parametrize(
    ("text", "headers", "sender"),
    [
        ("Hi,\n\nMy order never came.\n\nDana", {}, "Dana Reyes"),
        ("Dana Reyes\n\nMay 6, 2024\n\nHello", {}, "Dana Reyes"),  # no "(Company)" sender
        ("Sam (Shop)\n\nMay 6, 2024\n\nHello", {}, "Dana Reyes (Shop)"),  # another name
    ],
)
def test_email_helpdesk_ordinary_mails_are_not_notifications(
    text: str, headers: dict[str, list[str]], sender: str
) -> None:
    assert relayed_comment(text, headers, sender) is None


def test_email_helpdesk_html_notification_without_separator_lines(tmp_path: Path) -> None:
    html = (
        '<div style="color:#b5b5b5">' + MARKER + "</div>"
        "<p>You are registered as a CC on this request (4821).</p>"
        "<table><tr><td><p><strong>Dana Reyes</strong></p><p>May 6, 2024, 09:30 PDT</p>"
        "<div><p>Still nothing. The trip is on Friday.</p></div></td></tr></table>"
        "<hr><table><tr><td><p><strong>Sam Ortiz</strong> (Northwind)</p>"
        "<p>May 6, 2024, 08:40 PDT</p><div><p>Could you send a photo?</p></div></td></tr></table>"
        '<div style="color:#aaa">This email is a service from Northwind Outfitters.</div>'
    )
    text = _mail(
        sender="Dana Reyes (Northwind Support) <support@northwind.example>",
        to="lee.park@example.com",
        message_id="zd-html@northwind.example",
        body=html,
    ).replace("text/plain", "text/html")
    [thread], _ = read_all(IMPORTER, [_write(tmp_path, "html.eml", text)], SUPPORT)
    [message] = thread.messages
    assert message.text == "Still nothing. The trip is on Friday."
    assert (message.author, message.role) == ("Dana Reyes", Role.CUSTOMER)
