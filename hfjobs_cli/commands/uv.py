"""`hfjobs uv run`: run a Python script with uv, its dependencies installed on the fly."""

from __future__ import annotations

import base64
import re
import shlex
from pathlib import Path
from typing import Annotated

import typer

from hfjobs_cli.commands._common import app_context, reject_option_word
from hfjobs_cli.commands._spec import launch, spec_options
from hfjobs_cli.errors import UsageError
from hfjobs_cli.options import (
    RUN_CONTEXT,
    AttemptsOpt,
    CancelOnExitOpt,
    DetachOpt,
    DryRunOpt,
    EnvFileOpt,
    EnvOpt,
    ExposeOpt,
    ExposePublicOpt,
    FlavorOpt,
    IfRunningOpt,
    JsonOpt,
    LabelOpt,
    MaxCostOpt,
    NameOpt,
    NamespaceOpt,
    QuietOpt,
    SecretsFileOpt,
    SecretsOpt,
    StopsAtScript,
    TimeoutOpt,
    TokenOpt,
    VolumeOpt,
    YesOpt,
)

UV_IMAGE = "ghcr.io/astral-sh/uv:python3.12-bookworm"
SCRIPT_ENV = "HFJOBS_UV_SCRIPT"
MAX_SCRIPT_BYTES = 64 * 1024  # the script travels base64-encoded in one environment variable
SCRIPT_SUFFIXES = (".py", ".pyw")
_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]")

uv_app = typer.Typer(
    help="""Run Python scripts with uv (dependencies from PEP 723 headers or --with).

    Example:

      hfjobs uv run --with requests script.py
    """,
    no_args_is_help=True,
)


def uv_command(script: str, args: list[str], with_: list[str], python: str | None) -> list[str]:
    command = ["uv", "run"]
    for dependency in with_:
        command += ["--with", dependency]
    if python:
        command += ["--python", python]
    return [*command, script, *args]


def local_script(path: Path) -> tuple[str, str]:
    """(file name, base64 content) of a local script, refused when it is too large."""
    data = path.read_bytes()
    if len(data) > MAX_SCRIPT_BYTES:
        raise UsageError(
            f"{path} is {len(data) // 1024} KiB: scripts up to {MAX_SCRIPT_BYTES // 1024} KiB travel "
            "inside the job spec",
            hint="Publish it (a URL, a Hub repository or a package) and pass that instead",
        )
    return _SAFE_NAME.sub("-", path.name), base64.b64encode(data).decode("ascii")


def script_settings(path: Path):
    """The `[tool.hfjobs]` table of the script's PEP 723 header (None when absent)."""
    from hfjobs_cli import jobfile

    try:
        text = path.read_text(encoding="utf-8-sig")
    except (UnicodeDecodeError, OSError):
        return None
    return jobfile.from_script_header(text, str(path))


@uv_app.command("run", cls=StopsAtScript, context_settings=RUN_CONTEXT)
def uv_run(
    ctx: typer.Context,
    script: Annotated[
        str,
        typer.Argument(
            metavar="SCRIPT",
            help="A local .py file, a URL, or a command such as lighteval.",
            show_default=False,
        ),
    ],
    script_args: Annotated[
        list[str] | None,
        typer.Argument(metavar="ARGS...", help="Arguments for the script.", show_default=False),
    ] = None,
    with_: Annotated[
        list[str] | None,
        typer.Option("--with", metavar="PKG", help="Extra dependency (repeatable)."),
    ] = None,
    python: Annotated[
        str | None,
        typer.Option(
            "-p", "--python", metavar="VERSION", help="Python version for uv.", show_default=False
        ),
    ] = None,
    image: Annotated[
        str, typer.Option("--image", metavar="IMAGE", help="Image with uv in it.")
    ] = UV_IMAGE,
    env: EnvOpt = None,
    env_file: EnvFileOpt = None,
    secrets: SecretsOpt = None,
    secrets_file: SecretsFileOpt = None,
    flavor: FlavorOpt = None,
    timeout: TimeoutOpt = None,
    label: LabelOpt = None,
    name: NameOpt = None,
    if_running: IfRunningOpt = None,
    attempts: AttemptsOpt = None,
    volume: VolumeOpt = None,
    expose: ExposeOpt = None,
    expose_public: ExposePublicOpt = None,
    detach: DetachOpt = False,
    max_cost: MaxCostOpt = None,
    yes: YesOpt = False,
    cancel_on_exit: CancelOnExitOpt = False,
    namespace: NamespaceOpt = None,
    token: TokenOpt = None,
    dry_run: DryRunOpt = False,
    json: JsonOpt = False,
    quiet: QuietOpt = False,
) -> None:
    """Run a Python script with uv on Hugging Face hardware.

    SCRIPT is a local .py file (its content travels inside the job spec, up to 64 KiB; its
    PEP 723 header is honoured by uv), a URL, or a command that uv can run. Options go before
    SCRIPT; everything after it is the script's. Every `run` option applies. A `[tool.hfjobs]`
    table in the header sets flavor, timeout, secrets (names), env, labels, name, volumes and
    attempts; options on the command line override it.

    Examples:

      hfjobs uv run train.py --epochs 3

      hfjobs uv run --with torch --flavor t4-small -d https://example.com/eval.py

      hfjobs uv run --with lighteval lighteval --help
    """
    app = app_context(ctx)
    app.set_output(json=json, quiet=quiet)
    reject_option_word(ctx, script, before="SCRIPT")
    app.cancel_on_exit = cancel_on_exit
    args = list(script_args or [])
    if args[:1] == ["--"]:
        args = args[1:]
    extra_env = []
    header = None  # [tool.hfjobs] of a local script's PEP 723 header
    path = Path(script)
    if script.startswith(("http://", "https://")):
        command = uv_command(script, args, list(with_ or []), python)
    elif path.suffix in SCRIPT_SUFFIXES or path.is_file():
        if not path.is_file():
            raise UsageError(f"uv run {script}: no such file")
        file_name, encoded = local_script(path)
        header = script_settings(path)
        # Every value is quoted for the shell (`numpy>=1.26` is not a redirection); the path
        # is left to expand, and it is made of safe characters; the arguments travel as "$@".
        uv_argv = uv_command("", [], list(with_ or []), python)[:-1]
        inner = " ".join([*map(shlex.quote, uv_argv), f'"$d/{file_name}"'])
        # The script's bytes travel in an environment variable; the job decodes them first,
        # into a folder of its own (two jobs on one machine never share it).
        command = [
            "sh", "-c",
            f'd=$(mktemp -d) && printf %s "${SCRIPT_ENV}" | base64 -d > "$d/{file_name}" && exec {inner} "$@"',
            "uv-run", *args,
        ]  # fmt: skip
        extra_env = [f"{SCRIPT_ENV}={encoded}"]
    else:
        command = uv_command(script, args, list(with_ or []), python)
    params = {**ctx.params, "command": command, "env": [*extra_env, *(env or [])]}
    code = launch(app, spec_options(params, job_file=header), ctx.params)
    if code:
        raise typer.Exit(code)


def register(app: typer.Typer) -> None:
    app.add_typer(uv_app, name="uv")
