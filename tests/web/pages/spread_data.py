"""A native JSONL file whose conversations sit in spring 2024 but one stray from 2018,
with one conversation in Spanish; and a store that holds it, analysed.

=================  ==============================================================
day                conversations
=================  ==============================================================
2018-01-09         ``old-1``: a stray, six years before the rest (English)
2024-03-12 ...     ``spring-1`` .. ``spring-12``: one a week, to 2024-05-28 (English)
2024-06-04         ``es-1``: a customer writing Spanish (not scored)
=================  ==============================================================

14 conversations: the default period is 12 Mar – 4 Jun 2024, where 13 (92%) are.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from servicecoach.analysis import Pipeline
from servicecoach.rubric import Rubric
from servicecoach.services.analysis import analyze_store
from servicecoach.services.imports import plan_import, run_import
from servicecoach.store.database import Store

__all__ = [
    "BULK_START",
    "LAST_DAY",
    "OUTLIER_DAY",
    "SPANISH_ID",
    "build_spread_store",
    "spread_conversations",
    "write_spread_file",
]

BULK_START = date(2024, 3, 12)
LAST_DAY = date(2024, 6, 4)
OUTLIER_DAY = date(2018, 1, 9)
SPANISH_ID = "es-1"

_PROBLEMS = [
    "my order arrived with a cracked screen and I need a replacement before the weekend",
    "I was charged twice for the same subscription this month and want a refund",
    "the tracking page has not updated for five days and I am getting worried",
    "I cannot log in to my account since the password reset email never arrives",
]


def _chat(
    ident: str, day: date, customer: str, agent: str, problem: str, *, reply: str | None = None
) -> dict[str, Any]:
    start = datetime(day.year, day.month, day.day, 10, 0, tzinfo=UTC)

    def at(minutes: int) -> str:
        return (start + timedelta(minutes=minutes)).isoformat().replace("+00:00", "Z")

    return {
        "format": 1,
        "id": ident,
        "channel": "chat",
        "customer": {"id": f"cust-{ident}", "name": customer},
        "messages": [
            {"id": "m1", "role": "customer", "author": customer, "at": at(0), "text": f"Hi, {problem}."},
            {
                "id": "m2",
                "role": "agent",
                "author": agent,
                "at": at(3),
                "text": reply
                or "I'm sorry about that, I understand how frustrating it is. I have sorted it "
                "out now and you will get an email confirmation within the hour.",
            },
            {"id": "m3", "role": "customer", "author": customer, "at": at(6), "text": "Thank you so much, that really helps!"},
        ],
    }  # fmt: skip


def spread_conversations() -> list[dict[str, Any]]:
    """The conversations of the table above, in native format (FORMAT.md)."""
    found = [_chat("old-1", OUTLIER_DAY, "Old Timer", "Sam", _PROBLEMS[0])]
    for week in range(12):
        found.append(
            _chat(
                f"spring-{week + 1}",
                BULK_START + timedelta(weeks=week),
                f"Customer {week + 1}",
                "Sam" if week % 2 else "Ana",
                _PROBLEMS[week % len(_PROBLEMS)],
            )
        )
    spanish = _chat(
        SPANISH_ID,
        LAST_DAY,
        "Lucía",
        "Ana",
        "mi pedido llegó con la pantalla rota y necesito un reemplazo antes del fin de semana",
        reply="Lo siento mucho, entiendo lo frustrante que es. Ya he enviado un reemplazo y "
        "recibirá un correo de confirmación dentro de una hora.",
    )
    spanish["messages"][2]["text"] = "Muchas gracias, eso me ayuda muchísimo con el viaje."
    found.append(spanish)
    return found


def write_spread_file(path: Path) -> Path:
    """Write the conversations as JSON Lines to ``path``."""
    lines = (json.dumps(c, ensure_ascii=False) for c in spread_conversations())
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def build_spread_store(db: str, folder: Path) -> None:
    """Import the file into ``db`` and analyse it with the rules-only pipeline."""
    source = write_spread_file(folder / "spread.jsonl")
    with Store.open(db) as store:
        run_import(store, plan_import([source]))
        analyze_store(store, Pipeline.from_rubric(Rubric(), fast=True))
