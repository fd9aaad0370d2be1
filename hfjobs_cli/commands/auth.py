"""`hfjobs login`, `logout` and `whoami`."""

from __future__ import annotations

import sys

import typer

from hfjobs_cli import config
from hfjobs_cli.api.errors import AuthError
from hfjobs_cli.commands._common import app_context
from hfjobs_cli.context import stdin_is_terminal
from hfjobs_cli.errors import CliError, ExitCode, UsageError
from hfjobs_cli.hints import command
from hfjobs_cli.options import JsonOpt, TokenOpt


def _read_token() -> str:
    if stdin_is_terminal():
        import getpass

        value = getpass.getpass("Hugging Face token (input hidden): ")
    else:
        value = sys.stdin.readline()
    token = config.clean_token(value)
    if not token:
        raise UsageError(
            "No token given",
            hint="Create one at https://huggingface.co/settings/tokens, then: "
            f'echo "$TOKEN" | {command("login")}',
        )
    return token


def login(ctx: typer.Context) -> None:
    """Save a Hugging Face token for hfjobs, after checking it with the Hub.

    The token is read from a hidden prompt, or from one line of stdin when stdin is not a
    terminal. It is stored in the hfjobs config file (mode 0600) and never printed.

    Examples:

      hfjobs login

      echo "$HF_TOKEN" | hfjobs login
    """
    app = app_context(ctx)
    out = app.output
    token = _read_token()
    endpoint = config.endpoint_from(app.setting("endpoint").value)
    client = app.make_client(endpoint, token, "the token you entered")
    try:
        user = client.whoami()
    except AuthError as exc:
        raise CliError(
            f"The Hub rejected this token ({exc.status}); nothing was saved",
            hint="Check the token at https://huggingface.co/settings/tokens",
            code=ExitCode.AUTH,
        ) from None
    values = dict(app.config)
    values[config.TOKEN_KEY] = token
    path = config.save_config(values)
    out.result(f"Logged in as {user.name}")
    out.info(f"Token saved to {path}")
    import os

    if os.environ.get("HF_TOKEN"):
        out.warn("HF_TOKEN is set in your environment and takes precedence over the saved token")


def logout(ctx: typer.Context) -> None:
    """Remove the token that `hfjobs login` saved.

    Example:

      hfjobs logout
    """
    import os

    app = app_context(ctx)
    out = app.output
    values = dict(app.config)
    if config.TOKEN_KEY in values:
        del values[config.TOKEN_KEY]
        config.save_config(values)
        out.result("Logged out: the saved token was removed")
    else:
        out.info("No token saved by hfjobs")
    if os.environ.get("HF_TOKEN"):
        out.hint("HF_TOKEN is still set in your environment: hfjobs keeps using it")
    elif config.hf_token_path().exists():
        out.hint(
            f"The Hugging Face token file {config.hf_token_path()} is still used; "
            "remove it with `hf auth logout`"
        )


def whoami(ctx: typer.Context, token: TokenOpt = None, json: JsonOpt = False) -> None:
    """Show who the token belongs to, its organisations, and where the token came from.

    Examples:

      hfjobs whoami

      hfjobs whoami --json
    """
    app = app_context(ctx)
    out = app.set_output(json=json)
    client = app.client(token)
    user = client.whoami()
    if out.mode == "json":
        out.json(
            {
                "name": user.name,
                "type": user.type,
                "orgs": user.orgs,
                "tokenSource": client.token_source,
                "endpoint": client.endpoint,
            }
        )
        return
    out.fields(
        user.name,
        [
            ("User", user.name),
            ("Orgs", ", ".join(user.orgs) or "--"),
            ("Token from", client.token_source),
            ("Endpoint", client.endpoint),
        ],
    )


def register(app: typer.Typer) -> None:
    app.command("login")(login)
    app.command("logout")(logout)
    app.command("whoami")(whoami)
