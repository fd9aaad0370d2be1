"""Exit codes and the errors that the boundary in `main()` turns into one-line messages."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """The exit codes scripts can rely on (documented in the README and `hfjobs --help`)."""

    OK = 0
    FAILURE = 1  # the job ended in ERROR, a conflict (409), or an unexpected failure
    USAGE = 2  # bad flag or input, including a 400/422 from the server
    CANCELED = 3  # the job was CANCELED or DELETED
    AUTH = 4  # not logged in, token rejected (401) or not allowed (403)
    NOT_FOUND = 5  # job, scheduled job, webhook or namespace not found (404)
    UNREACHABLE = 6  # network failure, timeouts, 5xx after retries
    WAIT_TIMEOUT = 124  # a client-side wait limit ran out
    INTERRUPTED = 130  # Ctrl-C (SIGINT)
    TERMINATED = 143  # SIGTERM (how a CI runner cancels a step)


class CliError(Exception):
    """An expected failure: printed as `Error: <message>` plus an optional `Hint:` line."""

    def __init__(self, message: str, *, hint: str | None = None, code: int = ExitCode.FAILURE):
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.code = int(code)


class Interrupted(CliError):
    """Ctrl-C (SIGINT, exit 130), or SIGTERM with `terminated` (exit 143), stopped the command.

    The one way a command reports it: the boundary in `main()` exits with the code and prints
    nothing more (the command has said what it left running).
    """

    def __init__(self, *, terminated: bool = False):
        super().__init__(
            "Terminated" if terminated else "Interrupted",
            code=ExitCode.TERMINATED if terminated else ExitCode.INTERRUPTED,
        )


class UsageError(CliError):
    """Invalid input from the user: exit 2, nothing was sent."""

    def __init__(self, message: str, *, hint: str | None = None):
        super().__init__(message, hint=hint, code=ExitCode.USAGE)
