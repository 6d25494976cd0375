"""Secrets in URLs stay out of the access log."""

from __future__ import annotations

import logging

import pytest

from servicecoach.server.logs import RedactSecrets, log_config, redact


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("/v1/hooks/chatwoot?secret=abc123", "/v1/hooks/chatwoot?secret=***"),
        ("/x?a=1&token=sc_abc&b=2", "/x?a=1&token=***&b=2"),
        ("/v1/analyze", "/v1/analyze"),
        ("/x?secretive=1", "/x?secretive=1"),
    ],
)
def test_logs_redact(line: str, expected: str) -> None:
    assert redact(line) == expected


def test_logs_access_record_is_redacted() -> None:
    record = logging.LogRecord(
        "uvicorn.access", logging.INFO, __file__, 1, '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:5000", "POST", "/v1/hooks/chatwoot?secret=hunter2hunter2", "1.1", 200),
        None,
    )  # fmt: skip
    assert RedactSecrets().filter(record)
    assert "hunter2" not in record.getMessage()


def test_logs_config_filters_every_handler() -> None:
    config = log_config("warning")
    assert config["loggers"]["servicecoach"]["level"] == "WARNING"
    assert config["filters"]["redact"]["()"] is RedactSecrets
    assert all(h["filters"] == ["redact"] for h in config["handlers"].values())
