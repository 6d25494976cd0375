"""The plugin guide's worked example: shown verbatim in docs/plugins.md, installed the way
pip installs it (a dist-info with its entry point), found by servicecoach, and used."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pluggy
import pytest

from servicecoach.ingest import registry
from servicecoach.plugins import ENTRY_POINT_GROUP, Hooks
from servicecoach.testing import read_all
from tests.conftest import REPO

EXAMPLE = REPO / "docs" / "examples" / "servicecoach-acmedesk"
GUIDE = REPO / "docs" / "plugins.md"
FILES = ("pyproject.toml", "src/servicecoach_acmedesk/__init__.py", "tickets.csv")


def _install(site: Path) -> Path:
    """Install the example into ``site`` as pip does: the module and a dist-info folder.

    The entry points are written from the example's own ``pyproject.toml``, so the test
    proves the declaration the guide shows. Returns the folder to put on ``sys.path``.
    """
    project = tomllib.loads((EXAMPLE / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    info = site / f"{project['name'].replace('-', '_')}-{project['version']}.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: {project['name']}\nVersion: {project['version']}\n",
        encoding="utf-8",
    )
    points = project["entry-points"][ENTRY_POINT_GROUP]
    (info / "entry_points.txt").write_text(
        f"[{ENTRY_POINT_GROUP}]\n" + "".join(f"{k} = {v}\n" for k, v in points.items()),
        encoding="utf-8",
    )
    module = site / "servicecoach_acmedesk"
    module.mkdir()
    source = EXAMPLE / "src" / "servicecoach_acmedesk" / "__init__.py"
    (module / "__init__.py").write_bytes(source.read_bytes())
    return site


@pytest.mark.parametrize("name", FILES)
def test_plugins_guide_shows_the_example_files_verbatim(name: str) -> None:
    guide = GUIDE.read_text(encoding="utf-8")
    blocks = re.findall(r"```[a-z]*\n(.*?)```", guide, flags=re.DOTALL)
    assert (EXAMPLE / name).read_text(encoding="utf-8") in blocks, (
        f"docs/plugins.md does not show {name} as it is in docs/examples"
    )


def test_plugins_example_is_found_through_its_entry_point(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.syspath_prepend(str(_install(tmp_path / "site")))
    monkeypatch.delitem(sys.modules, "servicecoach_acmedesk", raising=False)
    manager = pluggy.PluginManager(ENTRY_POINT_GROUP)
    manager.add_hookspecs(Hooks)
    manager.load_setuptools_entrypoints(ENTRY_POINT_GROUP)
    found = registry.importers(manager)
    assert list(found) == ["acmedesk"]
    tickets = EXAMPLE / "tickets.csv"
    assert registry.detect_format(tickets, found.values()).name == "acmedesk"
    conversations, problems = read_all(found["acmedesk"], [tickets])
    assert problems == []
    assert [(c.id, c.customer.email, [m.role.value for m in c]) for c in conversations] == [
        ("acmedesk-T-1001", "dana@example.com", ["customer", "agent", "customer"]),
        ("acmedesk-T-1002", "omar@example.net", ["customer", "agent"]),
    ]


def _servicecoach(
    site: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(site), *sys.path]),
        **(env or {}),
    }
    return subprocess.run(
        [sys.executable, "-m", "servicecoach", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


def test_plugins_example_imports_with_the_command_line(tmp_path: Path) -> None:
    """As the guide says: installed, listed by `formats`, detected and imported."""
    site = _install(tmp_path / "site")
    listed = _servicecoach(site, "formats")
    assert listed.returncode == 0, listed.stderr
    assert "acmedesk" in listed.stdout
    db = tmp_path / "coach.db"
    imported = _servicecoach(site, "import", str(EXAMPLE / "tickets.csv"), "--db", str(db))
    assert imported.returncode == 0, imported.stderr
    assert "2 conversations" in imported.stdout + imported.stderr
    bad = tmp_path / "tickets.csv"
    bad.write_text(
        (EXAMPLE / "tickets.csv").read_text(encoding="utf-8").replace(",staff,", ",robot,", 1),
        encoding="utf-8",
    )
    refused = _servicecoach(site, "import", str(bad), "--db", str(db))
    assert refused.returncode == 3
    assert "line 3: unknown sender_type 'robot' (use customer or staff)" in refused.stderr
