"""`hfjobs uv run` with values that a shell would misread, run for real: the emulator's process
runtime runs the job's `sh -c` line and the real uv, which installs the requirement.

Without a network, uv installs from a folder of wheels built here (`UV_FIND_LINKS`, with
`UV_OFFLINE=1`): `hfjobs-probe` 1.0 and 2.0, so an unpinned install would be seen (2.0)."""

from __future__ import annotations

import base64
import hashlib
import shlex
import zipfile
from pathlib import Path

# `>`, `<`, `;`, spaces, single and double quotes: a redirection, a second command and broken
# words if the value reached the shell unquoted.
REQUIREMENT = """hfjobs-probe >= 1.0, < 2 ; python_version >= '3' and sys_platform != "plan9\""""


def _wheel(folder: Path, version: str) -> None:
    """A minimal pure-Python wheel of `hfjobs-probe` at `version`."""
    dist = f"hfjobs_probe-{version}.dist-info"
    files = {
        "hfjobs_probe/__init__.py": f"VERSION = {version!r}\n",
        f"{dist}/METADATA": f"Metadata-Version: 2.1\nName: hfjobs-probe\nVersion: {version}\n",
        f"{dist}/WHEEL": "Wheel-Version: 1.0\nGenerator: tests\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
    }
    record = []
    for name, text in files.items():
        digest = base64.urlsafe_b64encode(hashlib.sha256(text.encode()).digest()).rstrip(b"=")
        record.append(f"{name},sha256={digest.decode()},{len(text.encode())}")
    record.append(f"{dist}/RECORD,,")
    files[f"{dist}/RECORD"] = "\n".join(record) + "\n"
    with zipfile.ZipFile(folder / f"hfjobs_probe-{version}-py3-none-any.whl", "w") as whl:
        for name, text in files.items():
            whl.writestr(name, text)


def test_with_values_and_arguments_reach_uv_unchanged(hfjobs, tmp_path):
    wheels = tmp_path / "wheels"
    wheels.mkdir()
    _wheel(wheels, "1.0")
    _wheel(wheels, "2.0")
    script = tmp_path / "probe.py"
    script.write_text(
        "import sys, hfjobs_probe\nprint('probe', hfjobs_probe.VERSION, sys.argv[1:])\n"
    )
    args = ["a b", "c;d", "$HOME", "it's", '"q"', "x>y"]
    result = hfjobs(
        "uv", "run", "--with", REQUIREMENT,
        "-e", f"UV_FIND_LINKS={wheels}", "-e", "UV_OFFLINE=1", "-e", "UV_PYTHON_DOWNLOADS=never",
        str(script), *args,
        timeout=180,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    # The script's output is in the log (no `>` redirected it) and the pin was honoured.
    assert result.stdout.splitlines()[-1] == f"probe 1.0 {args!r}"
    job_id = hfjobs("ps", "-a", "-q", "--limit", "1").stdout.split()[0]
    assert hfjobs("logs", job_id).stdout.splitlines()[-1] == f"probe 1.0 {args!r}"
    [job] = hfjobs("inspect", "--json", job_id).json()
    assert job["command"][:2] == ["sh", "-c"]
    words = shlex.split(job["command"][2])  # the value is one word of the job's shell line
    assert words[words.index("--with") + 1] == REQUIREMENT
