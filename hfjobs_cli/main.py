"""The entry point's `main()` and the error boundary that turns failures into messages and
exit codes. The commands and the root options are in hfjobs_cli/registry.py."""

from __future__ import annotations

import errno
import os
import sys

from hfjobs_cli.completion import COMPLETE_VAR, enable_shells
from hfjobs_cli.errors import CliError, ExitCode, Interrupted
from hfjobs_cli.registry import app_for


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
        enable_shells()
    try:
        result = app_for(args)(args=args, prog_name="hfjobs", standalone_mode=False)
        return result if isinstance(result, int) else ExitCode.OK
    except Interrupted as exc:  # the command said what it left running
        return exc.code
    except CliError as exc:
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
