"""The layering (only api/ speaks HTTP, only output.py imports rich, no click) is enforced by
ruff's banned-api rule; this test makes every test run enforce it too."""

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_ruff_check_passes():
    ruff = shutil.which("ruff") or str(Path(sys.executable).parent / "ruff")
    result = subprocess.run(
        [ruff, "check", "--no-cache", str(ROOT)], capture_output=True, text=True, cwd=ROOT
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_layering_rule_catches_a_violation(tmp_path):
    """The ban is live: a command module importing requests is reported."""
    bad = ROOT / "hfjobs_cli" / "commands" / "_lint_probe.py"
    bad.write_text("import requests\n")
    try:
        ruff = shutil.which("ruff") or str(Path(sys.executable).parent / "ruff")
        result = subprocess.run(
            [ruff, "check", "--no-cache", str(bad)], capture_output=True, text=True, cwd=ROOT
        )
        assert result.returncode == 1
        assert "TID251" in result.stdout
    finally:
        bad.unlink()


def test_help_imports_no_http_library_nor_rich():
    code = (
        "import sys; from hfjobs_cli.main import main; "
        "import contextlib, io\n"
        "with contextlib.redirect_stdout(io.StringIO()): main(['--help']); main(['run', '--help'])\n"
        "bad = [m for m in ('requests', 'urllib3', 'rich.console', 'rich.table', 'hfjobs_cli.emulator.server', 'pydantic') if m in sys.modules]\n"
        "print(','.join(bad))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""
