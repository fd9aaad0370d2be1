"""The command registry: every top-level command with its module and summary, the root
options, and the typer app built from them (with every command, with one, or with stubs)."""

from __future__ import annotations

import os
import sys
from typing import Annotated

import typer

from hfjobs_cli import __version__
from hfjobs_cli.completion import COMPLETE_VAR, typed_words

EPILOG = """\b
Exit codes:
  0    success; an attached or awaited job ended COMPLETED
  1    the job ended in ERROR, a conflict (409), or an unexpected failure
  2    usage error or invalid input, including a 400/422 from the server
  3    the job was CANCELED or DELETED
  4    not logged in, token rejected (401) or not allowed (403)
  5    not found (404): job, scheduled job, webhook or namespace
  6    the API could not be reached or kept failing (network, 5xx)
  124  a wait limit ran out (wait --timeout)
  130  interrupted (Ctrl-C); an attached job keeps running
  143  terminated (SIGTERM); in CI or with --cancel-on-exit the job is cancelled first

\b
Environment variables:
  HF_TOKEN           Hugging Face token (beats the saved one)
  HF_ENDPOINT        Hub URL (default https://huggingface.co)
  HF_TOKEN_PATH      token file of `hf auth login` (default $HF_HOME/token)
  HFJOBS_NAMESPACE   default namespace; HFJOBS_FLAVOR, HFJOBS_TIMEOUT likewise
  HFJOBS_LOCAL=1     same as --local
  HFJOBS_PROFILE     same as --profile
  HFJOBS_CI          same as --ci (auto, github, gitlab, off)
  HFJOBS_CONFIG_DIR  where config.toml lives
  HFJOBS_DEBUG=1     show tracebacks
  NO_COLOR           no colour

\b
Examples:
  hfjobs --local run python:3.12 python -c "print('hello from a job')"
  hfjobs run --flavor t4-small -d pytorch/pytorch python train.py
  hfjobs ps -a
  hfjobs logs -f 6650a1b2c3d4e5f60718293a
"""
# Every top-level command: its module under hfjobs_cli/commands and its one-line summary, in
# the order of the root help (typer lists plain commands first, then groups). Only the module of the command being run is imported, so
# `hfjobs ps --help` builds one command, and the root help and command-name completion build
# none; tests/test_help.py checks these summaries against the commands' own docstrings.
COMMANDS: dict[str, tuple[str, str]] = {
    "run": ("run", "Run a command in a Docker image or a Space on Hugging Face hardware."),
    "ps": ("ps", "List jobs, newest first: running and scheduling ones unless -a or --status."),
    "inspect": ("inspect", "Show the status, timings, spec and URL of jobs."),
    "logs": ("logs", "Print the log lines a job has written so far, or follow them with -f."),
    "attach": ("attach", "Follow a job started elsewhere to its end, with the exit code of an attached run."),
    "cancel": ("cancel", "Cancel jobs; an unknown id is reported and the others are still cancelled."),
    "wait": ("wait", "Wait until jobs end: exit 0 if all completed, 1 if any failed, 3 if any was cancelled."),
    "rerun": ("rerun", "Run a job again, as it was (the Hub duplicates it) or with overrides."),
    "stats": ("stats", "Show the CPU, memory, network and GPU use of running jobs."),
    "labels": ("labels", "Show or replace a job's labels (the name is the `name` label)."),
    "expose": ("expose", "Replace the ports a running job publishes through the jobs proxy, and print their URLs."),
    "ssh": ("ssh", "Open a shell in a job started with --ssh, waiting until it runs."),
    "cost": ("cost", "Total what finished jobs cost, per day, flavor or label, from durations and prices."),
    "hardware": ("hardware", "List the hardware flavors with their CPU, memory, accelerator and price."),
    "login": ("login", "Save a Hugging Face token for hfjobs, after checking it with the Hub."),
    "logout": ("logout", "Remove the token that `hfjobs login` saved."),
    "whoami": ("whoami", "Show who the token belongs to, its organisations, and where the token came from."),
    "doctor": ("doctor", "Check the setup in one report: version, endpoint, token, hardware, emulator, CI."),
    "completion": ("completion", "Print the Tab-completion script for a shell; your rc files are left alone."),
    "man": ("man", "Print the hfjobs(1) man page, generated from the help of every command."),
    # groups: typer lists them after the commands
    "uv": ("uv", "Run Python scripts with uv (dependencies from PEP 723 headers or --with)."),
    "schedule": ("schedule", "Run jobs on a cron schedule: create, list, inspect, pause, trigger."),
    "webhook": ("webhook", "Start jobs when a watched model, dataset, Space, user or org changes."),
    "config": ("config", "Set defaults for --namespace, --flavor, --timeout and the endpoint."),
    "emulator": ("emulator", "Run the Jobs API locally: no account, jobs run on this machine."),
}  # fmt: skip
ALIASES = {"ls": "ps"}  # hidden spellings of a command
ROOT_FLAGS = {"--local", "--version", "-V", "-h", "--help"}
ROOT_OPTIONS = {"--profile", "--ci", "--ci-dotenv"}  # root options that take a value


def _version(value: bool) -> None:
    if value:
        sys.stdout.write(f"hfjobs {__version__}\n")
        raise typer.Exit()


def root(
    ctx: typer.Context,
    local: Annotated[
        bool,
        typer.Option(
            "--local",
            envvar="HFJOBS_LOCAL",
            help="Use the local emulator (started if needed): no account, jobs run here.",
        ),
    ] = False,
    profile: Annotated[
        str | None,
        typer.Option(
            "--profile",
            envvar="HFJOBS_PROFILE",
            metavar="NAME",
            help="Use a saved login (see `hfjobs login --profile`); `local` is the emulator.",
            show_default=False,
        ),
    ] = None,
    ci: Annotated[
        str | None,
        typer.Option(
            "--ci",
            metavar="auto|github|gitlab|off",
            help="CI behaviour: log groups, annotations, summary, outputs (default: auto).",
            show_default=False,
        ),
    ] = None,
    ci_dotenv: Annotated[
        str | None,
        typer.Option(
            "--ci-dotenv",
            metavar="FILE",
            help="Write the job's id, URL and stage to a dotenv file (GitLab reports).",
            show_default=False,
        ),
    ] = None,
    version: Annotated[
        bool,
        typer.Option(
            "-V",
            "--version",
            callback=_version,
            is_eager=True,
            help="Print the version and exit.",
        ),
    ] = False,
) -> None:
    """Run and manage Hugging Face Jobs from the terminal, scripts and CI."""
    from hfjobs_cli import hints
    from hfjobs_cli.invocation import Invocation  # not needed by --help or a Tab press

    if profile == "local":  # the built-in profile of the emulator
        local, profile = True, None
    if profile == "default":
        profile = None
    hints.set_globals(local=local, profile=profile)
    if ci is not None:
        from hfjobs_cli.ci import detect

        detect(ci, {})  # a bad value is a usage error before anything runs
    ctx.obj = Invocation(local=local, profile=profile, ci_choice=ci, ci_dotenv=ci_dotenv)


def _new_app() -> typer.Typer:
    app = typer.Typer(
        name="hfjobs",
        help="Run and manage Hugging Face Jobs from the terminal, scripts and CI.",
        epilog=EPILOG,
        rich_markup_mode=None,
        add_completion=False,
        no_args_is_help=True,
        pretty_exceptions_enable=False,
        pretty_exceptions_show_locals=False,
        context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
    )
    app.callback()(root)
    return app


def _register_module(app: typer.Typer, module_name: str) -> None:
    import importlib

    importlib.import_module(f"hfjobs_cli.commands.{module_name}").register(app)


def make_app(command: str | None = None) -> typer.Typer:
    """The app with every command (`command=None`) or with one command's module only.

    With only one module the root help would be wrong, so main() asks for that only when a
    command was named; everything else (root help, errors, command-name completion) gets
    `stub_app()`, whose commands carry the summaries but import nothing.
    """
    app = _new_app()
    modules = (
        [COMMANDS[command][0]] if command else list(dict.fromkeys(m for m, _ in COMMANDS.values()))
    )
    for module_name in modules:
        _register_module(app, module_name)
    return app


def _stub() -> None:  # pragma: no cover - replaced by the real command before it could run
    raise AssertionError("a stub command ran")


def stub_app(*, summaries: bool = True) -> typer.Typer:
    """Commands that carry their names and summaries but import nothing.

    On a Tab press the summaries are left out: typer renders zsh and fish descriptions with
    rich, whose import would double the time of every command-name completion.
    """
    app = _new_app()
    for name, (_module, summary) in COMMANDS.items():
        app.command(name, help=summary if summaries else "", add_help_option=False)(_stub)
    return app


def command_of(args: list[str]) -> str | None:
    """The top-level command that `args` (or the words of a Tab press) name, if any."""
    if COMPLETE_VAR in os.environ:
        args = typed_words()
    skip = False
    for arg in args:
        if skip or arg in ROOT_FLAGS or arg.startswith("--profile="):
            skip = False
            continue
        if arg in ROOT_OPTIONS:
            skip = True
            continue
        if arg.split("=", 1)[0] in ROOT_OPTIONS:
            continue
        if arg.startswith("-"):
            return None
        name = ALIASES.get(arg, arg)
        return name if name in COMMANDS else None
    return None


def app_for(args: list[str]) -> typer.Typer:
    command = command_of(args)
    if command:
        return make_app(command)
    return stub_app(summaries=COMPLETE_VAR not in os.environ)
