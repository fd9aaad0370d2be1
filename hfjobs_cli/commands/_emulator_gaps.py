"""What the local emulator cannot do for a job, said in one line before the job starts.

Under `--local` the client asks the emulator which runtime it uses and what it supports
(`GET /api/emulator/health`, public: `runtime` and `features`) and compares the spec with it:
the process runtime runs the command on this machine (so `uv` must be installed here); SSH,
exposed ports and volumes work only where the runtime lists them; no runtime isolates private
networks. Each gap is named with the way out.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from hfjobs_cli.api.client import JobsClient
    from hfjobs_cli.invocation import Invocation

_UV = re.compile(r"(^|[\s;&|(])uv(\s|$)")


def uses_uv(command: list[str]) -> bool:
    """`uv ...` itself, or a shell line (`sh -c '... uv run ...'`) that calls it."""
    if not command:
        return False
    if os.path.basename(command[0]) == "uv":
        return True
    return command[0] in ("sh", "bash") and len(command) > 2 and bool(_UV.search(command[2]))


def uv_installed() -> bool:
    """As the emulator's process runtime looks for it: its interpreter's folder, then PATH."""
    path = os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", os.defpath)
    return shutil.which("uv", path=path) is not None


def gaps(runtime: str, spec: dict[str, Any], features: list[str] | None = None) -> list[str]:
    """The warnings for this spec on this emulator runtime (empty when nothing is missing)."""
    features = features or []
    found = []
    command = [*spec.get("command", []), *spec.get("arguments", [])]
    if runtime == "process" and uses_uv(command) and not uv_installed():
        found.append(
            "the emulator's process runtime runs the job's `uv` on this machine, and uv is "
            "not installed here: `pip install uv` (or start Docker, and the emulator runs "
            "the image)"
        )
    if spec.get("ssh", {}).get("enabled") and "ssh" not in features:
        found.append(
            f"--ssh: the emulator's {runtime} runtime has no SSH server, so `hfjobs ssh` "
            "cannot connect; run the job on Hugging Face (without --local) to use SSH"
        )
    if spec.get("expose") and "expose" not in features:
        found.append(
            f"--expose: the emulator's {runtime} runtime has no port proxy; the job's ports "
            "are reachable only on this machine, at localhost:PORT"
        )
    if spec.get("volumes") and "volumes" not in features:
        found.append(
            "-v/--volume: the emulator records volumes but mounts nothing; the job will not "
            "see those repositories (run it on Hugging Face for that)"
        )
    if spec.get("network") and "network" not in features:
        found.append(
            "--network-group/--network-alias: the emulator records them but does not isolate "
            "jobs in a private network"
        )
    return found


def warn_emulator_gaps(app: Invocation, client: JobsClient, spec: dict[str, Any]) -> None:
    """Under --local: one warning line per gap, before anything is created."""
    if not app.local:
        return
    try:
        health = client.emulator_health()
    except Exception:  # an older emulator, or a hiccup: the job itself decides
        return
    if health is None:
        return
    for gap in gaps(health.runtime or "", spec, health.features):
        app.output.warn(f"Local emulator: {gap}")
