"""Run a real emulator in a subprocess for tests: `with start_emulator(tmp_path) as emu: ...`.

The emulator listens on a free loopback port with the `process` runtime (pass
`extra_args=("--runtime", "docker")` to override), prints its two `export` lines, and is stopped
(SIGTERM, then SIGKILL of its whole process group) when the block ends. Its stderr goes to
`<data_dir>/serve.stderr` so a chatty server can never block on a full pipe. On exit, the process
groups of jobs the emulator left behind (after `kill()`) are killed too.
"""

from __future__ import annotations

import contextlib
import os
import selectors
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
START_TIMEOUT = 15.0


@dataclass
class RunningEmulator:
    url: str
    token: str
    data_dir: Path
    process: subprocess.Popen

    def env(self) -> dict[str, str]:
        """The variables that point a client (hf, hfjobs, huggingface_hub) at this emulator."""
        return {"HF_ENDPOINT": self.url, "HF_TOKEN": self.token}

    @property
    def headers(self) -> dict[str, str]:
        return {"authorization": f"Bearer {self.token}"}

    def kill(self) -> None:
        """SIGKILL the emulator, as a crash would (its jobs keep running, orphaned)."""
        with contextlib.suppress(ProcessLookupError):
            self.process.kill()
        self.process.wait(10)

    def stop(self, timeout: float = 15.0) -> int:
        """SIGTERM, wait, then SIGKILL the whole process group; returns the exit code."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                pass
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(5)
        if self.process.stdout is not None:
            self.process.stdout.close()
        return self.process.returncode


def emulator_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO_ROOT), env.get("PYTHONPATH")) if p)
    for key in ("HF_TOKEN", "HF_ENDPOINT", "HFJOBS_DATA_DIR"):
        env.pop(key, None)
    return env


def _read_exports(process: subprocess.Popen, timeout: float) -> dict[str, str]:
    """Read the two `export K=V` lines without ever blocking past `timeout`."""
    assert process.stdout is not None
    values: dict[str, str] = {}
    buffer = b""
    deadline = time.monotonic() + timeout
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        while len(values) < 2:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not selector.select(remaining):
                raise TimeoutError("the emulator did not print its export lines in time")
            chunk = os.read(process.stdout.fileno(), 4096)
            if not chunk:
                raise RuntimeError(f"the emulator exited early with code {process.wait(5)}")
            buffer += chunk
            while b"\n" in buffer:
                line, buffer = buffer.split(b"\n", 1)
                key, _, value = line.decode().removeprefix("export ").partition("=")
                values[key] = value
    return values


@contextlib.contextmanager
def start_emulator(
    data_dir: Path,
    *,
    keepalive: float = 1.0,
    scheduling_delay: float = 0.0,
    extra_args: tuple[str, ...] | list[str] = (),
) -> Iterator[RunningEmulator]:
    """Start `python -m hfjobs_cli.emulator serve` on a free port; stop it when the block ends."""
    data_dir = Path(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    argv = [
        sys.executable,
        "-m",
        "hfjobs_cli.emulator",
        "serve",
        "--port",
        "0",
        "--data-dir",
        str(data_dir),
        "--runtime",
        "process",
        "--keepalive",
        str(keepalive),
        "--scheduling-delay",
        str(scheduling_delay),
        *extra_args,
    ]
    with open(data_dir / "serve.stderr", "ab") as stderr:
        process = subprocess.Popen(
            argv,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=stderr,
            env=emulator_env(),
            cwd=REPO_ROOT,
            start_new_session=True,
        )
    emulator = None
    try:
        values = _read_exports(process, START_TIMEOUT)
        emulator = RunningEmulator(
            url=values["HF_ENDPOINT"], token=values["HF_TOKEN"], data_dir=data_dir, process=process
        )
        yield emulator
    finally:
        if emulator is not None:
            emulator.stop()
        else:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(10)
        kill_orphaned_jobs(data_dir)


def kill_orphaned_jobs(data_dir: Path) -> None:
    """Kill the process groups of jobs still alive after their emulator died (a SIGKILL test)."""
    db = Path(data_dir) / "emulator.db"
    if not db.exists():
        return
    from hfjobs_cli.emulator.procs import JobProcesses, same_process

    with contextlib.closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)) as conn:
        try:
            rows = conn.execute(
                "SELECT id, pid, pid_start FROM jobs WHERE pid IS NOT NULL AND stage IN"
                " ('SCHEDULING', 'RUNNING')"
            ).fetchall()
        except sqlite3.Error:
            return
    for job_id, pid, started in rows:
        JobProcesses(job_id, pid if same_process(pid, started) else None).end(0, polite=False)
