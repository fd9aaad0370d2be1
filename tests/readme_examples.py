"""The README's examples, run as written: the `$ hfjobs ...` lines of a console block.

`examples(heading)` returns the lines of the first ```console block after a heading; a test
runs each one in bash (redirections and pipes included) against the emulator, replacing the
README's placeholder ids with real ones.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"
PLACEHOLDER_ID = "6650a1b2c3d4e5f60718293a"


def examples(heading: str) -> list[str]:
    lines = README.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip() == heading)
    block = next(i for i in range(start, len(lines)) if lines[i].startswith("```console"))
    found = []
    for line in lines[block + 1 :]:
        if line.startswith("```"):
            break
        if line.startswith("$ hfjobs"):
            command = line[2:]
            found.append(command.split("  #")[0].rstrip())
    assert found, f"no examples under {heading}"
    return found


def run_example(
    command: str, env: dict[str, str], cwd: Path, *, replace: dict[str, str] | None = None,
    timeout: float = 120,
) -> subprocess.CompletedProcess:  # fmt: skip
    for old, new in (replace or {}).items():
        command = command.replace(old, new)
    path = f"{Path(sys.executable).parent}:{env.get('PATH', '')}"
    return subprocess.run(
        ["bash", "-c", command],
        cwd=cwd,
        env={**env, "PATH": path},
        capture_output=True,
        text=True,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )
