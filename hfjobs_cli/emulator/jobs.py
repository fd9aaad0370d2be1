"""The life of a job: SCHEDULING, then RUNNING, then COMPLETED, ERROR or CANCELED.

Each job gets a runner thread. It waits `scheduling_delay` seconds ("Waiting for hardware"),
starts the command through the runtime in its own process group, copies stdout and stderr into
the log, enforces the timeout, and records how it ended. Cancel, timeout, a log that cannot be
written and shutdown end every process of the job (its group, its descendants, and those that
left the group: see `procs`): SIGTERM, then SIGKILL after a grace period. The final stage is
written only once those processes are gone, and before the log is closed, so a client whose log
stream ends always sees it.
"""

from __future__ import annotations

import contextlib
import shutil
import subprocess
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from hfjobs_cli.emulator.containers import LaunchRefused
from hfjobs_cli.emulator.errors import ApiError
from hfjobs_cli.emulator.logstore import LogHub, pump
from hfjobs_cli.emulator.procs import JobProcesses, kill_group, process_start_time, same_process
from hfjobs_cli.emulator.runtime import Runtime, exit_message
from hfjobs_cli.emulator.store import ACTIVE_STAGES, Store
from hfjobs_cli.emulator.util import new_id, private_dir
from hfjobs_cli.emulator.validation import DEFAULT_TIMEOUT_SECONDS

STOPPED_MESSAGE = "The emulator stopped while this job was running"
CANCELED_MESSAGE = "Canceled by the user"
TIMEOUT_MESSAGE = "Job timeout"
CANCEL_GRACE = 5.0  # seconds between SIGTERM and SIGKILL
KILL_WAIT = 5.0  # seconds to wait for SIGKILLed processes to go
HEARTBEAT = 1.0  # seconds between two looks at a running job (CPU sample, new descendants)
SEEN_EVERY = 2.0  # seconds between two writes of "last seen alive"


def disk_message(exc: OSError) -> str:
    reason = exc.strerror or str(exc)
    full = " (the disk is full)" if exc.errno == 28 else ""
    return f"The emulator could not write this job's log: {reason}{full}; the job was stopped"


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
        # Outside the data folder: a job's relative paths never lead to the token or database.
        self.work = Path(tempfile.mkdtemp(prefix="hfjobs-emulator-work-"))
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
            raise ApiError("The emulator is stopping: no new job can start", status=503)
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
        """Move an active job to `stage`; False when it already ended."""
        now = time.time()
        values = {"stage": stage, "message": message, "updated_at": now, **fields}
        if stage not in ACTIVE_STAGES:
            values.setdefault("finished_at", now)
        return self.store.update("jobs", job_id, values, only_stages=ACTIVE_STAGES)

    def cancel(self, job_id: str, wait: float | None = None) -> None:
        """Stop a job's processes, then mark it CANCELED; returns once that is done (or after
        `wait` seconds, the job then still RUNNING: it is never called canceled while its
        processes live)."""
        with self._lock:
            runner = self._runners.get(job_id)
        if runner is None:
            self.set_stage(job_id, "CANCELED", CANCELED_MESSAGE)  # no process behind it
            return
        runner.request_stop("cancel")
        runner.done.wait(CANCEL_GRACE + KILL_WAIT + 5 if wait is None else wait)

    def forget(self, job_id: str) -> None:
        with self._lock:
            self._runners.pop(job_id, None)

    def running_count(self) -> int:
        """Jobs whose command runs now, counted in memory: never waits for the database."""
        with self._lock:
            return sum(1 for r in self._runners.values() if r.procs is not None)

    def usage(self, job_id: str) -> tuple[float, int] | None:
        """(CPU %, resident bytes) of a running job's processes, None when it has none."""
        with self._lock:
            runner = self._runners.get(job_id)
        procs = runner.procs if runner is not None else None
        return procs.usage() if procs is not None else None

    def recover(self) -> int:
        """End the jobs a previous run left active (ERROR), and every process left of them.

        A job whose processes were gone is recorded as finished when it was last seen alive;
        one whose processes were still running ends now, once they are killed.
        """
        rows = self.store.active_jobs()
        for row in rows:
            pid = row["pid"] if row["pid"] and same_process(row["pid"], row["pid_start"]) else None
            procs = JobProcesses(row["id"], pid)
            left = procs.remaining()
            if pid is not None:
                kill_group(pid)
            if left:
                procs.end(0, polite=False)
            if row["runtime"] != "process" and row["runtime"] == self.runtime.name:
                self.runtime.cleanup(row["id"])
            fields = {}
            if not left and pid is None:
                seen = [row.get("seen_at"), row["started_at"], row["created_at"]]
                fields["finished_at"] = max(t for t in seen if t is not None)
            self.set_stage(row["id"], "ERROR", STOPPED_MESSAGE, **fields)
        return len(rows)

    def shutdown(self, timeout: float = 10.0) -> None:
        """Stop every job (ERROR, "the emulator stopped ...") and wait for the runners to finish."""
        self.stopping.set()
        with self._lock:
            runners = list(self._runners.values())
        for runner in runners:
            runner.request_stop("shutdown")
        deadline = time.monotonic() + timeout
        for runner in runners:
            runner.join(max(0.1, deadline - time.monotonic()))
        if not any(r.is_alive() for r in runners):
            shutil.rmtree(self.work, ignore_errors=True)


class _Runner(threading.Thread):
    def __init__(
        self, manager: JobManager, job_id: str, spec: dict[str, Any], secrets: dict[str, str]
    ):
        super().__init__(name=f"job-{job_id}", daemon=True)
        self.m, self.job_id, self.spec, self.secrets = manager, job_id, spec, secrets
        self.wake = threading.Event()
        self.done = threading.Event()
        self.stop_reason: str | None = None
        self.procs: JobProcesses | None = None
        self.workdir: Path | None = None

    def request_stop(self, reason: str) -> None:
        if self.stop_reason is None:
            self.stop_reason = reason
        self.wake.set()

    def run(self) -> None:
        try:
            self._run()
        except Exception as exc:  # never leave a job RUNNING, nor its processes, after a bug
            left = self.procs.end(0, polite=False) if self.procs is not None else []
            self.finish("ERROR", f"Internal emulator error: {exc}", left)
        finally:
            self.m.logs.close(self.job_id)
            self.m.forget(self.job_id)
            if self.workdir is not None:
                shutil.rmtree(self.workdir, ignore_errors=True)
            self.done.set()

    def finish(self, stage: str, message: str | None, survivors: list[int] | None = None) -> None:
        if survivors:
            pids = ", ".join(map(str, survivors))
            stopped = message or "Stopped"
            message = (
                f"{stopped} ({len(survivors)} of its processes could not be stopped: pid {pids})"
            )
        self.m.set_stage(self.job_id, stage, message)

    def finish_stopped(self, survivors: list[int] | None = None) -> None:
        reason = self.stop_reason
        if reason == "cancel":
            self.finish("CANCELED", CANCELED_MESSAGE, survivors)
        elif reason == "timeout":
            self.finish("ERROR", TIMEOUT_MESSAGE, survivors)
        elif reason == "shutdown":
            self.finish("ERROR", STOPPED_MESSAGE, survivors)
        else:  # the log could not be written
            log = self.m.logs.open(self.job_id)
            self.finish("ERROR", disk_message(log.error or OSError("unknown error")), survivors)

    def _run(self) -> None:
        m, log = self.m, self.m.logs.open(self.job_id)
        log.on_error = lambda _exc: self.request_stop("disk")
        if self.wake.wait(m.scheduling_delay):
            self.finish_stopped()  # canceled (or the emulator stopped) before it started
            return
        self.workdir = private_dir(m.work / self.job_id)
        try:
            plan = m.runtime.plan(self.job_id, self.spec, self.secrets, self.workdir)
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
            self.finish_stopped()  # stopped in the instant it became RUNNING
            return
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
        except (OSError, ValueError) as exc:
            what = (
                "Command not found"
                if isinstance(exc, FileNotFoundError)
                else "Cannot run the command"
            )
            message = f"{what}: {plan.argv[0]!r} ({note})"
            log.append([message])
            m.set_stage(self.job_id, "ERROR", message)
            return
        self.procs = JobProcesses(self.job_id, proc.pid)
        m.store.update(
            "jobs",
            self.job_id,
            {"pid": proc.pid, "pid_start": process_start_time(proc.pid), "seen_at": time.time()},
        )
        assert proc.stdout is not None and proc.stderr is not None  # both are pipes
        readers = [
            threading.Thread(target=pump, args=(pipe.fileno(), log), daemon=True)
            for pipe in (proc.stdout, proc.stderr)
        ]
        for reader in readers:
            reader.start()

        def reap() -> None:
            proc.wait()
            self.wake.set()

        threading.Thread(target=reap, daemon=True).start()
        self._watch(proc)
        if self.stop_reason is not None:
            survivors = self.procs.end(CANCEL_GRACE, KILL_WAIT)
        else:  # like a container: nothing of the job outlives its main process
            survivors = self.procs.end(0, KILL_WAIT, polite=False)
        proc.wait()
        for reader in readers:
            reader.join(5)
        for pipe in (proc.stdout, proc.stderr):
            if pipe is not None and not any(r.is_alive() for r in readers):
                pipe.close()
        if self.m.runtime.name != "process" and self.stop_reason is not None:
            m.runtime.cleanup(self.job_id)
        if log.error is not None and self.stop_reason is None:
            self.stop_reason = "disk"  # the log failed as the process ended: still an error
        if self.stop_reason is not None:
            self.finish_stopped(survivors)
        elif proc.returncode == 0:
            self.finish("COMPLETED", None, survivors)
        else:
            self.finish("ERROR", exit_message(proc.returncode), survivors)

    def _watch(self, proc: subprocess.Popen) -> None:
        """Wait for the process to exit, a stop request or the timeout; sample it meanwhile."""
        timeout = self.spec.get("timeoutSeconds") or DEFAULT_TIMEOUT_SECONDS
        deadline = time.monotonic() + timeout
        seen = time.monotonic()
        assert self.procs is not None
        self.procs.sample()
        while proc.poll() is None and self.stop_reason is None:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                self.request_stop("timeout")
                break
            self.wake.wait(min(remaining, HEARTBEAT))
            if proc.poll() is not None or self.stop_reason is not None:
                break
            self.procs.sample()
            if time.monotonic() - seen >= SEEN_EVERY:
                seen = time.monotonic()
                with contextlib.suppress(Exception):  # a full disk must not stop the watch
                    self.m.store.update("jobs", self.job_id, {"seen_at": time.time()})
