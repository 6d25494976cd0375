"""Output files are written whole or not at all, and a device or pipe stays what it is."""

from __future__ import annotations

import os
import stat
import threading
from pathlib import Path
from typing import Any, NoReturn

import pytest

from servicecoach.files import atomic_text
from tests.cli.helpers import run_cli

SAMPLE = Path(__file__).resolve().parents[1] / "src" / "servicecoach" / "samples" / "native"


def _drain(fifo: Path, into: list[bytes]) -> threading.Thread:
    def read() -> None:
        with fifo.open("rb") as handle:
            into.append(handle.read())

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    return reader


def test_a_file_is_replaced_only_when_complete(tmp_path: Path) -> None:
    out = tmp_path / "results.jsonl"
    out.write_text("old\n", encoding="utf-8")
    with pytest.raises(RuntimeError), atomic_text(out) as handle:
        handle.write("half")
        raise RuntimeError("stopped")
    assert out.read_text(encoding="utf-8") == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["results.jsonl"]  # no temporary left
    with atomic_text(out) as handle:
        handle.write("new\n")
    assert out.read_text(encoding="utf-8") == "new\n"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_a_pipe_is_written_into_not_replaced(tmp_path: Path) -> None:
    fifo = tmp_path / "results.pipe"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = _drain(fifo, got)
    with atomic_text(fifo) as handle:
        handle.write("line\n")
    reader.join(timeout=10)
    assert got == [b"line\n"]
    assert stat.S_ISFIFO(fifo.stat().st_mode)  # renaming over it would make it a file


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_analyze_out_to_a_pipe_leaves_the_pipe(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """What ``--out /dev/null`` does to /dev/null, without touching the real one."""
    fifo = tmp_path / "null"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = _drain(fifo, got)
    result = run_cli(capsys, "analyze", "--fast", str(SAMPLE), "--out", str(fifo))
    reader.join(timeout=60)
    assert result.code == 0, result.err
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    assert got and got[0].count(b"\n") >= 1


@pytest.mark.parametrize("call", ["open", "close"])
def test_a_ctrl_c_as_the_temporary_file_is_made_leaves_nothing(
    call: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl-C can land at any line: as the file is created, before its descriptor is
    returned to us (``os.open``: ``servicecoach analyze --workers`` left it behind once
    under load), and just after it exists (``os.close``)."""
    real = getattr(os, call)

    def interrupted(*args: Any) -> NoReturn:
        done = real(*args)
        if call == "open":
            os.close(done)
        raise KeyboardInterrupt

    monkeypatch.setattr(os, call, interrupted)
    out = tmp_path / "results.jsonl"
    with pytest.raises(KeyboardInterrupt), atomic_text(out):
        pass
    monkeypatch.undo()
    assert list(tmp_path.iterdir()) == []
