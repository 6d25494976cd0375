"""Whole-import fuzzing: corrupted sample files never crash an import or half-write the store."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from servicecoach.errors import ImportFailed, ServiceCoachError
from servicecoach.services.imports import plan_import, run_import
from servicecoach.store.database import Store
from servicecoach.store.reader import counts
from tests.conftest import SAMPLES

SAMPLE_FILES = sorted(p for p in SAMPLES.rglob("*") if p.is_file())


@st.composite
def corrupted(draw: st.DrawFn) -> tuple[str, bytes]:
    """A sample file, truncated, with bytes flipped, or with a line dropped or doubled."""
    sample = draw(st.sampled_from(SAMPLE_FILES))
    data = bytearray(sample.read_bytes())
    for _ in range(draw(st.integers(0, 4))):
        kind = draw(st.sampled_from(["truncate", "flip", "insert", "drop_line", "double_line"]))
        if not data:
            break
        at = draw(st.integers(0, len(data) - 1))
        if kind == "truncate":
            data = data[:at]
        elif kind == "flip":
            data[at] = draw(st.integers(0, 255))
        elif kind == "insert":
            data[at:at] = draw(
                st.sampled_from([b'"', b",", b"\n", b"{", b"\xff", b"\r", b"-->", b"\x00"])
            )
        else:
            lines = bytes(data).split(b"\n")
            index = draw(st.integers(0, len(lines) - 1))
            if kind == "drop_line":
                del lines[index]
            else:
                lines.insert(index, lines[index])
            data = bytearray(b"\n".join(lines))
    return sample.name, bytes(data)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(files=st.lists(corrupted(), min_size=1, max_size=3), skip=st.booleans())
def test_import_fuzz_never_crashes_nor_half_writes(
    files: list[tuple[str, bytes]], skip: bool
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        inputs = root / "in"
        inputs.mkdir()
        for index, (name, data) in enumerate(files):
            (inputs / f"{index}-{name}").write_bytes(data)
        with Store.open(root / "fuzz.db") as store:
            try:
                run_import(store, plan_import([inputs]), skip_invalid=skip)
            except ImportFailed:
                with store.connect() as connection:
                    assert counts(connection).conversations == 0
            except ServiceCoachError as exc:
                assert str(exc)
