"""Meta-tests: lint, types, sorted public APIs, and documentation that matches the code."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys

import pytest

from tests.conftest import REPO

SOURCE = REPO / "src" / "servicecoach"


def _modules() -> list[str]:
    return sorted(
        str(p.relative_to(REPO)) for p in SOURCE.rglob("*.py") if "migrations" not in p.parts
    )


@pytest.mark.parametrize("module", _modules())
def test_quality_public_modules_declare_all(module: str) -> None:
    """Modules with public classes or functions list them in ``__all__`` (ruff sorts it)."""
    tree = ast.parse((REPO / module).read_text(encoding="utf-8"))
    public = [
        node.name
        for node in tree.body
        if isinstance(node, ast.FunctionDef | ast.ClassDef) and not node.name.startswith("_")
    ]
    declared = [
        elt.value  # type: ignore[attr-defined]
        for node in tree.body
        if isinstance(node, ast.Assign)
        and any(isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets)
        for elt in node.value.elts  # type: ignore[attr-defined]
    ]
    assert set(public) <= set(declared), f"{module}: not in __all__: {set(public) - set(declared)}"


def test_quality_ruff_clean() -> None:
    ruff = shutil.which("ruff")
    if ruff is None:
        pytest.skip("ruff is not installed (pip install -e '.[test]')")
    lint = subprocess.run(
        [ruff, "check", "src", "tests", "benchmarks", "evaluation"],
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    assert lint.returncode == 0, lint.stdout
    fmt = subprocess.run(
        [ruff, "format", "--check", "src", "tests", "benchmarks", "evaluation"],
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    assert fmt.returncode == 0, fmt.stdout


@pytest.mark.slow
def test_quality_mypy_strict_clean() -> None:
    pytest.importorskip("mypy")
    result = subprocess.run(
        [sys.executable, "-m", "mypy"], cwd=REPO, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout


def _commands() -> list[str]:
    from servicecoach.cli.app import app

    names = [c.name for c in app.registered_commands if c.name]
    for group in app.registered_groups:
        if group.hidden is True:  # a former name kept as an alias (documented beside the new one)
            continue
        sub = group.typer_instance
        names += [f"{group.name} {c.name}" for c in sub.registered_commands if c.name]
    return sorted(names)


@pytest.mark.parametrize("command", _commands())
def test_quality_every_command_is_documented(command: str) -> None:
    docs = (REPO / "docs" / "cli.md").read_text(encoding="utf-8")
    assert f"servicecoach {command}" in docs, (
        f"docs/cli.md does not document `servicecoach {command}`"
    )


def test_quality_every_importer_is_documented() -> None:
    from servicecoach.ingest.registry import importers

    docs = (REPO / "docs" / "formats.md").read_text(encoding="utf-8")
    for name in importers():
        assert f"`{name}`" in docs, f"docs/formats.md does not describe the {name} importer"
