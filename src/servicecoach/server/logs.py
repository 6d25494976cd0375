"""Logging for ``servicecoach serve``: uvicorn's set-up, with secrets kept out of the log.

The Chatwoot hook's shared secret travels in its URL (``?secret=...``), and uvicorn's
access log writes every URL; :class:`RedactSecrets` replaces such values with ``***``
before a line is written. The servicecoach loggers (``servicecoach.server...``) write
through uvicorn's default handler.
"""

from __future__ import annotations

import copy
import logging
import re
from typing import Any

from uvicorn.config import LOGGING_CONFIG

__all__ = ["RedactSecrets", "log_config", "redact"]

_SECRET_QUERY = re.compile(r"([?&](?:secret|token|api_access_token)=)[^&\s]*", re.IGNORECASE)


def redact(text: str) -> str:
    """``text`` with the values of ``secret=``, ``token=`` query parameters replaced."""
    return _SECRET_QUERY.sub(r"\1***", text)


class RedactSecrets(logging.Filter):
    """Redact secrets in query strings of a log record's arguments (uvicorn's access log)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        elif isinstance(record.msg, str):
            record.msg = redact(record.msg)
        return True


def log_config(level: str = "info") -> dict[str, Any]:
    """uvicorn's logging configuration plus the redaction filter and servicecoach's loggers."""
    config = copy.deepcopy(LOGGING_CONFIG)
    config["filters"] = {"redact": {"()": RedactSecrets}}
    for handler in config["handlers"].values():
        handler["filters"] = ["redact"]
    config["loggers"]["servicecoach"] = {
        "handlers": ["default"],
        "level": level.upper(),
        "propagate": False,
    }
    return config
