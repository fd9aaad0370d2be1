"""Container runtimes: a job runs in a real container, through `podman` or `docker`.

Both engines are driven through their command-line clients (the `docker` client may talk to a
Docker engine or to podman's Docker API, `podman system service`). The runner starts a small
supervisor, `python -m hfjobs_cli.emulator.containers`, in the job's process group; it

- runs `ENGINE run --name hfjobs-JOB ...` attached, so stdout and stderr stream line by line;
- passes the job's variables as `-e KEY` (the value travels in the client's environment, never
  in its argv, so secrets never appear in `ps`);
- on SIGTERM (cancel, timeout, the emulator stopping) stops the container;
- takes the outcome from the engine (`inspect`: the container's exit code, out-of-memory),
  never from the client's exit code (through podman's Docker API, `docker run --rm` exits 0
  for a container that exited 5);
- removes the container at every end.

A flavor's vCPUs and RAM become `--cpus` and `--memory`; a GPU flavor uses the machine's GPUs
when the engine can pass them through, and otherwise the job fails saying why; `hf://` volumes
of models, datasets and Spaces mount read-only from the local Hugging Face cache.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

from hfjobs_cli.emulator.hardware import flavor_resources

LABEL = "hfjobs.job-id"
STOP_SECONDS = 2  # what a container gets between SIGTERM and SIGKILL on cancel or timeout
CDI_DIRS = (Path("/etc/cdi"), Path("/var/run/cdi"))
ENGINES = ("docker", "podman")


class LaunchRefused(Exception):
    """The job cannot start on this machine; the message says why (it becomes the job's)."""


def container_name(job_id: str) -> str:
    return f"hfjobs-{job_id}"


def space_image(space_id: str) -> str:
    """The container image the Hub builds for a Space."""
    return "registry.hf.space/" + re.sub(r"[^a-z0-9-]", "-", space_id.lower()) + ":latest"


def engine_answers(binary: str | None, timeout: float = 3.0) -> bool:
    """True when `ENGINE info` succeeds: the engine runs and this user may use it."""
    if not binary:
        return False
    try:
        result = subprocess.run(
            [binary, "info"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=timeout,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return result.returncode == 0


# -- hf:// volumes from the local Hugging Face cache ----------------------------------------------


def hf_cache_dir() -> Path:
    """Where huggingface_hub keeps repositories: HF_HUB_CACHE, HF_HOME/hub, or ~/.cache/..."""
    if os.environ.get("HF_HUB_CACHE"):
        return Path(os.environ["HF_HUB_CACHE"]).expanduser()
    if os.environ.get("HF_HOME"):
        return Path(os.environ["HF_HOME"]).expanduser() / "hub"
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache).expanduser() / "huggingface" / "hub"


def _download_hint(volume: dict[str, Any]) -> str:
    words = ["hf", "download", volume["source"]]
    if volume["type"] != "model":
        words += ["--repo-type", volume["type"]]
    if volume.get("revision"):
        words += ["--revision", volume["revision"]]
    return " ".join(words)


def cached_snapshot(volume: dict[str, Any], cache: Path | None = None) -> Path:
    """The folder of the volume's revision (and `path`) in the local cache, or LaunchRefused."""
    cache = cache or hf_cache_dir()
    kind, source = volume["type"], volume["source"]
    what = f"hf://{kind}s/{source}"
    if kind == "bucket":
        raise LaunchRefused(
            f"The volume {what} is a storage bucket: buckets are not in the local Hugging Face "
            "cache, so the emulator cannot mount it"
        )
    repo = cache / f"{kind}s--{source.replace('/', '--')}"
    revision = volume.get("revision") or "main"
    commit = None
    ref = repo / "refs" / revision
    if ref.is_file():
        commit = ref.read_text().strip()
    elif (repo / "snapshots" / revision).is_dir():
        commit = revision
    if not commit or not (repo / "snapshots" / commit).is_dir():
        raise LaunchRefused(
            f"The volume {what} (revision {revision}) is not in the local Hugging Face cache "
            f"({cache}): download it first with `{_download_hint(volume)}`"
        )
    folder = repo / "snapshots" / commit
    if volume.get("path"):
        folder = folder / volume["path"].strip("/")
        if not folder.exists():
            raise LaunchRefused(
                f"The volume {what} has no {volume['path']!r} in its cached revision {revision}"
            )
    return folder


def materialise(snapshot: Path, into: Path) -> Path:
    """A copy of a cached snapshot without symbolic links (hard links where possible).

    The cache's snapshots link to `../../blobs/...`, which would dangle inside a container.
    """
    if snapshot.is_file():
        into.mkdir(parents=True, exist_ok=True)
        _link(snapshot, into / snapshot.name)
        return into / snapshot.name
    for root, _dirs, files in os.walk(snapshot):
        target = into / Path(root).relative_to(snapshot)
        target.mkdir(parents=True, exist_ok=True)
        for name in files:
            _link(Path(root) / name, target / name)
    into.mkdir(parents=True, exist_ok=True)
    return into


def _link(source: Path, target: Path) -> None:
    real = source.resolve()
    try:
        os.link(real, target)
    except OSError:  # another filesystem: copy
        shutil.copyfile(real, target)


# -- GPUs ----------------------------------------------------------------------------------------


def _cdi_has_nvidia() -> bool:
    for folder in CDI_DIRS:
        with contextlib.suppress(OSError):
            for spec in folder.iterdir():
                if "nvidia.com/gpu" in spec.read_text(errors="replace"):
                    return True
    return False


def _docker_has_nvidia(binary: str) -> bool:
    try:
        out = subprocess.run(
            [binary, "info", "--format", "{{json .Runtimes}}"],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        ).stdout
    except (OSError, subprocess.TimeoutExpired):
        return False
    return "nvidia" in out


# -- the runtime ---------------------------------------------------------------------------------


class ContainerRuntime:
    """Run each job in a container of its image, with `podman` or `docker`."""

    def __init__(self, engine: str, binary: str | None = None) -> None:
        if engine not in ENGINES:
            raise ValueError(f"unknown container engine {engine!r}")
        found = binary or shutil.which(engine)
        if not found:
            raise ValueError(
                f"the {engine} runtime needs the `{engine}` command, which is not installed"
            )
        self.name = engine
        self.binary = found

    # What the runner calls ------------------------------------------------------------------

    def plan(self, job_id: str, spec: dict[str, Any], secrets: dict[str, str], workdir: Path):
        from hfjobs_cli.emulator.runtime import LaunchPlan, job_environment

        variables = job_environment(job_id, spec, secrets)
        argv = [
            sys.executable,
            "-m",
            "hfjobs_cli.emulator.containers",
            self.binary,
            container_name(job_id),
            *self.run_args(job_id, spec, list(variables), workdir),
        ]
        return LaunchPlan(argv=argv, env={**os.environ, **variables}, cwd=workdir)

    def running_message(self, spec: dict[str, Any]) -> str:
        return f"Running in a local container ({self.name} runtime)"

    def note(self, spec: dict[str, Any]) -> str:
        return f"{self.name} runtime"

    def cleanup(self, job_id: str) -> None:
        remove(self.binary, container_name(job_id))

    # The `run` arguments ---------------------------------------------------------------------

    def run_args(
        self, job_id: str, spec: dict[str, Any], env_keys: list[str], workdir: Path
    ) -> list[str]:
        """Everything after `ENGINE run --name NAME`: values are not in it (`-e KEY`)."""
        image = spec.get("dockerImage") or space_image(spec["spaceId"])
        args = ["--label", f"{LABEL}={job_id}"]
        args += self.hardware_args(spec.get("flavor") or "cpu-basic")
        for key in env_keys:
            args += ["-e", key]
        for port in (spec.get("expose") or {}).get("ports", []):
            args += ["-p", f"127.0.0.1:{port}:{port}"]
        for index, volume in enumerate(spec.get("volumes") or []):
            host = materialise(cached_snapshot(volume), workdir / "volumes" / str(index))
            args += ["-v", f"{host}:{volume['mountPath']}:ro"]
        return [*args, image, *spec["command"], *spec.get("arguments", [])]

    def hardware_args(self, flavor: str) -> list[str]:
        """`--cpus` and `--memory` from the flavor; the GPUs, or LaunchRefused saying why not."""
        cpus, ram, gpus = flavor_resources(flavor)
        args = ["--cpus", str(min(cpus, os.cpu_count() or cpus)), "--memory", str(ram)]
        if gpus is None:
            return args
        count = gpus[0]
        if self.name == "podman":
            if _cdi_has_nvidia():
                return [*args, "--device", "nvidia.com/gpu=all"]
            why = "no CDI specification for nvidia.com/gpu in /etc/cdi or /var/run/cdi"
        else:
            if _docker_has_nvidia(self.binary):
                return [*args, "--gpus", str(count)]
            why = "the Docker engine has no nvidia runtime"
        raise LaunchRefused(
            f"The flavor {flavor} needs {count} GPU{'s' if count > 1 else ''}, and {self.name} "
            f"cannot pass GPUs through on this machine ({why}): use a CPU flavor locally, "
            "or the process runtime, which records the flavor without GPUs"
        )


def remove(binary: str, name: str) -> None:
    with contextlib.suppress(OSError, subprocess.TimeoutExpired):
        subprocess.run(
            [binary, "rm", "-f", name],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=30,
            check=False,
        )


def container_outcome(binary: str, name: str) -> tuple[int, bool] | None:
    """(exit code, killed for memory) as the engine recorded them; None if there is no such."""
    try:
        result = subprocess.run(
            [binary, "inspect", "--format", "{{.State.ExitCode}} {{.State.OOMKilled}}", name],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    fields = result.stdout.split()
    if result.returncode != 0 or len(fields) != 2 or not fields[0].lstrip("-").isdigit():
        return None
    return int(fields[0]), fields[1] == "true"


def supervise(binary: str, name: str, run_args: list[str]) -> int:
    """Run the container attached; return its exit code as the engine recorded it."""
    stopping = threading.Event()

    def stop(signum: int, frame: Any) -> None:
        if not stopping.is_set():
            stopping.set()
            threading.Thread(
                target=subprocess.run,
                args=([binary, "stop", "--time", str(STOP_SECONDS), name],),
                kwargs={"stdin": subprocess.DEVNULL, "capture_output": True, "timeout": 30},
                daemon=True,
            ).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        client = subprocess.Popen(
            [binary, "run", "--name", name, *run_args], stdin=subprocess.DEVNULL
        )
    except OSError as exc:
        print(f"Cannot run {binary}: {exc}", file=sys.stderr)
        return 127
    client_code = client.wait()
    outcome = container_outcome(binary, name)
    remove(binary, name)
    if outcome is None:  # the container was never created (no such image, bad option...)
        return client_code if client_code > 0 else 125
    code, oom = outcome
    if oom:
        print(
            "The container was killed: it ran out of memory (the flavor's RAM is its limit)",
            file=sys.stderr,
            flush=True,
        )
    return code


def main(argv: list[str]) -> int:
    if len(argv) < 3:
        print(
            "usage: python -m hfjobs_cli.emulator.containers ENGINE NAME RUN-ARGS...",
            file=sys.stderr,
        )
        return 2
    return supervise(argv[0], argv[1], argv[2:])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
