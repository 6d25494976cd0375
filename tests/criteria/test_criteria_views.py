"""Criteria where a lead or agent reads a judgement: the conversation page, ``servicecoach
report conversation``, the OpenAPI schema of a result, and ``eval``'s table.

The store is analysed with ``--fast``, so both verdicts of docs/criteria.md show: the
remedy criterion is judged by its phrases, the competitor criterion (no phrases) is not
applicable, with the reason.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from jsonschema import ValidationError
from openapi_schema_validator import OAS31Validator

from servicecoach.cli.output import console
from servicecoach.server import ServiceSettings, create_app
from servicecoach.store.analyses import conversation_pk
from servicecoach.store.database import Store
from servicecoach.store.users import create_user
from tests.cli.helpers import run_cli
from tests.web.conftest import PASSWORD, log_in
from tests.web.login_routes import router

ROOT = Path(__file__).resolve().parents[2]
SET = ROOT / "tests" / "data" / "criteria"
CONVERSATIONS = SET / "conversations.jsonl"
RUBRIC = ROOT / "docs" / "examples" / "criteria" / "rubric.toml"
FAST_REASON = "fast mode: no sentence model and no phrases"


@pytest.fixture
def db(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> str:
    """A store of the held-aside set, analysed with the example rubric in --fast mode."""
    path = str(tmp_path / "views.db")
    with Store.open(path) as store, store.begin() as connection:
        create_user(connection, "root", PASSWORD, "admin")
    assert run_cli(capsys, "import", str(CONVERSATIONS), "--db", path, "-q").code == 0
    analysed = run_cli(capsys, "analyze", "--db", path, "--rubric", str(RUBRIC), "--fast", "-q")
    assert analysed.code == 0, analysed.err
    return path


def _pk(db: str, conversation: str) -> int:
    with Store.open(db) as store, store.begin() as connection:
        return conversation_pk(connection, conversation)


def _page(db: str, conversation: str) -> str:
    with TestClient(create_app(ServiceSettings(db=db, fast=True), routers=[router])) as client:
        log_in(client, "root")
        answer = client.get(f"/conversations/{_pk(db, conversation)}")
    assert answer.status_code == 200, answer.text
    return answer.text


def test_criteria_conversation_page_lists_each_criterion_and_marks_its_evidence(db: str) -> None:
    page = _page(db, "remedy-06")
    assert '<h2 id="criteria">Criteria</h2>' in page
    remedy = re.search(r'<tr class="criterion" data-criterion="offers_remedy">.*?</tr>', page, re.S)
    assert remedy is not None
    assert "Offers a refund or replacement" in remedy.group()
    assert ">met<" in remedy.group() and "by its phrases" in remedy.group()
    assert 'href="#msg-m2"' in remedy.group()
    competitor = re.search(r'<tr class="criterion na" data-criterion="mentions_competitor">.*?</tr>', page, re.S)  # fmt: skip
    assert competitor is not None
    assert "not applicable" in competitor.group() and FAST_REASON in competitor.group()
    assert "(against)" in competitor.group()
    # The evidence is a mark like a skill's, with the popover's data-tip naming the criterion.
    mark = re.search(r'<mark class="earn"[^>]*data-signals="[^"]*criteria\.offers_remedy[^"]*"', page)  # fmt: skip
    assert mark is not None
    assert "Meets the team&#39;s criterion “Offers a refund or replacement”" in mark.group()
    assert "<code>criteria.offers_remedy</code>" in page


def test_criteria_conversation_page_without_criteria_shows_none(
    capsys: pytest.CaptureFixture[str], db: str
) -> None:
    assert run_cli(capsys, "analyze", "--db", db, "--fast", "-q").code == 0  # a run without
    page = _page(db, "remedy-06")
    assert "Criteria" not in page
    assert "criteria." not in page


def test_criteria_report_conversation_text_lists_each_criterion(
    capsys: pytest.CaptureFixture[str], db: str
) -> None:
    shown = run_cli(capsys, "report", "conversation", "remedy-06", "--db", db)
    assert shown.code == 0, shown.err
    out = " ".join(shown.out.split())
    assert "Criteria (the rubric's own checks; they change no score)" in out
    assert "Offers a refund or replacement criteria.offers_remedy: met, by its phrases, 1 sentence" in out  # fmt: skip
    assert (
        "Mentions a competitor (counts against the agent) criteria.mentions_competitor: "
        f"not applicable: {FAST_REASON}"
    ) in out
    assert "+ criteria.offers_remedy \"I've refunded all six of them" in out


def test_criteria_report_conversation_json_carries_the_criteria(
    capsys: pytest.CaptureFixture[str], db: str
) -> None:
    shown = run_cli(capsys, "report", "conversation", "remedy-06", "--db", db, "--json")
    assert shown.code == 0, shown.err
    criteria = json.loads(shown.out)["criteria"]
    assert criteria["offers_remedy"]["met"] is True
    assert criteria["offers_remedy"]["judged_by"] == "phrases"
    assert criteria["mentions_competitor"] == {
        "label": "Mentions a competitor", "polarity": -1, "applicable": False, "met": None,
        "judged_by": None, "version": None, "evidence": [], "reason": FAST_REASON,
    }  # fmt: skip


def test_criteria_report_conversation_without_criteria_prints_no_section(
    capsys: pytest.CaptureFixture[str], db: str
) -> None:
    assert run_cli(capsys, "analyze", "--db", db, "--fast", "-q").code == 0
    shown = run_cli(capsys, "report", "conversation", "remedy-06", "--db", db)
    assert shown.code == 0, shown.err
    assert "Criteria" not in shown.out and "criteria." not in shown.out


def test_criteria_openapi_result_schema_describes_them(db: str) -> None:
    with TestClient(create_app(ServiceSettings(db=db, fast=True), routers=[router])) as client:
        log_in(client, "root")
        document = client.get("/openapi.json").json()
        result = client.get(f"/v1/conversations/{_pk(db, 'remedy-06')}").json()["result"]
    schemas = document["components"]["schemas"]
    assert "criteria" in schemas["AnalysisResult"]["properties"]
    assert set(schemas["CriterionOut"]["required"]) >= {"label", "met", "judged_by", "evidence"}
    root = {"$ref": "#/components/schemas/AnalysisResult", "components": document["components"]}
    assert set(result["criteria"]) == {"offers_remedy", "mentions_competitor"}
    OAS31Validator(root).validate(result)
    broken = {**result, "criteria": {"x": {**result["criteria"]["offers_remedy"], "met": "yes"}}}
    with pytest.raises(ValidationError, match="not valid under any of the given schemas"):
        OAS31Validator(root).validate(broken)


def test_criteria_eval_table_says_why_a_criterion_was_not_judged(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(console, "width", 200)  # the row in one line, as in a wide terminal
    result = run_cli(
        capsys, "eval", str(CONVERSATIONS), "--labels", str(SET / "labels.jsonl"),
        "--rubric", str(RUBRIC), "--fast", "-q",
    )  # fmt: skip
    assert result.code == 0, result.err
    out = " ".join(result.out.split())
    expected = (
        "criteria.mentions_competitor: not judged (80 labels): needs the sentence model "
        "(run without --fast) or phrases"
    )
    assert expected in out
    row = next(line for line in result.out.splitlines() if "criteria.offers_remedy" in line)
    assert row.split()[-1] == "80"  # the phrases judged it: its figures, no note
