"""The importer registry: built-ins and third-party plugins through the same hook."""

from __future__ import annotations

import sys
import types
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import ClassVar

import pluggy
import pytest

from servicecoach.errors import ConfigError, FormatDetectionError
from servicecoach.ingest import registry
from servicecoach.ingest.base import Importer, ImportOptions, Item, Source
from servicecoach.model import Channel, Conversation, Message, Role
from servicecoach.plugins import Hooks, hookimpl, plugin_manager
from servicecoach.services.imports import plan_import
from tests.conftest import SAMPLES

BUILTIN = {
    "aws_transcribe", "chatwoot", "email", "jsonl", "srt", "twcs", "vtt", "whisper", "zendesk",
    "aws_call_analytics", "deepgram",
    "intercom",
    "freshdesk", "gorgias",
    "helpscout",
    "parquet",
}  # fmt: skip


class PipeImporter(Importer):
    """A toy third-party format: one line per message, ``role|text``."""

    name: ClassVar[str] = "pipe"
    title: ClassVar[str] = "role|text lines"
    extensions: ClassVar[tuple[str, ...]] = (".pipe",)

    def detect(self, path: Path, head: bytes) -> int:
        return 90 if head.startswith(b"customer|") else 0

    def read(self, sources: Sequence[Source], options: ImportOptions) -> Iterator[Item]:
        for source in sources:
            lines = source.read_text().splitlines()
            messages = tuple(
                Message(str(i), Role(line.split("|")[0]), line.split("|", 1)[1])
                for i, line in enumerate(lines)
            )
            yield Conversation(f"pipe-{source.path.stem}", Channel.CHAT, messages, source=self.name)


def _manager_with(*plugins: object) -> pluggy.PluginManager:
    manager = pluggy.PluginManager("servicecoach")
    manager.add_hookspecs(Hooks)
    from servicecoach.ingest import builtin

    manager.register(builtin)
    for plugin in plugins:
        manager.register(plugin)
    return manager


def _plugin(register_body: Callable[[Callable[[Importer], None]], None]) -> types.ModuleType:
    module = types.ModuleType("fake_plugin")

    @hookimpl
    def register_importers(register: Callable[[Importer], None]) -> None:
        register_body(register)

    module.register_importers = register_importers  # type: ignore[attr-defined]
    return module


def test_registry_lists_every_builtin_importer() -> None:
    assert set(registry.importers()) == BUILTIN


def test_registry_third_party_plugin_uses_the_same_hook(tmp_path: Path) -> None:
    manager = _manager_with(_plugin(lambda register: register(PipeImporter())))
    assert "pipe" in registry.importers(manager)
    path = tmp_path / "chat.pipe"
    path.write_text("customer|hi\nagent|hello\n")
    chosen = registry.detect_format(path, registry.importers(manager).values())
    assert chosen.name == "pipe"


def test_registry_duplicate_names_are_refused() -> None:
    from servicecoach.ingest.jsonl import JsonlImporter

    manager = _manager_with(_plugin(lambda register: register(JsonlImporter())))
    with pytest.raises(ConfigError, match="jsonl"):
        registry.importers(manager)


def test_registry_unknown_format_lists_the_known_ones() -> None:
    with pytest.raises(FormatDetectionError, match="zendesk"):
        registry.get_importer("kayako")


def test_registry_undetectable_file_asks_for_format(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("just some notes\n")
    with pytest.raises(FormatDetectionError, match="--format"):
        plan_import([path])


def test_registry_expand_paths_skips_hidden_files(tmp_path: Path) -> None:
    (tmp_path / "a.jsonl").write_text("")
    (tmp_path / ".hidden").write_text("")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.jsonl").write_text("")
    assert registry.expand_paths([tmp_path]) == [tmp_path / "a.jsonl", tmp_path / "sub" / "b.jsonl"]
    with pytest.raises(FormatDetectionError, match="no such file"):
        registry.expand_paths([tmp_path / "missing"])


def test_registry_detects_every_bundled_sample() -> None:
    plan = plan_import([SAMPLES])
    found = {fmt for _, fmt in plan.files}
    assert found == BUILTIN - {"parquet"}  # binary, no sample: tests/scale writes its own
    by_folder = {path.parent.name: set() for path, _ in plan.files}
    for path, fmt in plan.files:
        by_folder[path.parent.name].add(fmt)
    assert by_folder["native"] == {"jsonl"}
    assert by_folder["zendesk"] == {"zendesk"}


def test_registry_plugin_manager_is_loaded_once() -> None:
    assert plugin_manager() is plugin_manager()
    assert "servicecoach.builtin_importers" in dict(plugin_manager().list_name_plugin())
    assert sys.modules["servicecoach.ingest.builtin"]


def test_registry_empty_file_is_named_as_empty(tmp_path: Path) -> None:
    path = tmp_path / "export.json"
    path.write_text("  \n")
    with pytest.raises(FormatDetectionError, match="the file is empty"):
        registry.detect_format(path, registry.importers().values())


def test_registry_a_failing_detect_counts_as_no(tmp_path: Path) -> None:
    class Broken(PipeImporter):
        name: ClassVar[str] = "broken"

        def detect(self, path: Path, head: bytes) -> int:
            raise RecursionError("plugin bug")

    path = tmp_path / "chat.pipe"
    path.write_text("customer|hi\n")
    assert registry.detect_format(path, [Broken(), PipeImporter()]).name == "pipe"
