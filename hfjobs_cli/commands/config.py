"""`hfjobs config`: defaults for namespace, flavor, timeout and endpoint."""

from __future__ import annotations

from typing import Annotated

import typer

from hfjobs_cli import config
from hfjobs_cli.commands._common import app_context
from hfjobs_cli.errors import UsageError
from hfjobs_cli.options import JsonOpt
from hfjobs_cli.parsing import check_name, parse_duration
from hfjobs_cli.views.config import CONFIG_COLUMNS

config_app = typer.Typer(
    help="""Set defaults for --namespace, --flavor, --timeout and the endpoint.

    Examples:

      hfjobs config set namespace my-org

      hfjobs config list
    """,
    no_args_is_help=True,
)

KEYS = sorted(config.CONFIG_KEYS)
KeyArg = Annotated[
    str,
    typer.Argument(
        metavar="KEY",
        help=f"One of: {', '.join(KEYS)}.",
        autocompletion=lambda incomplete: [k for k in KEYS if k.startswith(incomplete)],
        show_default=False,
    ),
]


def _check_key(key: str) -> str:
    if key not in config.CONFIG_KEYS:
        raise UsageError(f"Unknown setting '{key}': use one of {', '.join(KEYS)}")
    return key


def validate(key: str, value: str) -> str:
    """The value as stored, or a UsageError naming what is wrong with it."""
    value = value.strip()
    if key == "timeout":
        parse_duration(value, what="timeout")
    elif key == "endpoint":
        value = config.endpoint_from(value)
    elif key == "max_cost":
        from hfjobs_cli.commands._hardware import parse_usd

        parse_usd(value, option="max_cost")
    elif key == "ci":
        from hfjobs_cli.ci import detect

        detect(value, {})
        value = value.lower()
    else:
        check_name(value, option=key)
    return value


@config_app.command("set")
def set_(
    ctx: typer.Context, key: KeyArg, value: Annotated[str, typer.Argument(metavar="VALUE")]
) -> None:
    """Save a default.

    Examples:

      hfjobs config set namespace my-org

      hfjobs config set timeout 2h
    """
    app = app_context(ctx)
    value = validate(_check_key(key), value)
    values = dict(app.config)
    values[key] = value
    config.save_config(values)
    app.output.result(f"{key} = {value}")


@config_app.command("get")
def get(ctx: typer.Context, key: KeyArg) -> None:
    """Print the value in effect for a setting (from the environment, the file or the default).

    Example:

      hfjobs config get flavor
    """
    app = app_context(ctx)
    setting = config.resolve_setting(_check_key(key), None, app.config)
    if setting.value is not None:
        app.output.line(setting.value)


@config_app.command("unset")
def unset(ctx: typer.Context, key: KeyArg) -> None:
    """Remove a saved default.

    Example:

      hfjobs config unset namespace
    """
    app = app_context(ctx)
    values = dict(app.config)
    if values.pop(_check_key(key), None) is None:
        app.output.info(f"{key} was not set")
        return
    config.save_config(values)
    app.output.result(f"{key} unset")


@config_app.command("list")
def list_(ctx: typer.Context, json: JsonOpt = False) -> None:
    """Show the profile, endpoint and namespace in effect, every setting, and their sources.

    Examples:

      hfjobs config list

      hfjobs --local config list --json
    """
    app = app_context(ctx)
    out = app.set_output(json=json)
    settings = {"profile": _profile_setting(app)}
    settings |= {key: _in_effect(app, key) for key in KEYS}

    def show() -> None:
        out.table(CONFIG_COLUMNS, [[key, s.value or "--", s.source] for key, s in settings.items()])
        saved = sorted(config.load_profiles())
        out.hint(f"Profiles: default, local (built in){''.join(f', {n}' for n in saved)}")
        out.hint(f"Config file: {config.config_path()}")

    out.report({k: {"value": s.value, "source": s.source} for k, s in settings.items()}, show)


def _profile_setting(app) -> config.Setting:
    import os

    if app.local:
        source = "--local" if not os.environ.get("HFJOBS_PROFILE") else "--profile"
        return config.Setting(config.LOCAL_PROFILE, source)
    if app.profile:
        app.profile_values()  # an unknown profile is an error here too
        env = os.environ.get("HFJOBS_PROFILE") == app.profile
        return config.Setting(app.profile, "HFJOBS_PROFILE environment variable" if env else "flag")
    return config.Setting(config.DEFAULT_PROFILE, "default")


def _in_effect(app, key: str) -> config.Setting:
    """The value a command would use: under --local, the emulator's endpoint and namespace."""
    if app.local and key in ("endpoint", "namespace"):
        from hfjobs_cli.emulator import control

        if key == "namespace":
            return config.Setting("local", "--local (the emulator's user)")
        info = control.status()
        url = info.url if info else "the local emulator (started on first use)"
        return config.Setting(url, "--local")
    return app.setting(key)


def register(app: typer.Typer) -> None:
    app.add_typer(config_app, name="config")
