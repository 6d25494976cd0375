"""Fuzz every importer through ``servicecoach import``: mutated samples, never a crash.

For each registered importer, valid samples are mutated (see :mod:`tests.fuzz.mutate`)
and imported into a store that already holds the unmutated sample. Whatever the input:

- the exit code is 0 (imported) or 3 (invalid input), the documented codes for an
  import into a working database; never 1 (a bug) or 5 (the database refused it);
- nothing prints a traceback, an "internal error" or an SQL statement;
- a refusal names the file;
- a refused all-or-nothing import leaves the store exactly as it was;
- ``--json`` output is JSON.
"""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from servicecoach.ingest.registry import importers
from tests.conftest import SAMPLES, TEST_DATA
from tests.fuzz.budget import fuzz_settings
from tests.fuzz.cli import Run, database_digest, run_servicecoach
from tests.fuzz.mutate import mutated_bytes
from tests.scale.seeds import parquet_bytes

pytestmark = pytest.mark.fuzz

_EXAMPLES = 30
"""Inputs per importer: about 2-3 s each, the whole suite stays under a minute."""


@dataclass(frozen=True)
class Seed:
    """A valid sample of one format and how to mutate it."""

    importer: str
    name: str
    content: bytes
    kind: str  # json, jsonl or text


def _sample(importer: str, relative: str, kind: str) -> Seed:
    path = SAMPLES / relative
    return Seed(importer, path.name, path.read_bytes(), kind)


def _zendesk_ndjson() -> Seed:
    """The Zendesk sample as an NDJSON export: one ticket, with its users, per line."""
    document = json.loads((SAMPLES / "zendesk" / "tickets.json").read_bytes())
    users = {user["id"]: user for user in document["users"]}
    lines = [
        json.dumps({**ticket, "requester": users.get(ticket["requester_id"])})
        for ticket in document["tickets"]
    ]
    return Seed("zendesk", "export.ndjson", "\n".join(lines).encode() + b"\n", "jsonl")


SEEDS: tuple[Seed, ...] = (
    _sample("jsonl", "native/northwind.jsonl", "jsonl"),
    _sample("twcs", "twcs/northwind_tweets.csv", "text"),
    _sample("zendesk", "zendesk/tickets.json", "json"),
    _zendesk_ndjson(),
    Seed("zendesk", "audits.json", (TEST_DATA / "zendesk" / "audits.json").read_bytes(), "json"),
    _sample("chatwoot", "chatwoot/conversations.json", "json"),
    Seed(
        "chatwoot",
        "messages.json",
        (TEST_DATA / "chatwoot" / "messages-page-1.json").read_bytes(),
        "json",
    ),
    _sample("email", "email/support.mbox", "text"),
    _sample("email", "email/dana-reply.eml", "text"),
    _sample("vtt", "calls/tent-pole.vtt", "text"),
    _sample("srt", "calls/boot-sizing.srt", "text"),
    _sample("aws_transcribe", "calls/billing-0412.json", "json"),
    _sample("whisper", "calls/login-trouble.json", "json"),
    _sample("intercom", "intercom/conversations.json", "json"),
    _sample("helpscout", "helpscout/conversations.json", "json"),
    _sample("aws_call_analytics", "calls/gym-refund-0731.json", "json"),
    _sample("deepgram", "calls/roaming-charge.json", "json"),
    _sample("freshdesk", "freshdesk/tickets.json", "json"),
    _sample("gorgias", "gorgias/tickets.json", "json"),
    Seed("parquet", "conversations.parquet", parquet_bytes(), "text"),  # byte damage
)
_IMPORTERS = sorted({seed.importer for seed in SEEDS})


def test_fuzz_covers_every_registered_importer() -> None:
    assert sorted(importers()) == _IMPORTERS


@pytest.fixture(scope="module")
def stores(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """One store per importer, holding that importer's unmutated samples."""
    folder = tmp_path_factory.mktemp("fuzz-stores")
    made: dict[str, Path] = {}
    for name in _IMPORTERS:
        db = folder / f"{name}.db"
        samples = folder / name
        samples.mkdir()
        for seed in SEEDS:
            if seed.importer == name:
                (samples / seed.name).write_bytes(seed.content)
        run = run_servicecoach("import", str(samples), "--format", name, "--db", str(db), "-q")
        assert run.code == 0, run.err
        made[name] = db
    return made


def _check(run: Run, file: Path, *, json_output: bool) -> None:
    output = run.out + run.err
    assert run.code in (0, 3), output[-2000:]
    for leak in ("Traceback", "internal error", "[SQL:", "[parameters:"):
        assert leak not in output, output[-2000:]
    if run.code == 3:
        assert file.name in run.err or file.name in run.out, output[-2000:]
    if json_output:
        json.loads(run.out)


@pytest.mark.parametrize("importer", _IMPORTERS)
@fuzz_settings(_EXAMPLES)
@given(data=st.data())
def test_fuzz_import_never_crashes(
    stores: dict[str, Path], importer: str, data: st.DataObject
) -> None:
    seed = data.draw(st.sampled_from([s for s in SEEDS if s.importer == importer]), "seed")
    content = data.draw(mutated_bytes(seed.content, seed.kind), "content")
    forced = data.draw(st.integers(0, 9), "forced") > 0  # mostly: detection is tested too
    skip_invalid = data.draw(st.booleans(), "skip_invalid")
    json_output = data.draw(st.booleans(), "json")
    db = stores[importer]
    before = database_digest(db)
    with tempfile.TemporaryDirectory() as folder:
        file = Path(folder) / seed.name
        file.write_bytes(content)
        args = ["import", str(file), "--db", str(db)]
        args += ["--format", importer] if forced else []
        args += ["--skip-invalid"] if skip_invalid else []
        args += ["--json"] if json_output else ["-q"]
        run = run_servicecoach(*args)
    _check(run, file, json_output=json_output)
    if run.code == 3 and not skip_invalid:
        assert database_digest(db) == before, "a refused import changed the store"
