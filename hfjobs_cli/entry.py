"""The console entry point (`hfjobs`, `python -m hfjobs_cli`).

It answers `--help` and name completion from generated text (hfjobs_cli/fast.py) without
importing typer, hands everything else to `main()`, and ends the process as soon as stdout
and stderr are flushed: interpreter finalisation (freeing every module and object)
would cost 70 to 110 ms on every command and does nothing a finished command needs.

Only this function ends the process; `main()` returns its exit code, so tests call it in-process.
"""

from __future__ import annotations

import os
import sys


def run() -> None:
    """`hfjobs ARGS...`: answer, flush, exit with the command's code."""
    from hfjobs_cli.fast import answer

    code = answer(sys.argv[1:])  # before main.py, which imports typer
    if code is None:
        from hfjobs_cli.main import main

        try:
            code = main(fast=False)
        except SystemExit as exc:  # typer's Tab answers end with sys.exit
            if exc.code is not None and not isinstance(exc.code, int):
                raise
            code = exc.code or 0
    exit_now(code)


def exit_now(code: int) -> None:
    """Flush stdout and stderr, then end the process at once with `code`.

    When a flush fails (a reader that closed the pipe, a full disk) or a thread that is not a
    daemon still runs, the interpreter ends the process as it always did: its own flush
    reports the failure the same way, and it waits for the thread.
    """
    try:
        for stream in _streams():
            stream.flush()
    except Exception:
        sys.exit(code)
    threading = sys.modules.get("threading")
    if threading is not None and any(
        t.is_alive() and not t.daemon and t is not threading.main_thread()
        for t in threading.enumerate()
    ):
        sys.exit(code)
    os._exit(int(code))


def _streams() -> list:
    streams: list = []
    for stream in (sys.stdout, sys.__stdout__, sys.stderr, sys.__stderr__):
        if stream is not None and all(stream is not s for s in streams):
            streams.append(stream)
    return streams
