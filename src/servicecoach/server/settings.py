"""The service's settings: from ``servicecoach serve`` options or ``SERVICECOACH_*`` variables.

Every setting has a default, so ``ServiceSettings()`` serves the default database with
no Chatwoot hook. :meth:`ServiceSettings.from_env` reads the environment (``serve``
writes its options there, so that each uvicorn worker process builds the same app).

===========================================  =======================================================
variable                                     setting
===========================================  =======================================================
``SERVICECOACH_DB``                          ``db``: SQLite file or ``postgresql://`` URL
``SERVICECOACH_RUBRIC``                      ``rubric``: the team rubric (TOML) for scoring
``SERVICECOACH_FAST``                        ``fast``: rules only, no learned models (1 or 0)
``SERVICECOACH_MAX_BODY_BYTES``              ``max_body_bytes``: largest request body (1 MiB)
``SERVICECOACH_TOKEN_TOUCH_SECONDS``         ``token_touch_seconds``: ``last_used_at`` precision
``SERVICECOACH_CHATWOOT_SECRET``             ``chatwoot_secret``: shared secret of the hook
``SERVICECOACH_CHATWOOT_URL``                ``chatwoot_url``: e.g. ``https://chat.example.com``
``SERVICECOACH_CHATWOOT_TOKEN``              ``chatwoot_token``: a Chatwoot access token
``SERVICECOACH_CHATWOOT_ACCOUNT``            ``chatwoot_account``: the only account id accepted
``SERVICECOACH_CHATWOOT_NOTES``              ``chatwoot_notes``: post results as private notes
``SERVICECOACH_CHATWOOT_TIMEOUT``            ``chatwoot_timeout``: seconds per Chatwoot request
``SERVICECOACH_CHATWOOT_MAX_MESSAGES``       ``chatwoot_max_messages``: messages fetched at most
``SERVICECOACH_SECRET_KEY``                  ``secret_key``: signs session cookies (else stored key)
``SERVICECOACH_COOKIE_SECURE``               ``cookie_secure``: Secure cookies (unset: when https)
``SERVICECOACH_SESSION_MAX_AGE``             ``session_max_age``: seconds a login lasts (14 days)
``SERVICECOACH_UPLOAD_MAX_BYTES``            ``upload_max_bytes``: largest import upload (200 MiB)
``SERVICECOACH_ASSIST_MAX_DRAFT_CHARS``      ``assist_max_draft_chars``: longest draft (20,000)
``SERVICECOACH_ASSIST_MAX_MESSAGES``         ``assist_max_messages``: messages before it (200)
``SERVICECOACH_ASSIST_MAX_CONTEXT_CHARS``    ``assist_max_context_chars``: their characters (50,000)
``SERVICECOACH_LOGIN_FAILURES_PER_ACCOUNT``  ``login_failures_per_account``: then 429 (10)
``SERVICECOACH_LOGIN_FAILURES_PER_CLIENT``   ``login_failures_per_client``: then 429 (30)
``SERVICECOACH_LOGIN_WINDOW``                ``login_window``: seconds failures count (900)
``SERVICECOACH_LOGIN_CONCURRENCY``           ``login_concurrency``: password checks at once (2)
===========================================  =======================================================
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from servicecoach.errors import ConfigError

__all__ = ["ENV_PREFIX", "ServiceSettings"]

ENV_PREFIX = "SERVICECOACH_"
MIB = 1024 * 1024


class ServiceSettings(BaseModel):
    """How the HTTP service runs. Immutable; build a new one to change it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    db: str | None = Field(
        default=None,
        description="Database: a SQLite file path or a postgresql:// URL "
        "(None: $SERVICECOACH_DB, else ./servicecoach.db).",
    )
    rubric: Path | None = Field(default=None, description="Team rubric (TOML) used for scoring.")
    fast: bool = Field(
        default=False, description="Score with the rules alone, without the learned models."
    )
    max_body_bytes: int = Field(
        default=MIB, ge=1024, description="Largest request body accepted, in bytes."
    )
    token_touch_seconds: float = Field(
        default=60.0, ge=0, description="Write a token's last_used_at at most this often."
    )
    chatwoot_secret: str | None = Field(
        default=None,
        description="Shared secret the Chatwoot hook must present; the hook is off without it.",
    )
    chatwoot_url: str | None = Field(
        default=None, description="Base URL of the Chatwoot installation."
    )
    chatwoot_token: str | None = Field(
        default=None, description="Chatwoot access token (a user's or an agent bot's)."
    )
    chatwoot_account: int | None = Field(
        default=None, description="Accept hook events of this Chatwoot account only."
    )
    chatwoot_notes: bool = Field(
        default=True, description="Post each result back as a private note (needs URL and token)."
    )
    chatwoot_timeout: float = Field(
        default=10.0, gt=0, description="Seconds allowed for each request to Chatwoot."
    )
    chatwoot_max_messages: int = Field(
        default=500, ge=1, description="Fetch at most this many messages of a conversation."
    )
    secret_key: str | None = Field(
        default=None,
        description="Key that signs session cookies (32+ characters); None: a random key "
        "generated once and kept in the store.",
    )
    cookie_secure: bool | None = Field(
        default=None,
        description="Mark session cookies Secure; None: when the request came over https.",
    )
    session_max_age: int = Field(
        default=14 * 24 * 3600, ge=60, description="Seconds a login lasts."
    )
    upload_max_bytes: int = Field(
        default=200 * MIB, ge=1024, description="Largest import upload (POST /v1/imports)."
    )
    # The live-assist caps; the defaults are servicecoach.assist.limits.DraftLimits' (not
    # imported here, so that reading the settings loads no analyser).
    assist_max_draft_chars: int = Field(
        default=20_000, ge=1, description="Live assist: longest draft, in characters (else 413)."
    )
    assist_max_messages: int = Field(
        default=200, ge=1, description="Live assist: most messages in the conversation so far."
    )
    assist_max_context_chars: int = Field(
        default=50_000,
        ge=1,
        description="Live assist: most characters in those messages, together (else 413).",
    )
    login_failures_per_account: int = Field(
        default=10, ge=1, description="Failed logins per username in login_window; then 429."
    )
    login_failures_per_client: int = Field(
        default=30, ge=1, description="Failed logins per client address in login_window; then 429."
    )
    login_window: int = Field(
        default=900, ge=1, description="Seconds over which failed logins are counted."
    )
    login_concurrency: int = Field(
        default=2, ge=1, description="Password checks at once (Argon2: 64 MiB each); others wait."
    )

    @field_validator("chatwoot_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        value = value.strip().rstrip("/")
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://, e.g. https://chat.example.com")
        return value

    @field_validator("chatwoot_secret", "chatwoot_token", "db", "secret_key")
    @classmethod
    def _blank_is_none(cls, value: str | None) -> str | None:
        return value.strip() or None if value is not None else None

    @field_validator("chatwoot_secret")
    @classmethod
    def _long_secret(cls, value: str | None) -> str | None:
        if value is not None and len(value) < 16:
            raise ValueError(
                "is too short: use 16 characters or more, e.g. "
                "python -c 'import secrets; print(secrets.token_urlsafe(24))'"
            )
        return value

    @field_validator("secret_key")
    @classmethod
    def _long_key(cls, value: str | None) -> str | None:
        if value is not None and len(value) < 32:
            raise ValueError(
                "is too short: use 32 characters or more, e.g. "
                "python -c 'import secrets; print(secrets.token_urlsafe(32))'"
            )
        return value

    @property
    def chatwoot_api(self) -> bool:
        """True when the Chatwoot API can be called (URL and token given)."""
        return self.chatwoot_url is not None and self.chatwoot_token is not None

    @classmethod
    def build(cls, **values: object) -> ServiceSettings:
        """Settings from keyword values; ``None`` values keep the default.

        Raises:
            ConfigError: a value is invalid; the message names the setting.
        """
        given = {k: v for k, v in values.items() if v is not None}
        try:
            return cls.model_validate(given)
        except ValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(str(p) for p in error['loc'])}: {error['msg']}"
                for error in exc.errors()
            )
            raise ConfigError(f"invalid service setting: {problems}") from None

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> ServiceSettings:
        """Settings from ``SERVICECOACH_*`` variables (unset ones keep their default).

        Raises:
            ConfigError: a variable has an invalid value.
        """
        environ = os.environ if environ is None else environ
        values: dict[str, object] = {}
        for name in cls.model_fields:
            raw = environ.get(ENV_PREFIX + name.upper())
            if raw is not None and raw != "":
                values[name] = raw
        try:
            return cls.model_validate(values)
        except ValidationError as exc:
            problems = "; ".join(
                f"{ENV_PREFIX}{str(error['loc'][0]).upper()}: {error['msg']}"
                for error in exc.errors()
            )
            raise ConfigError(f"invalid service setting: {problems}") from None

    def to_env(self) -> dict[str, str]:
        """The ``SERVICECOACH_*`` variables that :meth:`from_env` reads back as these settings."""
        out: dict[str, str] = {}
        for name, value in self.model_dump().items():
            if value is None:
                continue
            text = ("1" if value else "0") if isinstance(value, bool) else str(value)
            out[ENV_PREFIX + name.upper()] = text
        return out
