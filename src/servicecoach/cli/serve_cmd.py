"""``servicecoach serve``: run the HTTP service (FastAPI on uvicorn)."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape

from servicecoach.cli.options import DbOption
from servicecoach.cli.output import err_console
from servicecoach.errors import ConfigError

if TYPE_CHECKING:
    from servicecoach.server.settings import ServiceSettings

__all__ = ["serve_command"]

_APP = "servicecoach.server.app:app_from_env"
_LOG_LEVELS = ("debug", "info", "warning", "error")
_GRACEFUL_SHUTDOWN_S = 10
"""Seconds requests in progress get to finish after SIGTERM or Ctrl+C; then they are cut.

Analysis and live assist run on worker threads, so the event loop sees the signal at
once; a check at the live-assist caps takes about a second."""


def _settings(**options: object) -> ServiceSettings:
    """The environment's settings, with the options given on the command line on top."""
    from servicecoach.server.settings import ServiceSettings

    base = ServiceSettings.from_env().model_dump()
    return ServiceSettings.build(**{**base, **{k: v for k, v in options.items() if v is not None}})


def _print_openapi(settings: ServiceSettings) -> None:
    from servicecoach.server.app import create_app

    document = create_app(settings).openapi()
    sys.stdout.write(json.dumps(document, indent=2, ensure_ascii=False) + "\n")


def _shown_database(db: str | None) -> str:
    from sqlalchemy.engine import make_url

    from servicecoach.store.database import database_url

    url = make_url(database_url(db))
    if url.get_backend_name() == "sqlite":
        return str(url.database or ":memory:")
    return url.render_as_string(hide_password=True)


def _announce(settings: ServiceSettings, host: str, port: int, db: str | None) -> None:
    from servicecoach.store.database import Store
    from servicecoach.store.tokens import active_token_count
    from servicecoach.store.users import user_count

    with Store.open(settings.db) as store, store.connect() as connection:
        tokens = active_token_count(connection)
        users = user_count(connection)
    where = f"http://{host}:{port}" if ":" not in host else f"http://[{host}]:{port}"
    shown = escape(_shown_database(settings.db))
    err_console.print(
        f"[green]servicecoach API[/green] on {where}  (OpenAPI: {where}/openapi.json)\n"
        f"database: {shown}; {tokens} active API token{'' if tokens == 1 else 's'}"
    )
    db_flag = f" --db {escape(db)}" if db else ""
    if tokens == 0:
        err_console.print(
            "[yellow]warning:[/yellow] no API token exists yet, so every /v1 request without "
            "a login is refused (401): create one with  "
            f"servicecoach tokens create NAME{db_flag}"
        )
    else:
        err_console.print(f"more tokens: servicecoach tokens create NAME{db_flag}")
    if users == 0:
        err_console.print(
            "[yellow]note:[/yellow] no web app user exists yet, so nobody can log in at "
            f"{where}: create one with  servicecoach users create NAME --role admin{db_flag}"
        )
    if settings.chatwoot_secret:
        api = (
            f"reads conversations from {escape(settings.chatwoot_url or '')}"
            + (", posts private notes" if settings.chatwoot_notes else "")
            if settings.chatwoot_api
            else "scores the messages each event carries (no SERVICECOACH_CHATWOOT_URL/TOKEN)"
        )
        err_console.print(f"Chatwoot hook: {where}/v1/hooks/chatwoot?secret=…  ({api})")
    if host in ("0.0.0.0", "::"):
        err_console.print(
            "[yellow]note:[/yellow] listening on every interface; serve it behind HTTPS "
            "(a reverse proxy) so that tokens are not sent in clear"
        )


def serve_command(
    host: Annotated[
        str, typer.Option("--host", help="Address to listen on (0.0.0.0: every interface).")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", "-p", help="Port.", min=1, max=65535)] = 8000,
    db: DbOption = None,
    workers: Annotated[
        int, typer.Option("--workers", "-w", help="Worker processes (one per core).", min=1)
    ] = 1,
    rubric: Annotated[
        Path | None, typer.Option("--rubric", help="Team rubric (TOML) used for scoring.")
    ] = None,
    fast: Annotated[
        bool, typer.Option("--fast", help="Rules only, without the learned models.")
    ] = False,
    max_body_bytes: Annotated[
        int | None,
        typer.Option(
            "--max-body-bytes", help="Largest request body accepted (default 1 MiB).", min=1024
        ),
    ] = None,
    chatwoot_url: Annotated[
        str | None,
        typer.Option(
            "--chatwoot-url",
            help="Chatwoot base URL for the hook, e.g. https://chat.example.com "
            "(token and secret: SERVICECOACH_CHATWOOT_TOKEN, SERVICECOACH_CHATWOOT_SECRET).",
        ),
    ] = None,
    chatwoot_account: Annotated[
        int | None,
        typer.Option("--chatwoot-account", help="Accept hook events of this account id only."),
    ] = None,
    chatwoot_notes: Annotated[
        bool | None,
        typer.Option(
            "--chatwoot-notes/--no-chatwoot-notes",
            help="Post each result back to Chatwoot as a private note (default: on).",
            show_default=False,
        ),
    ] = None,
    log_level: Annotated[
        str, typer.Option("--log-level", help="debug, info, warning or error.")
    ] = "info",
    print_openapi: Annotated[
        bool,
        typer.Option(
            "--print-openapi", help="Print the OpenAPI document (JSON) and exit; starts nothing."
        ),
    ] = False,
) -> None:
    """Run the HTTP service: the web app, its /v1 data API, /v1/analyze, /v1/assist and
    the Chatwoot hook.

    People log in to the web app as users (servicecoach users create NAME --role ...);
    every /v1 request needs a login session or an API token (servicecoach tokens
    create NAME). Settings
    not given as options are read from SERVICECOACH_* variables (docs/api.md); secrets
    (the Chatwoot token and hook secret) only from the environment, so they stay out of
    the process list. Stop it with Ctrl+C or SIGTERM: requests in progress get 10
    seconds to finish.
    """
    if log_level.lower() not in _LOG_LEVELS:
        raise ConfigError(f"--log-level {log_level!r}: use one of {', '.join(_LOG_LEVELS)}")
    settings = _settings(
        db=db,
        rubric=rubric,
        fast=True if fast else None,
        max_body_bytes=max_body_bytes,
        chatwoot_url=chatwoot_url,
        chatwoot_account=chatwoot_account,
        chatwoot_notes=chatwoot_notes,
    )
    if print_openapi:
        _print_openapi(settings)
        return
    import uvicorn

    import servicecoach.analysis  # noqa: F401  before the rubric: they import each other
    from servicecoach.rubric import load_rubric
    from servicecoach.server.logs import log_config

    load_rubric(settings.rubric)  # a bad rubric fails here, plainly, not in every worker
    _announce(settings, host, port, db)
    os.environ.update(settings.to_env())
    uvicorn.run(
        _APP,
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level=log_level.lower(),
        log_config=log_config(log_level),
        server_header=False,
        timeout_graceful_shutdown=_GRACEFUL_SHUTDOWN_S,
    )
