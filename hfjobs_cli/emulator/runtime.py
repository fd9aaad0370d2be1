"""How a job's command runs on this machine: as a local process, or in a Docker container.

`process` (the default when no container engine answers) runs the command as an argv list, with
no shell, in its own working folder and process group; the image is not used, and the job's
status message says so. `docker` runs `docker run` with the image; the environment values travel
through the docker client's environment (`-e KEY` without a value), never through its argv, so
secrets never appear in `ps`.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any


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


def space_image(space_id: str) -> str:
    """The container image the Hub builds for a Space."""
    return "registry.hf.space/" + re.sub(r"[^a-z0-9-]", "-", space_id.lower()) + ":latest"


def container_name(job_id: str) -> str:
    return f"hfjobs-{job_id}"


def docker_argv(
    job_id: str, spec: dict[str, Any], env_keys: list[str], docker: str = "docker"
) -> list[str]:
    """The `docker run` command for a job. Values are not in it: `-e KEY` reads the client's env."""
    image = spec.get("dockerImage") or space_image(spec["spaceId"])
    argv = [
        docker,
        "run",
        "--rm",
        "--name",
        container_name(job_id),
        "--label",
        f"hfjobs.job-id={job_id}",
    ]
    for key in env_keys:
        argv += ["-e", key]
    for port in (spec.get("expose") or {}).get("ports", []):
        argv += ["-p", f"127.0.0.1:{port}:{port}"]
    return [*argv, image, *spec["command"], *spec.get("arguments", [])]


class DockerRuntime:
    """Run the job in a container with its image, through the `docker` client."""

    name = "docker"

    def __init__(self, docker: str | None = None) -> None:
        found = docker or shutil.which("docker")
        if not found:
            raise ValueError(
                "the docker runtime needs the `docker` command, which is not installed"
            )
        self.docker = found

    def plan(
        self, job_id: str, spec: dict[str, Any], secrets: dict[str, str], workdir: Path
    ) -> LaunchPlan:
        variables = job_environment(job_id, spec, secrets)
        env = {**os.environ, **variables}
        return LaunchPlan(
            argv=docker_argv(job_id, spec, list(variables), self.docker), env=env, cwd=workdir
        )

    def running_message(self, spec: dict[str, Any]) -> str:
        return "Running in a local Docker container (docker runtime)"

    def note(self, spec: dict[str, Any]) -> str:
        return "docker runtime"

    def cleanup(self, job_id: str) -> None:
        subprocess.run(
            [self.docker, "rm", "-f", container_name(job_id)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=30,
            check=False,
        )


Runtime = ProcessRuntime | DockerRuntime


def docker_available(timeout: float = 3.0) -> bool:
    """True when `docker info` answers: a container engine is running and reachable."""
    docker = shutil.which("docker")
    if not docker:
        return False
    try:
        result = subprocess.run(
            [docker, "info"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=timeout,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return result.returncode == 0


def select_runtime(choice: str) -> Runtime:
    """`process`, `docker`, or `auto` (docker when `docker info` succeeds, else process)."""
    if choice == "process":
        return ProcessRuntime()
    if choice == "docker":
        return DockerRuntime()
    if choice == "auto":
        return DockerRuntime() if docker_available() else ProcessRuntime()
    raise ValueError(f"unknown runtime {choice!r}: use auto, process or docker")


def exit_message(returncode: int) -> str:
    """A failed job's status message: it states the exit code (or the signal that ended it)."""
    if returncode < 0:
        try:
            name = signal.Signals(-returncode).name
        except ValueError:
            name = f"signal {-returncode}"
        return f"Process was killed by {name} (exit code {128 - returncode})"
    return f"Process exited with code {returncode}"


def process_start_time(pid: int) -> str | None:
    """The start time of a process (clock ticks since boot), to tell it from a reused pid."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat[stat.rfind(")") + 2 :].split()
    if fields and fields[0] == "Z":
        return None  # a zombie is already dead
    return fields[19] if len(fields) > 19 else None


def kill_group(pgid: int, sig: int = signal.SIGKILL) -> bool:
    try:
        os.killpg(pgid, sig)
    except (ProcessLookupError, PermissionError):
        return False
    return True
