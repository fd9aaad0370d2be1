"""The root command and the error boundary that turns failures into messages and exit codes."""

from __future__ import annotations

import errno
import os
import sys
from typing import Annotated

import typer

from hfjobs_cli import __version__
from hfjobs_cli.errors import CliError, ExitCode

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


def _split(line: str) -> list[str]:
    """Words of a command line as the shell would split them (an open quote ends the last)."""
    import shlex

    lexer = shlex.shlex(line, posix=True)
    lexer.whitespace_split = True
    lexer.commenters = ""
    words: list[str] = []
    try:
        words.extend(lexer)
    except ValueError:  # an unclosed quote: the word being typed
        words.append(lexer.token)
    return words


def _words() -> list[str]:
    """The words before the one being completed on a Tab press, read as each shell passes them.

    bash gives the words and the index of the current one; PowerShell gives the whole command
    (its text has no trailing space) and, apart, the word under the cursor; zsh
    (`${words[1,$CURRENT]}`) and fish (`commandline -cp`) give the line up to the cursor, so
    there a trailing space means that a new, empty word is being completed.
    """
    shell = os.environ.get(COMPLETE_VAR, "").partition("_")[2]  # complete_zsh -> zsh
    if shell == "bash":
        words = _split(os.environ.get("COMP_WORDS", ""))
        try:
            cword = int(os.environ.get("COMP_CWORD", len(words)))
        except ValueError:
            cword = len(words)
        return words[1:cword]
    line = os.environ.get("_TYPER_COMPLETE_ARGS", "")
    words = _split(line)[1:]
    if shell in ("powershell", "pwsh"):
        current = os.environ.get("_TYPER_COMPLETE_WORD_TO_COMPLETE", "")
        return words[:-1] if current and words else words
    if words and not line.endswith(" "):
        return words[:-1]
    return words


def command_of(args: list[str]) -> str | None:
    """The top-level command that `args` (or the words of a Tab press) name, if any."""
    if COMPLETE_VAR in os.environ:
        args = _words()
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


COMPLETE_VAR = "_HFJOBS_COMPLETE"


def _enable_completion() -> None:
    """Register typer's shell classes, only on a Tab press (add_completion=False skips it)."""
    import typer.completion

    typer.completion.completion_init()


def completion_script(shell: str) -> str:
    """The completion script of a shell, as `hfjobs completion SHELL` prints it."""
    import typer.completion

    _enable_completion()
    script = typer.completion.get_completion_script(
        prog_name="hfjobs", complete_var=COMPLETE_VAR, shell=shell
    )
    # zsh reads `#compdef` only on the first line of a file on $fpath.
    return script.lstrip() if shell == "zsh" else script


def _debug() -> bool:
    return any(
        os.environ.get(v, "").lower() in ("1", "true", "yes", "on")
        for v in ("HFJOBS_DEBUG", "HF_DEBUG")
    )


def _one_line(text: str) -> str:
    """Control characters (a newline in a bad input, an escape sequence from a server) shown
    as escapes, so an error stays one line and cannot drive the terminal."""
    return "".join(repr(c)[1:-1] if c < " " or "\x7f" <= c <= "\x9f" else c for c in text)


def _print_error(message: str, hint: str | None = None) -> None:
    from hfjobs_cli.output import Output

    out = Output()
    out.error(_one_line(message))
    if hint:
        out.hint(_one_line(hint))


def _api_error(exc) -> tuple[str, str | None, int]:
    from hfjobs_cli.api import errors as e
    from hfjobs_cli.hints import command

    text = str(exc)
    if isinstance(exc, e.BadRequestError):
        return f"The server refused the request: {text}", None, ExitCode.USAGE
    if isinstance(exc, e.AuthError):
        return text, f"Run `{command('login')}`, or check HF_TOKEN", ExitCode.AUTH
    if isinstance(exc, e.ForbiddenError):
        return (
            text,
            "Check that your token may manage Jobs in this namespace and that it can pay for them",
            ExitCode.AUTH,
        )
    if isinstance(exc, e.NotFoundError):
        return (
            text,
            "Check the id and the namespace (ids may be written NAMESPACE/ID)",
            ExitCode.NOT_FOUND,
        )
    if isinstance(exc, e.ConflictError):
        return text, None, ExitCode.FAILURE
    if isinstance(exc, e.AmbiguousSend):  # "try again" could start and bill a second job
        return (
            text,
            exc.hint
            or f"The request may have reached the server: check `{command('ps', '-a')}` "
            "before trying again",
            ExitCode.UNREACHABLE,
        )
    if isinstance(exc, e.RateLimitError):
        return (
            text,
            exc.hint or "The server is rate-limiting these calls: wait a minute, then try again",
            ExitCode.UNREACHABLE,
        )
    if isinstance(exc, e.ConnectionFailure | e.ServerError) or exc.transient:
        return (
            text,
            exc.hint or "Check your network and HF_ENDPOINT, then try again",
            ExitCode.UNREACHABLE,
        )
    if exc.hint:
        return text, exc.hint, ExitCode.FAILURE
    return text, None, ExitCode.FAILURE


def _usage_error(exc: Exception) -> int:
    """typer's own parse errors (unknown option, missing argument ...), as one line."""
    ctx = getattr(exc, "ctx", None)
    if type(exc).__name__ == "NoArgsIsHelpError" and ctx is not None:
        sys.stdout.write(ctx.get_help() + "\n")
        return ExitCode.OK
    command = ctx.command_path if ctx is not None else "hfjobs"
    _print_error(exc.format_message(), f"See `{command} --help`")  # type: ignore[attr-defined]
    return int(getattr(exc, "exit_code", ExitCode.USAGE))


def main(argv: list[str] | None = None, *, fast: bool = True) -> int:
    """Run the app and map every failure to its exit code (hfjobs_cli.entry.run, the console
    entry point, calls it and exits). `--help` and name completion are answered from generated
    text first (hfjobs_cli/fast.py) unless `fast=False`, which always asks typer."""
    args = sys.argv[1:] if argv is None else list(argv)
    if fast:
        from hfjobs_cli.fast import answer

        code = answer(args)
        if code is not None:
            return code
    from hfjobs_cli.output import configure_streams

    configure_streams()
    if COMPLETE_VAR in os.environ:
        _enable_completion()
    try:
        result = app_for(args)(args=args, prog_name="hfjobs", standalone_mode=False)
        return result if isinstance(result, int) else ExitCode.OK
    except CliError as exc:
        if exc.code in (ExitCode.INTERRUPTED, ExitCode.TERMINATED) and exc.message in (
            "Interrupted",
            "Terminated",
        ):
            return exc.code
        _print_error(exc.message, exc.hint)
        code = exc.code
    except KeyboardInterrupt:
        sys.stderr.write("\nInterrupted\n")
        return ExitCode.INTERRUPTED
    except BrokenPipeError:
        _silence_stdout()
        return ExitCode.FAILURE
    except Exception as exc:
        from hfjobs_cli.api.errors import ApiError

        if _closed_stdout(exc):  # Windows reports a reader that went away as EINVAL
            _silence_stdout()
            return ExitCode.FAILURE
        if isinstance(exc, ApiError):
            message, hint, code = _api_error(exc)
            _print_error(message, hint)
        elif hasattr(exc, "format_message") and hasattr(exc, "exit_code"):
            code = _usage_error(exc)
        elif type(exc).__name__ == "Abort":
            sys.stderr.write("Aborted\n")
            return ExitCode.INTERRUPTED
        else:
            _print_error(
                f"Unexpected failure: {type(exc).__name__}: {exc}",
                "Run again with HFJOBS_DEBUG=1 for the traceback, and report it",
            )
            code = ExitCode.FAILURE
        if _debug():
            import traceback

            traceback.print_exc()
    return code


def _closed_stdout(exc: BaseException) -> bool:
    """True when `exc` is a write to a stdout whose reader went away: a pipe closed early
    fails with EINVAL instead of EPIPE on Windows. Told apart from an EINVAL elsewhere by
    flushing stdout once more: what a closed pipe refused is still in its buffer."""
    if not isinstance(exc, OSError) or exc.errno not in (errno.EINVAL, errno.EPIPE):
        return False
    try:
        sys.stdout.flush()
    except OSError as again:
        return again.errno in (errno.EINVAL, errno.EPIPE)
    except ValueError:  # closed
        return True
    return False


def _silence_stdout() -> None:
    # Python's recipe for SIGPIPE: point stdout at devnull so the exit flush cannot fail again.
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
