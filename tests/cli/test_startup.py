"""Start-up cost of the ``servicecoach`` command (issue 17 item 2).

Timing belongs in benchmarks, so this checks the cause instead: the heavy libraries
(scikit-learn, SciPy, FastAPI, ONNX Runtime, tokenizers, uvicorn; SQLAlchemy, Alembic,
pydantic, NumPy, Argon2, ijson, phonenumbers) are imported only by the commands that use
them, never by ``servicecoach --help`` or ``--version``: each ``cli/*_cmd.py`` imports the
services and the store inside its command functions.
"""

from __future__ import annotations

import subprocess
import sys

HEAVY = (
    "sklearn", "scipy", "fastapi", "starlette", "uvicorn", "onnxruntime", "tokenizers",
    "sqlalchemy", "alembic", "pydantic", "numpy", "argon2", "ijson", "phonenumbers",
)  # fmt: skip


def _loaded_after(code: str, watched: tuple[str, ...] = HEAVY) -> set[str]:
    probe = f"import sys\n{code}\nprint(' '.join(m for m in {watched!r} if m in sys.modules))"
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=120
    )
    return set(result.stdout.split())


def _invoke(*commands: list[str]) -> str:
    return (
        "from servicecoach.cli.app import app\n"
        "from typer.testing import CliRunner\n"
        f"for args in {list(commands)!r}:\n"
        "    assert CliRunner().invoke(app, args).exit_code == 0, args\n"
    )


def test_cli_import_loads_no_heavy_library() -> None:
    assert _loaded_after("import servicecoach.cli.app") == set()


def test_cli_help_and_version_load_no_heavy_library() -> None:
    assert _loaded_after(_invoke(["--version"], ["--help"])) == set()


def test_cli_command_help_loads_no_heavy_library() -> None:
    # Typer itself converts a command's parameters with pydantic: not ours to avoid.
    watched = tuple(m for m in HEAVY if m != "pydantic")
    assert _loaded_after(_invoke(["import", "--help"], ["serve", "--help"]), watched) == set()


def test_cli_sort_choices_match_the_store() -> None:
    from servicecoach.cli.reasons_cmd import SortOption
    from servicecoach.store.contact_reasons import ReasonSort

    assert [s.value for s in SortOption] == [s.value for s in ReasonSort]


def test_rubric_imports_first_without_a_cycle() -> None:
    """Commands import what they need late; each such module must import on its own."""
    for module in ("servicecoach.rubric", "servicecoach.analysis.pipeline"):
        result = subprocess.run(
            [sys.executable, "-c", f"import {module}"], capture_output=True, text=True, timeout=120
        )
        assert result.returncode == 0, result.stderr
