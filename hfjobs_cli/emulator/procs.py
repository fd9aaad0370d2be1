"""The processes of a job, found and ended through psutil (one code path on Linux and macOS).

A job's main process starts a process group of its own, but a child may leave it (`setsid`,
a daemon's double fork). So a job's processes are: its group, every descendant seen while it
ran (psutil remembers each one's creation time, so a reused pid is never signalled), and any
process whose environment still carries the job's `JOB_ID`, which finds the children that left
the tree before they were seen. Ending a job signals all of them until none is left.
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
import time

import psutil

START_TOLERANCE = 0.05  # seconds: two readings of one process's creation time agree within this


def _sigkill() -> int:
    return getattr(signal, "SIGKILL", signal.SIGTERM)  # read at call time: Windows has none


def process_start_time(pid: int) -> str | None:
    """When a process started (epoch seconds, as text), to tell it from a later one with its pid.

    None when there is no such process, or only its zombie.
    """
    try:
        proc = psutil.Process(pid)
        if proc.status() == psutil.STATUS_ZOMBIE:
            return None
        return repr(proc.create_time())
    except (psutil.Error, OSError):
        return None


def same_process(pid: int, started: str | None) -> bool:
    """True when `pid` is alive and is the process that started at `started`."""
    now = process_start_time(pid)
    if now is None or not started:
        return False
    try:
        return abs(float(now) - float(started)) < START_TOLERANCE
    except ValueError:  # a start time recorded by an older emulator (clock ticks): unknown
        return False


def alive(pid: int) -> bool:
    """True when a process with this pid exists and is not a zombie."""
    return process_start_time(pid) is not None


def kill_group(pgid: int, sig: int | None = None) -> bool:
    """Signal a whole process group (SIGKILL by default); False when there is none."""
    try:
        os.killpg(pgid, _sigkill() if sig is None else sig)  # type: ignore[attr-defined]
    except (ProcessLookupError, PermissionError, AttributeError, OSError):
        return False
    return True


def _live(proc: psutil.Process) -> bool:
    try:
        return proc.is_running() and proc.status() != psutil.STATUS_ZOMBIE
    except psutil.Error:
        return False


def marked_processes(job_id: str) -> list[psutil.Process]:
    """Processes whose environment carries `JOB_ID=<job_id>`: a job's processes, wherever they
    went (another session, another parent). Processes we may not read are skipped."""
    found = []
    me = os.getpid()
    for proc in psutil.process_iter():
        if proc.pid == me:
            continue
        try:
            if proc.environ().get("JOB_ID") == job_id and _live(proc):
                found.append(proc)
        except (psutil.Error, OSError):
            continue
    return found


class JobProcesses:
    """Every process of one running job, and its CPU and memory use."""

    def __init__(self, job_id: str, pid: int | None) -> None:
        self.job_id = job_id
        self.pgid = pid
        self._known: dict[int, psutil.Process] = {}
        self._lock = threading.Lock()
        self._samples: list[tuple[float, float, int]] = []  # (monotonic time, CPU seconds, RSS)
        if pid is not None:
            with contextlib.suppress(psutil.Error):
                self._known[pid] = psutil.Process(pid)

    def refresh(self) -> list[psutil.Process]:
        """Add the descendants born since the last look; return the processes still alive."""
        with self._lock:
            for proc in list(self._known.values()):
                try:
                    children = proc.children(recursive=True)
                except psutil.Error:
                    continue
                for child in children:
                    self._known.setdefault(child.pid, child)
            live = [p for p in self._known.values() if _live(p)]
            self._known = {p.pid: p for p in live}
            return live

    def remaining(self, scan: bool = True) -> list[psutil.Process]:
        """The job's live processes: known ones, plus (with `scan`) those marked with its id."""
        live = {p.pid: p for p in self.refresh()}
        if scan:
            for proc in marked_processes(self.job_id):
                live.setdefault(proc.pid, proc)
                with self._lock:
                    self._known.setdefault(proc.pid, proc)
        return list(live.values())

    def signal(self, sig: int) -> None:
        if self.pgid is not None:
            kill_group(self.pgid, sig)
        for proc in self.remaining():
            with contextlib.suppress(psutil.Error, OSError):
                proc.send_signal(sig)  # psutil checks the pid still names the same process

    def end(self, grace: float, kill_wait: float = 5.0, *, polite: bool = True) -> list[int]:
        """SIGTERM everything (unless not `polite`), SIGKILL what is left after `grace` seconds,
        and wait for it to go. Returns the pids that survived (normally none)."""
        if polite:
            self.signal(signal.SIGTERM)
            deadline = time.monotonic() + grace
            while self.remaining(scan=False) and time.monotonic() < deadline:
                time.sleep(0.05)
        deadline = time.monotonic() + kill_wait
        while True:
            left = self.remaining()
            if not left or time.monotonic() >= deadline:
                return [p.pid for p in left]
            self.signal(_sigkill())
            time.sleep(0.05)

    # -- usage -----------------------------------------------------------------------------------

    def sample(self) -> None:
        """Record the CPU time and memory of the job's processes now (the runner calls this
        every second, so a reader always has two samples to compute a CPU percentage from)."""
        cpu = 0.0
        rss = 0
        for proc in self.refresh():
            try:
                with proc.oneshot():
                    times = proc.cpu_times()
                    cpu += times.user + times.system
                    rss += proc.memory_info().rss
            except (psutil.Error, OSError):
                continue
        with self._lock:
            self._samples = [*self._samples[-1:], (time.monotonic(), cpu, rss)]

    def usage(self) -> tuple[float, int]:
        """(CPU %, resident bytes) from the last two samples; takes a second one if needed."""
        with self._lock:
            samples = list(self._samples)
        if not samples or time.monotonic() - samples[-1][0] > 5:
            self.sample()
            time.sleep(0.25)
            self.sample()
        elif len(samples) < 2:
            time.sleep(max(0.0, 0.25 - (time.monotonic() - samples[-1][0])))
            self.sample()
        with self._lock:
            (t0, cpu0, _), (t1, cpu1, rss) = self._samples[-2], self._samples[-1]
        pct = 100.0 * (cpu1 - cpu0) / (t1 - t0) if t1 > t0 else 0.0
        return round(max(0.0, pct), 1), rss
