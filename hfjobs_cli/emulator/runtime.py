"""How a job's command runs on this machine: as a local process, or in a container.

`process` (the default when no container engine answers) runs the command as an argv list, with
no shell, in its own working folder and process group; the image is not used (the job's page
says so). `docker` and `podman` run the image in a container: see `containers.py`.
"""

from __future__ import annotations

import os
import shutil
import signal
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hfjobs_cli.emulator.containers import ContainerRuntime, engine_answers
from hfjobs_cli.emulator.procs import kill_group, process_start_time  # noqa: F401 (re-exported)


@dataclass
class LaunchPlan:
    argv: list[str]
    env: dict[str, str]
    cwd: Path


def image_of(spec: dict[str, Any]) -> str:
    """How the job's image is named in messages: `the image X` or `the Space Y`."""
    if spec.get("spaceId"):
        return f"the Space {spec['spaceId']}"
    return f"the image {spec.get('dockerImage')}"


def job_environment(job_id: str, spec: dict[str, Any], secrets: dict[str, str]) -> dict[str, str]:
    """The variables a job sees on top of the runtime's base: its env, its secrets, JOB_ID."""
    return {**spec.get("environment", {}), **secrets, "JOB_ID": job_id}


class ProcessRuntime:
    """Run the command directly on this machine, as the emulator's user."""

    name = "process"

    def plan(
        self, job_id: str, spec: dict[str, Any], secrets: dict[str, str], workdir: Path
    ) -> LaunchPlan:
        path = os.environ.get("PATH", os.defpath)
        # `python` must resolve even where only `python3` exists: put our interpreter's folder first.
        env = {"PATH": os.path.dirname(sys.executable) + os.pathsep + path, "HOME": str(workdir)}
        for key in ("LANG", "LC_ALL"):
            if key in os.environ:
                env[key] = os.environ[key]
        env.update(job_environment(job_id, spec, secrets))
        return LaunchPlan(argv=[*spec["command"], *spec.get("arguments", [])], env=env, cwd=workdir)

    def running_message(self, spec: dict[str, Any]) -> str:
        return f"Running as a local process (process runtime): {image_of(spec)} was not used"

    def note(self, spec: dict[str, Any]) -> str:
        return f"process runtime: {image_of(spec)} was not used"

    def cleanup(self, job_id: str) -> None:
        """Nothing to remove: the process group is killed by the runner."""


Runtime = ProcessRuntime | ContainerRuntime


def select_runtime(choice: str) -> Runtime:
    """`process`, `docker`, `podman`, or `auto`: docker when `docker info` answers, else podman
    when `podman info` answers, else process (the emulator says which it took)."""
    if choice == "process":
        return ProcessRuntime()
    if choice in ("docker", "podman"):
        return ContainerRuntime(choice)
    if choice == "auto":
        for engine in ("docker", "podman"):
            if engine_answers(shutil.which(engine)):
                return ContainerRuntime(engine)
        return ProcessRuntime()
    raise ValueError(f"unknown runtime {choice!r}: use auto, process, docker or podman")


def exit_message(returncode: int) -> str:
    """A failed job's status message: it states the exit code (or the signal that ended it)."""
    if returncode < 0:
        try:
            name = signal.Signals(-returncode).name
        except ValueError:
            name = f"signal {-returncode}"
        return f"Process was killed by {name} (exit code {128 - returncode})"
    return f"Process exited with code {returncode}"
