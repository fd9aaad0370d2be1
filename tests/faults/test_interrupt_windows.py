"""Ctrl-C during a silent stream, with Windows' signal semantics simulated here.

On Windows a Ctrl-C does not interrupt a blocked socket read: the handler runs only when the
read returns. The child below reproduces that on Linux: its main thread blocks SIGINT, so the
signal is taken by another thread, which only marks it pending, and nothing wakes the main
thread's read. hfjobs must still end at once (exit 130), not at the 300 s read timeout.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from tests.faults.server import Delay, FaultServer, Hangup, Stream, child_env, finish, log_lines

WINDOWS_LIKE = """
import signal, sys, threading
# Started before the mask: this thread takes SIGINT (as Windows' console thread takes Ctrl-C)
# and only marks it pending; the main thread, blocked in a read, is not interrupted.
threading.Thread(target=threading.Event().wait, daemon=True).start()
signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
from hfjobs_cli.main import main
raise SystemExit(main(sys.argv[1:]))
"""


def _spawn(args: list[str], env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", WINDOWS_LIKE, *args],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )


@pytest.mark.parametrize("silence", ["silent", "keepalive"])
def test_ctrl_c_ends_a_silent_log_stream_at_once(fault_server: FaultServer, silence):
    job = fault_server.add_job(lines=log_lines(3), stages=["RUNNING"])
    if silence == "silent":  # nothing at all after the lines
        fault_server.script("logs", Stream(end="silent", hold=120), forever=True)
    else:  # keep-alives far apart
        fault_server.script("logs", Stream(end="keepalive", hold=120, every=60), forever=True)
    env = child_env(fault_server, HFJOBS_STREAM_TIMEOUT="300")
    proc = _spawn(["logs", "-f", f"alice/{job.id}"], env)
    try:
        # The three lines are out: hfjobs is now waiting on the silent stream.
        lines = [proc.stdout.readline() for _ in range(3)]
        assert all(lines), finish(proc)[2]
        time.sleep(0.5)  # let it settle into the blocking read
        os.kill(proc.pid, signal.SIGINT)
        code, _out, err = finish(proc, timeout=20)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert code == 130, err
    assert "Traceback" not in err
    assert "keeps running (it was not cancelled)" in err
    assert fault_server.seen("cancel") == []


@pytest.mark.parametrize("command", ["ps", "inspect"])
def test_ctrl_c_ends_the_wait_for_an_answer_at_once(fault_server: FaultServer, command):
    """A request whose answer does not come (the read timeout is 30 s, then a retry)."""
    job = fault_server.add_job(lines=log_lines(1), stages=["RUNNING"])
    if command == "ps":
        fault_server.script("list", Delay(60, then=Hangup()), forever=True)
        args, route = ["ps", "--namespace", "alice"], "list"
    else:
        fault_server.script("get", Delay(60, then=Hangup()), forever=True)
        args, route = ["inspect", f"alice/{job.id}"], "get"
    proc = _spawn(args, child_env(fault_server))
    try:
        fault_server.wait_for(route)
        time.sleep(0.5)  # let it settle into the blocking read
        os.kill(proc.pid, signal.SIGINT)
        code, _out, err = finish(proc, timeout=20)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert code == 130, err
    assert "Traceback" not in err and "KeyboardInterrupt" not in err
