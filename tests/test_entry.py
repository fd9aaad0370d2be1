"""The console entry point: it flushes, then ends the process without interpreter
finalisation, with the command's exit code; a failing flush ends it as before."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
HFJOBS = str(Path(sys.executable).parent / "hfjobs")


def child(code: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, cwd=ROOT, timeout=60, **kwargs
    )


@pytest.mark.parametrize("status", [0, 1, 3, 124, 130])
def test_exit_now_flushes_and_keeps_the_code(status):
    result = child(
        "import atexit, sys\n"
        "from hfjobs_cli.entry import exit_now\n"
        "atexit.register(lambda: sys.stdout.write('finalised'))\n"
        "sys.stdout.write('out without newline')\n"
        "sys.stderr.write('err without newline')\n"
        f"exit_now({status})\n"
        "sys.stdout.write('never')\n"
    )
    assert result.returncode == status
    assert result.stdout == b"out without newline"  # flushed; no atexit handler, no finalisation
    assert result.stderr == b"err without newline"


def test_a_thread_still_running_is_waited_for():
    result = child(
        "import sys, threading, time\n"
        "from hfjobs_cli.entry import exit_now\n"
        "threading.Thread(target=lambda: (time.sleep(0.2), print('thread done'))).start()\n"
        "exit_now(4)\n"
    )
    assert result.returncode == 4
    assert result.stdout == b"thread done\n"


def _closed_pipe_run(last_line: str) -> tuple[int, bytes]:
    """A child whose stdout reader went away before the final flush."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        result = subprocess.run(
            [sys.executable, "-c", f"import sys\nsys.stdout.write('x' * 100)\n{last_line}\n"],
            stdout=write_end,
            stderr=subprocess.PIPE,
            cwd=ROOT,
            timeout=60,
        )
    finally:
        os.close(write_end)
    return result.returncode, result.stderr


def test_a_failing_flush_ends_the_process_as_before():
    """`sys.exit(main())` was the entry point: same exit status and message when the final
    flush fails on a closed pipe."""
    before = _closed_pipe_run("sys.exit(0)")
    now = _closed_pipe_run("from hfjobs_cli.entry import exit_now; exit_now(0)")
    assert now == before
    assert now[0] != 0  # the interpreter reports the lost output, as it always did


def test_the_console_script_exits_with_the_command_code(tmp_path):
    env = {**os.environ, "HF_TOKEN": "", "HFJOBS_CONFIG_DIR": str(tmp_path)}
    usage = subprocess.run(
        [HFJOBS, "no-such-command"], capture_output=True, text=True, env=env, timeout=60
    )
    assert usage.returncode == 2
    assert "No such command" in usage.stderr
    module = subprocess.run(
        [sys.executable, "-m", "hfjobs_cli", "no-such-command"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert (module.returncode, module.stderr) == (usage.returncode, usage.stderr)
