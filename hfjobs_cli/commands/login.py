"""`hfjobs login`: save a checked token; the profile option `logout` shares."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from hfjobs_cli import config
from hfjobs_cli.api.errors import AuthError
from hfjobs_cli.commands._common import app_context
from hfjobs_cli.errors import CliError, ExitCode, UsageError
from hfjobs_cli.hints import command
from hfjobs_cli.invocation import stdin_is_terminal


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


ProfileOpt = Annotated[
    str | None,
    typer.Option(
        "--profile",
        metavar="NAME",
        help="Save this login as a named profile (default: the profile in effect).",
        show_default=False,
    ),
]


def _target_profile(app, profile: str | None) -> str:
    name = profile or app.profile_name
    if name == config.LOCAL_PROFILE:
        raise UsageError(
            "The local profile needs no login: the emulator's own token is used",
            hint="Run jobs with `hfjobs --local ...`",
        )
    return config.check_profile_name(name)


def login(
    ctx: typer.Context,
    profile: ProfileOpt = None,
    endpoint: Annotated[
        str | None,
        typer.Option(
            "--endpoint",
            metavar="URL",
            help="Hub URL this token is for (default: HF_ENDPOINT, the config, or huggingface.co).",
            show_default=False,
        ),
    ] = None,
    namespace: Annotated[
        str | None,
        typer.Option(
            "--namespace",
            metavar="NAMESPACE",
            help="Default namespace of a named profile.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Save a Hugging Face token for hfjobs, after checking it with the Hub.

    The token is read from a hidden prompt, or from one line of stdin when stdin is not a
    terminal. It is stored in the hfjobs config file (mode 0600) with the endpoint it was
    checked with, is sent to no other endpoint, and is never printed. With --profile NAME it is
    saved as a profile of its own, used with `hfjobs --profile NAME ...`.

    Examples:

      hfjobs login

      echo "$HF_TOKEN" | hfjobs login

      hfjobs login --profile work --endpoint https://hub.example.com
    """
    import os

    app = app_context(ctx)
    out = app.output
    name = _target_profile(app, profile)
    if namespace is not None:
        from hfjobs_cli.parsing import check_name

        check_name(namespace, option="--namespace")
    profiles = config.load_profiles()
    saved = profiles.get(name, {})
    if endpoint is not None:
        url = config.endpoint_from(endpoint)
    elif name != config.DEFAULT_PROFILE and saved.get("endpoint"):
        url = saved["endpoint"]
    else:
        url = config.endpoint_from(config.resolve_setting("endpoint", None, app.config).value)
    token = _read_token()
    client = app.make_client(url, token, "the token you entered")
    try:
        user = client.whoami()
    except AuthError as exc:
        raise CliError(
            f"The Hub rejected this token ({exc.status}); nothing was saved",
            hint="Check the token at https://huggingface.co/settings/tokens",
            code=ExitCode.AUTH,
        ) from None
    if name == config.DEFAULT_PROFILE:
        values = dict(app.config)
        values[config.TOKEN_KEY] = token
        values[config.TOKEN_ENDPOINT_KEY] = url
        if namespace:
            values["namespace"] = namespace
        path = config.save_config(values, profiles=profiles)
    else:
        profiles[name] = {
            **saved,
            "endpoint": url,
            config.TOKEN_KEY: token,
            **({"namespace": namespace} if namespace else {}),
        }
        path = config.save_config(dict(app.config), profiles=profiles)
    where = "" if name == config.DEFAULT_PROFILE else f" (profile {name})"
    out.result(f"Logged in as {user.name} on {url}{where}")
    out.info(f"Token saved to {path}")
    if name != config.DEFAULT_PROFILE:
        out.hint(f"Use it: hfjobs --profile {name} ps")
    elif os.environ.get("HF_TOKEN"):
        out.warn("HF_TOKEN is set in your environment and takes precedence over the saved token")


def register(app: typer.Typer) -> None:
    app.command("login")(login)
