"""Which plugins load (SERVICECOACH_PLUGINS) and ``servicecoach analyzers list``."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pluggy
import pytest

from servicecoach.analysis.registry import analyzers, registrations
from servicecoach.errors import ConfigError
from servicecoach.plugins import (
    BUILTIN_PLUGINS,
    ENTRY_POINT_GROUP,
    Hooks,
    chosen_plugins,
    plugin_origins,
)
from tests.cli.helpers import run_cli
from tests.test_plugins import _install, _servicecoach


@pytest.mark.parametrize(("setting", "chosen"), [(None, None), ("", None), (" none ", set())])
def test_plugins_setting_all_or_none(setting: str | None, chosen: set[str] | None) -> None:
    assert chosen_plugins(setting) == (None if chosen is None else frozenset(chosen))


def test_plugins_setting_naming_an_uninstalled_plugin_is_an_error() -> None:
    with pytest.raises(ConfigError, match="SERVICECOACH_PLUGINS names nosuch, which is not"):
        chosen_plugins("nosuch")


def test_plugins_setting_limits_what_the_command_line_loads(tmp_path: Path) -> None:
    site = _install(tmp_path / "site")
    every = _servicecoach(site, "formats")
    assert every.returncode == 0 and "acmedesk" in every.stdout
    builtins_only = _servicecoach(site, "formats", env={"SERVICECOACH_PLUGINS": "none"})
    assert builtins_only.returncode == 0 and "acmedesk" not in builtins_only.stdout
    named = _servicecoach(site, "formats", env={"SERVICECOACH_PLUGINS": "acmedesk"})
    assert named.returncode == 0 and "acmedesk" in named.stdout
    typo = _servicecoach(site, "formats", env={"SERVICECOACH_PLUGINS": "acmedsk"})
    assert typo.returncode == 2
    assert "acmedsk, which is not installed (installed plugins: acmedesk" in typo.stderr


def test_plugin_origins_name_the_distribution(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.syspath_prepend(str(_install(tmp_path / "site")))
    monkeypatch.delitem(sys.modules, "servicecoach_acmedesk", raising=False)
    manager = pluggy.PluginManager(ENTRY_POINT_GROUP)
    manager.add_hookspecs(Hooks)
    manager.load_setuptools_entrypoints(ENTRY_POINT_GROUP)
    assert plugin_origins(manager) == {"acmedesk": "servicecoach-acmedesk 0.1.0"}


def test_analyzers_list_shows_every_analyser_and_its_plugin(
    capsys: pytest.CaptureFixture[str],
) -> None:
    result = run_cli(capsys, "analyzers", "list", "--json")
    assert result.code == 0, result.err
    rows = json.loads(result.out)
    assert [r["name"] for r in rows] == list(analyzers())
    assert {r["from"] for r in rows} == {"built-in"}
    assert {r["plugin"] for r in rows} <= set(BUILTIN_PLUGINS)
    assert {r["name"]: r["skill"] for r in rows}["listening"] == "active_listening"
    assert {r["name"]: r["skill_label"] for r in rows}["listening"] == "Active listening"
    assert not any(r["new_skill"] for r in rows)
    table = run_cli(capsys, "analyzers", "list")
    assert table.code == 0 and "responsiveness" in table.out and "built-in" in table.out
    assert set(registrations()) == set(analyzers())
