"""The layer order of docs/architecture.md, enforced: import-linter's contracts in pyproject.toml.

The contracts (``[tool.importlinter]``) list the layers; a module may import only the
layers listed after its own. import-linter follows every import, including those inside
functions, so a lazy import across a layer fails here too.
"""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from tests.conftest import REPO

SOURCE = REPO / "src" / "servicecoach"
_NOT_LAYERS = {"__init__", "__main__"}
"""The package itself (its version) and ``python -m servicecoach``, which runs the CLI."""


def _contracts() -> list[dict[str, object]]:
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    contracts: list[dict[str, object]] = config["tool"]["importlinter"]["contracts"]
    return contracts


def _code_folders() -> list[Path]:
    """The folders directly under ``servicecoach`` that hold Python code (not only data)."""
    return sorted(p for p in SOURCE.iterdir() if p.is_dir() and any(p.rglob("*.py")))


def _top_level_modules() -> set[str]:
    """Every module and package directly under ``servicecoach``."""
    modules = {p.stem for p in SOURCE.glob("*.py")} | {p.name for p in _code_folders()}
    return {f"servicecoach.{name}" for name in modules - _NOT_LAYERS}


def test_layers_import_contracts_are_kept() -> None:
    """lint-imports passes; on failure its report names each import that breaks a contract."""
    lint_imports = Path(sys.executable).parent / "lint-imports"
    if not lint_imports.exists():
        pytest.skip("import-linter is not installed (pip install -e '.[test]')")
    result = subprocess.run(
        [str(lint_imports), "--no-cache"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_layers_cover_every_top_level_module() -> None:
    """A new package or module gets a place in the layer order (and in the doc)."""
    layers = next(c for c in _contracts() if c["type"] == "layers")["layers"]
    assert isinstance(layers, list)
    missing = _top_level_modules() - set(layers)
    assert not missing, f"add {sorted(missing)} to the layers in pyproject.toml"


@pytest.mark.parametrize("package", _code_folders(), ids=lambda p: p.name)
def test_layers_packages_are_regular(package: Path) -> None:
    """import-linter skips a code folder without ``__init__.py``: its imports go unchecked."""
    assert (package / "__init__.py").exists(), f"{package.relative_to(REPO)} needs __init__.py"
