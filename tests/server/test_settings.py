"""Service settings: defaults, environment variables, validation that names the setting."""

from __future__ import annotations

from pathlib import Path

import pytest

from servicecoach.errors import ConfigError
from servicecoach.server.settings import ServiceSettings


def test_settings_defaults() -> None:
    settings = ServiceSettings()
    assert settings.max_body_bytes == 1024 * 1024
    assert settings.chatwoot_secret is None and not settings.chatwoot_api
    assert settings.chatwoot_notes is True


def test_settings_from_env_round_trip() -> None:
    environ = {
        "SERVICECOACH_DB": "/srv/coach.db",
        "SERVICECOACH_RUBRIC": "/srv/team.toml",
        "SERVICECOACH_FAST": "1",
        "SERVICECOACH_MAX_BODY_BYTES": "2097152",
        "SERVICECOACH_CHATWOOT_URL": "https://chat.example.org/",
        "SERVICECOACH_CHATWOOT_TOKEN": "cw-token",
        "SERVICECOACH_CHATWOOT_SECRET": "0123456789abcdef",
        "SERVICECOACH_CHATWOOT_ACCOUNT": "3",
        "SERVICECOACH_CHATWOOT_NOTES": "0",
        "UNRELATED": "x",
    }
    settings = ServiceSettings.from_env(environ)
    assert settings.db == "/srv/coach.db"
    assert settings.rubric == Path("/srv/team.toml")
    assert settings.fast is True
    assert settings.max_body_bytes == 2 * 1024 * 1024
    assert settings.chatwoot_url == "https://chat.example.org"
    assert settings.chatwoot_api
    assert settings.chatwoot_account == 3
    assert settings.chatwoot_notes is False
    assert ServiceSettings.from_env(settings.to_env()) == settings


@pytest.mark.parametrize(
    ("environ", "names"),
    [
        ({"SERVICECOACH_MAX_BODY_BYTES": "lots"}, "SERVICECOACH_MAX_BODY_BYTES"),
        ({"SERVICECOACH_MAX_BODY_BYTES": "10"}, "SERVICECOACH_MAX_BODY_BYTES"),
        ({"SERVICECOACH_CHATWOOT_URL": "chat.example.org"}, "https://"),
        ({"SERVICECOACH_CHATWOOT_SECRET": "short"}, "too short"),
        ({"SERVICECOACH_CHATWOOT_ACCOUNT": "first"}, "SERVICECOACH_CHATWOOT_ACCOUNT"),
    ],
)
def test_settings_bad_env_names_the_variable(environ: dict[str, str], names: str) -> None:
    with pytest.raises(ConfigError, match=names):
        ServiceSettings.from_env(environ)


def test_settings_build_ignores_none_and_names_the_option() -> None:
    assert ServiceSettings.build(db=None, max_body_bytes=None) == ServiceSettings()
    with pytest.raises(ConfigError, match="max_body_bytes"):
        ServiceSettings.build(max_body_bytes=1)
