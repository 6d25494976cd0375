"""The 13th-skill guide's worked example (docs/plugins.md): a plugin package with one module
and one data file, installed with pip, appears in results, the command line, `eval` and
the web app with no change to servicecoach."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.conftest import REPO

EXAMPLE = REPO / "docs" / "examples" / "servicecoach-ownership"
GUIDE = REPO / "docs" / "plugins.md"
FILES = (
    "pyproject.toml",
    "src/servicecoach_ownership/__init__.py",
    "src/servicecoach_ownership/phrases.toml",
)
CONVERSATIONS = EXAMPLE / "conversations.jsonl"
LABELS = EXAMPLE / "labels.jsonl"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example installed with pip into a folder of its own (no index needed)."""
    pytest.importorskip("setuptools", reason="pip builds the example with setuptools")
    work = tmp_path_factory.mktemp("ownership")
    source = work / "src"
    shutil.copytree(EXAMPLE, source)  # pip's build leaves folders beside the source
    target = work / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-build-isolation",
         "--no-index", "--target", str(target), str(source)],
        check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    return target


def _servicecoach(site: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(site), *sys.path]), "COLUMNS": "200"}
    env.pop("SERVICECOACH_PLUGINS", None)
    return subprocess.run(
        [sys.executable, "-m", "servicecoach", *args],
        capture_output=True, text=True, env=env, timeout=300, check=False,
    )  # fmt: skip


@pytest.mark.parametrize("name", FILES)
def test_plugins_guide_shows_the_skill_example_verbatim(name: str) -> None:
    guide = GUIDE.read_text(encoding="utf-8")
    blocks = re.findall(r"```[a-z]*\n(.*?)```", guide, flags=re.DOTALL)
    assert (EXAMPLE / name).read_text(encoding="utf-8") in blocks, (
        f"docs/plugins.md does not show {name} as it is in docs/examples"
    )


def test_the_installed_skill_is_listed_and_scored_in_results(site: Path, tmp_path: Path) -> None:
    listed = _servicecoach(site, "analyzers", "list", "--json")
    assert listed.returncode == 0, listed.stderr
    row = next(r for r in json.loads(listed.stdout) if r["name"] == "ownership")
    assert (row["skill"], row["from"]) == ("ownership", "servicecoach-ownership 0.1.0")
    assert (row["skill_label"], row["new_skill"]) == ("Ownership", True)
    table = _servicecoach(site, "analyzers", "list")
    assert "ownership (new)" in table.stdout
    out = tmp_path / "results.jsonl"
    analysed = _servicecoach(site, "analyze", "--fast", str(CONVERSATIONS), "--out", str(out))
    assert analysed.returncode == 0, analysed.stderr
    results = {r["conversation"]: r for r in map(json.loads, out.read_text().splitlines())}
    owning, deflecting, plain = (results[f"own-{n}"]["skills"]["ownership"] for n in (1, 2, 3))
    assert owning["score"] > plain["score"] > deflecting["score"]
    assert [e["quote"] for e in owning["evidence"]] == [
        "Leave it with me",
        "I'll make sure",
        "I'll keep you posted",
    ]
    assert {e["signal"] for e in deflecting["evidence"]} == {"ownership.deflect"}
    assert all(e["suggestion"] for e in deflecting["evidence"])
    assert list(results["own-1"]["skills"])[-1] == "ownership"  # after the twelve
    assert "ownership.commit" in results["own-1"]["messages"][1]["signals"]


def test_live_assist_flags_the_plugin_skills_negative_signal(site: Path, tmp_path: Path) -> None:
    first = json.loads(CONVERSATIONS.read_text(encoding="utf-8").splitlines()[1])
    first["messages"] = first["messages"][:1]  # the customer's complaint, no reply yet
    chat = tmp_path / "chat.jsonl"
    chat.write_text(json.dumps(first) + "\n", encoding="utf-8")
    draft = tmp_path / "draft.txt"
    draft.write_text("Not my department, sorry. Leave it with me though.", encoding="utf-8")
    done = _servicecoach(site, "check", "-c", str(chat), "-d", str(draft), "--fast", "--json")
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    flagged = [s for s in answer["suggestions"] if s["kind"] == "ownership.deflect"]
    assert [(s["start"], s["end"], s["severity"]) for s in flagged] == [
        (0, 17, "warning")
    ]  # "Not my department"
    assert "hand over warmly" in flagged[0]["reason"]


def test_eval_measures_the_plugin_skill_against_labels(site: Path) -> None:
    done = _servicecoach(
        site, "eval", "--fast", str(CONVERSATIONS), "--labels", str(LABELS), "--json"
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["conversations"] == 3
    assert report["signals"]["ownership.commit"]["f1"] == 1.0
    assert report["signals"]["ownership.deflect"]["precision"] == 1.0
    assert report["signals"]["ownership.deflect"]["baseline"] is None  # none for a new signal
    assert report["scores"]["ownership"]["rho"] == pytest.approx(1.0)


def test_the_skill_is_stored_and_shown_on_the_command_line(site: Path, tmp_path: Path) -> None:
    db = str(tmp_path / "coach.db")
    assert _servicecoach(site, "import", str(CONVERSATIONS), "--db", db).returncode == 0
    analysed = _servicecoach(site, "analyze", "--fast", "--db", db)
    assert analysed.returncode == 0, analysed.stderr
    shown = _servicecoach(site, "report", "conversation", "own-2", "--db", db)
    assert shown.returncode == 0, shown.stderr
    assert "Ownership" in shown.stdout and "not my department" in shown.stdout
    card = _servicecoach(site, "report", "scorecard", "--db", db)
    assert card.returncode == 0, card.stderr
    assert "own = ownership" in card.stdout
    lena = next(line for line in card.stdout.splitlines() if line.startswith("Lena"))
    assert lena.split()[-1] == "80"  # her mean ownership (100 and 60), the last column


@pytest.fixture
def installed(site: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The example loaded in this process, as if installed; forgotten afterwards."""
    from servicecoach.analysis import skills
    from servicecoach.plugins import plugin_manager

    monkeypatch.syspath_prepend(str(site))
    monkeypatch.delenv("SERVICECOACH_PLUGINS", raising=False)
    plugin_manager.cache_clear()
    skills._default_skills.cache_clear()
    yield
    plugin_manager.cache_clear()
    skills._default_skills.cache_clear()
    sys.modules.pop("servicecoach_ownership", None)


@pytest.mark.usefixtures("installed")
def test_the_web_app_shows_the_plugin_skill(tmp_path: Path) -> None:
    from servicecoach.server import ServiceSettings, create_app
    from servicecoach.services.analysis import analyze_store
    from servicecoach.store.database import Store
    from servicecoach.store.users import create_user
    from tests.web.conftest import PASSWORD, log_in
    from tests.web.login_routes import router

    db = str(tmp_path / "web.db")
    imported = subprocess.run(
        [sys.executable, "-m", "servicecoach", "import", str(CONVERSATIONS), "--db", db],
        capture_output=True, text=True, check=False, timeout=300,
    )  # fmt: skip
    assert imported.returncode == 0, imported.stderr
    from servicecoach.analysis import Pipeline
    from servicecoach.rubric import Rubric

    with Store.open(db) as store:
        analyze_store(store, Pipeline.from_rubric(Rubric(), fast=True))
        with store.begin() as connection:
            create_user(connection, "root", PASSWORD, "admin")
    settings = ServiceSettings(db=db, fast=True)
    with TestClient(create_app(settings, routers=[router])) as client:
        log_in(client, "root")
        listing = client.get("/conversations?sort=ownership")
        assert listing.status_code == 200, listing.text
        assert "Ownership" in listing.text
        link = re.search(r'href="(/conversations/\d+)"', listing.text)
        assert link is not None
        page = client.get(link.group(1))
        assert page.status_code == 200
        assert "Ownership" in page.text
        review = client.get(link.group(1) + "/review")
        assert review.status_code == 200
        assert re.search(r'<option value="ownership\.(commit|deflect)"', review.text)
        agents = client.get("/agents")
        card = re.search(r'href="(/agents/[^"?]+)"[^>]*>Lena', agents.text)
        assert card is not None, agents.text
        scorecard = client.get(card.group(1))
        assert scorecard.status_code == 200 and "Ownership" in scorecard.text
