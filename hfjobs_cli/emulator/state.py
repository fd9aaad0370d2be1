"""The emulator's state: its folder, token, database, logs, runtime, jobs and scheduler."""

from __future__ import annotations

import secrets
import threading
import time
from pathlib import Path

from hfjobs_cli.emulator.jobs import JobManager
from hfjobs_cli.emulator.logstore import LogHub
from hfjobs_cli.emulator.runtime import Runtime, select_runtime
from hfjobs_cli.emulator.scheduler import Scheduler
from hfjobs_cli.emulator.store import Store
from hfjobs_cli.emulator.util import private_dir, write_private

TOKEN_FILE = "token"


def load_or_create_token(data_dir: Path) -> str:
    """The emulator's API token: generated at first start, kept 0600 in the data folder."""
    path = data_dir / TOKEN_FILE
    if path.exists():
        token = path.read_text().strip()
        if token:
            path.chmod(0o600)
            return token
    token = "hf_emu_" + secrets.token_hex(20)
    write_private(path, token + "\n")
    return token


class Emulator:
    def __init__(
        self,
        data_dir: Path,
        runtime: str | Runtime = "auto",
        keepalive: float = 15.0,
        scheduling_delay: float = 0.5,
    ) -> None:
        self.data_dir = private_dir(Path(data_dir))
        self.token = load_or_create_token(self.data_dir)
        self.runtime = select_runtime(runtime) if isinstance(runtime, str) else runtime
        self.keepalive = keepalive
        self.store = Store(self.data_dir / "emulator.db")
        self.logs = LogHub(private_dir(self.data_dir / "logs"))
        self.jobs = JobManager(self.store, self.logs, self.runtime, self.data_dir, scheduling_delay)
        self.scheduler = Scheduler(self.store, self.jobs.create)
        self.stopping = threading.Event()
        self.started_at = time.time()
        self.recovered = self.jobs.recover()
        self._scheduler_thread = threading.Thread(
            target=self.scheduler.run_forever, args=(self.stopping,), name="scheduler", daemon=True
        )

    def start(self) -> None:
        self._scheduler_thread.start()

    def stop_jobs(self) -> None:
        """Stop the scheduler and every running job (they end in ERROR)."""
        if self.stopping.is_set():
            return
        self.stopping.set()
        if self._scheduler_thread.is_alive():
            self._scheduler_thread.join(5)
        self.jobs.shutdown()

    def close(self) -> None:
        """Stop everything, then close the database."""
        self.stop_jobs()
        self.store.close()
