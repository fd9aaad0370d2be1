"""Run one client command as a child process and measure it: wall time, peak memory, output.

* Wall time: `time.perf_counter()` from just before the fork to the moment the child is reaped.
* Peak memory: the client's peak resident set (`ru_maxrss`, KiB on Linux) as its parent's
  `wait4` returns it: that one process, never the benchmark's other children. Linux keeps, in a
  process's `ru_maxrss`, the resident set of the memory it had *before* `exec`, i.e. a copy of
  its parent's: a child forked from this ~25 MB benchmark process would never report less than
  ~25 MB. So each client is started through GNU time (`/usr/bin/time -f %M`, a ~1 MB C
  program that forks and waits for it), whose number is the client's own. Without GNU time the
  fallback is our own `os.wait4`, whose floor is this process's size (`Sample.rss_method`).
* Output: stdout goes to a pipe (or, with `tty=True`, to a pseudo-terminal, which is what a
  person at a terminal gets); a reader thread drains it and counts lines and bytes. The pipe is
  enlarged to 1 MiB so that the reader, which naps 1 ms when it finds little to read (to stay off
  the CPU of a client that writes line by line), can never make a client wait.
* stderr goes to a temporary file (never a pipe that could fill up and block the client).
* CPU time: user + system seconds from the same `wait4` (Linux counts in a child's usage that
  of the children it waited for: GNU time's figure includes the client's). Unlike wall time,
  it hardly moves when other work shares the CPUs.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import signal
import struct
import subprocess
import tempfile
import termios
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

F_SETPIPE_SZ = 1031
PIPE_SIZE = 1 << 20
TTY_SIZE = (48, 160)  # rows, columns of the pseudo-terminal


def _gnu_time() -> str | None:
    path = shutil.which("time", path="/usr/bin:/bin:/usr/local/bin")
    if not path:
        return None
    try:
        out = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=5)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return path if "GNU" in out.stdout + out.stderr else None


GNU_TIME = _gnu_time()


@dataclass
class Sample:
    wall: float  # seconds, fork to reap
    maxrss_kb: int  # peak resident set of the child
    returncode: int
    lines: int  # newlines written to stdout
    nbytes: int
    ended_at: float  # time.time() when the child was reaped
    head: bytes = b""  # the first 64 KiB of stdout, for sanity checks
    tail: bytes = b""  # the last 4 KiB of stdout
    stderr: str = ""  # the last 4 KiB of stderr
    timed_out: bool = False
    rss_method: str = "gnu-time"
    cpu: float = 0.0  # seconds of CPU (user + system) of the child and what it waited for

    @property
    def maxrss_mb(self) -> float:
        return self.maxrss_kb / 1024.0


@dataclass
class _Drain:
    lines: int = 0
    nbytes: int = 0
    head: bytearray = field(default_factory=bytearray)
    tail: bytes = b""


def _drain(fd: int, acc: _Drain, *, nap: bool) -> None:
    """Read `fd` to its end (EOF, or EIO once a pty's last writer is gone), counting lines."""
    while True:
        try:
            data = os.read(fd, PIPE_SIZE)
        except OSError:  # EIO: the pseudo-terminal's slave side is closed
            break
        if not data:
            break
        acc.lines += data.count(b"\n")
        acc.nbytes += len(data)
        if len(acc.head) < 65536:
            acc.head += data[: 65536 - len(acc.head)]
        acc.tail = (acc.tail + data)[-4096:]
        if nap and len(data) < 65536:
            time.sleep(0.001)


def run_once(
    argv: Sequence[str],
    env: dict[str, str],
    *,
    tty: bool = False,
    timeout: float = 600.0,
    cwd: str | None = None,
) -> Sample:
    """Run `argv` once with stdin closed and return what it cost."""
    if tty:
        read_fd, write_fd = os.openpty()
        rows, cols = TTY_SIZE
        fcntl.ioctl(write_fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        nap = False
    else:
        read_fd, write_fd = os.pipe()
        try:
            fcntl.fcntl(write_fd, F_SETPIPE_SZ, PIPE_SIZE)
            nap = True
        except OSError:  # a smaller pipe: never nap, so the client never waits for us
            nap = False
    acc = _Drain()
    with tempfile.TemporaryFile() as err, tempfile.NamedTemporaryFile("r") as rss:
        if GNU_TIME:
            argv = [GNU_TIME, "-f", "%M", "-o", rss.name, *argv]
        start = time.perf_counter()
        proc = subprocess.Popen(
            list(argv),
            stdin=subprocess.DEVNULL,
            stdout=write_fd,
            stderr=err,
            env=env,
            cwd=cwd,
            start_new_session=True,
        )
        os.close(write_fd)
        reader = threading.Thread(
            target=_drain, args=(read_fd, acc), kwargs={"nap": nap}, daemon=True
        )
        reader.start()
        expired = threading.Event()

        def kill() -> None:
            expired.set()
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(proc.pid, signal.SIGKILL)

        timer = threading.Timer(timeout, kill)
        timer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            timer.cancel()
        wall = time.perf_counter() - start
        ended = time.time()
        proc.returncode = os.waitstatus_to_exitcode(status)
        reader.join(30.0)  # a grandchild could keep the output open: do not wait for it forever
        if not reader.is_alive():
            os.close(read_fd)
        err.seek(0, os.SEEK_END)
        size = err.tell()
        err.seek(max(0, size - 4096))
        stderr = err.read().decode("utf-8", "replace")
        maxrss = int(usage.ru_maxrss)
        if GNU_TIME:  # the last line; a killed child's has "Command terminated ..." before it
            lines = [line for line in rss.read().splitlines() if line.strip()]
            maxrss = int(lines[-1]) if lines and lines[-1].strip().isdigit() else -1
    return Sample(
        wall=wall,
        maxrss_kb=maxrss,
        returncode=proc.returncode,
        lines=acc.lines,
        nbytes=acc.nbytes,
        ended_at=ended,
        head=bytes(acc.head),
        tail=acc.tail,
        stderr=stderr,
        timed_out=expired.is_set(),
        rss_method="gnu-time" if GNU_TIME else "wait4 (floor: the benchmark's own size)",
        cpu=usage.ru_utime + usage.ru_stime,
    )
