"""The life of a job: SCHEDULING, then RUNNING, then COMPLETED, ERROR or CANCELED.

Each job gets a runner thread. It waits `scheduling_delay` seconds ("Waiting for hardware"),
starts the command through the runtime in its own process group, copies stdout and stderr into
the log, enforces the timeout, and records how it ended. Cancel, timeout and shutdown end the
whole process group: SIGTERM, then SIGKILL after a grace period. The database row is updated
before the log is closed, so a client whose log stream ends always sees the final stage.
"""

from __future__ import annotations

import contextlib
import signal
import subprocess
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from hfjobs_cli.emulator.containers import LaunchRefused
from hfjobs_cli.emulator.errors import ApiError
from hfjobs_cli.emulator.logstore import LogHub, pump
from hfjobs_cli.emulator.runtime import Runtime, exit_message, kill_group, process_start_time
from hfjobs_cli.emulator.store import ACTIVE_STAGES, Store
from hfjobs_cli.emulator.util import new_id, private_dir
from hfjobs_cli.emulator.validation import DEFAULT_TIMEOUT_SECONDS

STOPPED_MESSAGE = "The emulator stopped while this job was running"
CANCEL_GRACE = 5.0


class JobManager:
    def __init__(
        self,
        store: Store,
        logs: LogHub,
        runtime: Runtime,
        data_dir: Path,
        scheduling_delay: float = 0.5,
    ) -> None:
        self.store = store
        self.logs = logs
        self.runtime = runtime
        self.work = private_dir(data_dir / "work")
        self.scheduling_delay = scheduling_delay
        self.stopping = threading.Event()
        self._runners: dict[str, _Runner] = {}
        self._lock = threading.Lock()

    def create(
        self,
        namespace: str,
        spec: dict[str, Any],
        secrets: dict[str, str],
        initiator: dict[str, Any],
    ) -> dict[str, Any]:
        if self.stopping.is_set():
            raise ApiError(503, "The emulator is stopping: no new job can start")
        job_id, now = new_id(), time.time()
        self.logs.open(job_id)  # before the row exists, so a follower always finds the log
        row = {
            "id": job_id,
            "namespace": namespace,
            "spec": spec,
            "secrets": secrets,
            "stage": "SCHEDULING",
            "message": "Waiting for hardware",
            "created_at": now,
            "updated_at": now,
            "initiator": initiator,
            "initiator_id": initiator.get("id"),
            "runtime": self.runtime.name,
        }
        runner = _Runner(self, job_id, spec, secrets)
        with self._lock:
            self.store.insert("jobs", row)
            self._runners[job_id] = runner
        runner.start()
        return self.store.get("jobs", job_id)  # type: ignore[return-value]

    def set_stage(self, job_id: str, stage: str, message: str | None, **fields: Any) -> bool:
        """Move an active job to `stage`; False when it already ended (a cancel won the race)."""
        now = time.time()
        values = {"stage": stage, "message": message, "updated_at": now, **fields}
        if stage not in ACTIVE_STAGES:
            values["finished_at"] = now
        return self.store.update("jobs", job_id, values, only_stages=ACTIVE_STAGES)

    def cancel(self, job_id: str) -> None:
        if self.set_stage(job_id, "CANCELED", "Canceled by the user"):
            self._stop_runner(job_id, "cancel")

    def _stop_runner(self, job_id: str, reason: str) -> None:
        with self._lock:
            runner = self._runners.get(job_id)
        if runner is not None:
            runner.request_stop(reason)
        else:
            self.logs.close(job_id)

    def forget(self, job_id: str) -> None:
        with self._lock:
            self._runners.pop(job_id, None)

    def running_count(self) -> int:
        return self.store.count("jobs", "stage = 'RUNNING'")

    def recover(self) -> int:
        """Mark the jobs a previous run left active as ERROR, and kill what remains of them."""
        rows = self.store.active_jobs()
        for row in rows:
            if (
                row["pid"]
                and row["pid_start"]
                and process_start_time(row["pid"]) == row["pid_start"]
            ):
                kill_group(row["pid"])
            if row["runtime"] != "process" and row["runtime"] == self.runtime.name:
                self.runtime.cleanup(row["id"])
            self.set_stage(row["id"], "ERROR", STOPPED_MESSAGE)
        return len(rows)

    def shutdown(self, timeout: float = 10.0) -> None:
        """Stop every job (ERROR, "the emulator stopped ...") and wait for the runners to finish."""
        self.stopping.set()
        with self._lock:
            runners = list(self._runners.values())
        for runner in runners:
            self.set_stage(runner.job_id, "ERROR", STOPPED_MESSAGE)
            runner.request_stop("shutdown")
        deadline = time.monotonic() + timeout
        for runner in runners:
            runner.join(max(0.1, deadline - time.monotonic()))


class _Runner(threading.Thread):
    def __init__(
        self, manager: JobManager, job_id: str, spec: dict[str, Any], secrets: dict[str, str]
    ):
        super().__init__(name=f"job-{job_id}", daemon=True)
        self.m, self.job_id, self.spec, self.secrets = manager, job_id, spec, secrets
        self.wake = threading.Event()
        self.stop_reason: str | None = None

    def request_stop(self, reason: str) -> None:
        if self.stop_reason is None:
            self.stop_reason = reason
        self.wake.set()

    def run(self) -> None:
        try:
            self._run()
        except Exception as exc:  # never leave a job RUNNING because of a bug here
            self.m.set_stage(self.job_id, "ERROR", f"Internal emulator error: {exc}")
        finally:
            self.m.logs.close(self.job_id)
            self.m.forget(self.job_id)

    def _run(self) -> None:
        m, log = self.m, self.m.logs.open(self.job_id)
        if self.wake.wait(m.scheduling_delay):
            return  # canceled (or the emulator stopped) before it started: the stage is already set
        workdir = private_dir(m.work / self.job_id)
        try:
            plan = m.runtime.plan(self.job_id, self.spec, self.secrets, workdir)
        except LaunchRefused as exc:  # e.g. a GPU flavor or a volume this machine cannot give
            log.append([str(exc)])
            m.set_stage(self.job_id, "ERROR", str(exc))
            return
        now = time.time()
        started_line = datetime.fromtimestamp(now, UTC).strftime("%Y-%m-%d %H:%M:%S")
        log.append([f"===== Job started at {started_line} ====="])
        # As on the Hub, a running or completed job has no status message (the runtime's note is
        # on the job's page, GET /jobs/NS/ID); a failure's message states the exit code.
        if not m.set_stage(self.job_id, "RUNNING", None, started_at=now):
            return
        note = m.runtime.note(self.spec)
        if self.stop_reason is not None:
            return  # canceled in the instant it became RUNNING
        try:
            proc = subprocess.Popen(
                plan.argv,
                cwd=plan.cwd,
                env=plan.env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                start_new_session=True,
                close_fds=True,
            )
        except OSError as exc:
            what = (
                "Command not found"
                if isinstance(exc, FileNotFoundError)
                else "Cannot run the command"
            )
            message = f"{what}: {plan.argv[0]!r} ({note})"
            log.append([message])
            m.set_stage(self.job_id, "ERROR", message)
            return
        m.store.update(
            "jobs", self.job_id, {"pid": proc.pid, "pid_start": process_start_time(proc.pid)}
        )
        readers = [
            threading.Thread(target=pump, args=(pipe.fileno(), log), daemon=True)
            for pipe in (proc.stdout, proc.stderr)
        ]
        for reader in readers:
            reader.start()
        threading.Thread(target=lambda: (proc.wait(), self.wake.set()), daemon=True).start()
        timeout = self.spec.get("timeoutSeconds") or DEFAULT_TIMEOUT_SECONDS
        deadline = time.monotonic() + timeout
        while proc.poll() is None and self.stop_reason is None:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                self.stop_reason = "timeout"
                m.set_stage(self.job_id, "ERROR", "Job timeout")
                break
            self.wake.wait(remaining)
        if self.stop_reason is not None and proc.poll() is None:
            kill_group(proc.pid, signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(CANCEL_GRACE)
        kill_group(proc.pid)  # like a container: nothing of the job outlives its main process
        proc.wait()
        for reader in readers:
            reader.join(5)
        for pipe in (proc.stdout, proc.stderr):
            if pipe is not None and not any(r.is_alive() for r in readers):
                pipe.close()
        if self.m.runtime.name != "process" and self.stop_reason is not None:
            m.runtime.cleanup(self.job_id)
        if proc.returncode == 0:
            m.set_stage(self.job_id, "COMPLETED", None)
        else:
            m.set_stage(self.job_id, "ERROR", exit_message(proc.returncode))
