"""Start-up cost of the ``servicecoach`` command (issue 17 item 2).

Timing belongs in benchmarks, so this checks the cause instead: the heavy libraries
(scikit-learn, SciPy, FastAPI, ONNX Runtime, tokenizers, uvicorn) are imported only by
the commands that use them, never by ``servicecoach --help`` or ``--version``.
"""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("sklearn", "scipy", "fastapi", "starlette", "uvicorn", "onnxruntime", "tokenizers")


def _loaded_after(code: str) -> set[str]:
    probe = f"import sys\n{code}\nprint(' '.join(m for m in {HEAVY!r} if m in sys.modules))"
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=120
    )
    return set(result.stdout.split())


def test_cli_import_loads_no_heavy_library() -> None:
    assert _loaded_after("import servicecoach.cli.app") == set()


def test_cli_help_and_version_load_no_heavy_library() -> None:
    run = (
        "from servicecoach.cli.app import app\n"
        "from typer.testing import CliRunner\n"
        "for args in (['--version'], ['--help'], ['import', '--help'], ['serve', '--help']):\n"
        "    assert CliRunner().invoke(app, args).exit_code == 0, args\n"
    )
    assert _loaded_after(run) == set()
