"""`hfjobs uv run` at the HTTP boundary: local scripts, URLs, commands and their options."""

import base64
import json

from tests.commands.helpers import stub_running
from tests.payloads import make_job


def test_uv_run_local_script_travels_in_the_spec(cli, api, logged_in, tmp_path):
    script = tmp_path / "train.py"
    script.write_text("# /// script\n# dependencies = ['rich']\n# ///\nprint('hi')\n")
    result = cli(
        "uv",
        "run",
        "--dry-run",
        "--json",
        "--with",
        "numpy",
        "-p",
        "3.12",
        str(script),
        "--epochs",
        "3",
    )
    assert result.exit_code == 0, result.stderr
    body = json.loads(result.stdout)
    assert body["dockerImage"] == "ghcr.io/astral-sh/uv:python3.12-bookworm"
    assert base64.b64decode(body["environment"]["HFJOBS_UV_SCRIPT"]).decode() == script.read_text()
    assert body["command"][:2] == ["sh", "-c"] and body["command"][3:] == [
        "uv-run",
        "--epochs",
        "3",
    ]
    assert 'uv run --with numpy --python 3.12 "$d/train.py" "$@"' in body["command"][2]


def test_uv_run_url_and_command(cli, api, logged_in):
    url_run = json.loads(cli("uv", "run", "--dry-run", "--json", "https://x.test/s.py", "a").stdout)
    assert url_run["command"] == ["uv", "run", "https://x.test/s.py", "a"]
    command = json.loads(
        cli("uv", "run", "--dry-run", "--json", "--with", "lighteval", "lighteval", "--help").stdout
    )
    assert command["command"] == ["uv", "run", "--with", "lighteval", "lighteval", "--help"]


def test_uv_run_bad_input(cli, api, logged_in, tmp_path):
    assert "no such file" in cli("uv", "run", "missing.py").stderr
    big = tmp_path / "big.py"
    big.write_text("x = 1\n" * 20000)
    result = cli("uv", "run", str(big))
    assert result.exit_code == 2 and "KiB" in result.stderr
    assert len(api.calls) == 0


def test_uv_run_takes_if_running_and_cancel_on_exit(cli, api, logged_in, tmp_path):
    running = make_job(stage="RUNNING", labels={"name": "eval"})
    stub_running(api, [running])
    script = tmp_path / "eval.py"
    script.write_text("print(1)\n")
    result = cli(
        "uv", "run", "--namespace", "alice", "--name", "eval", "--if-running", "fail",
        "--cancel-on-exit", str(script),
    )  # fmt: skip
    assert result.exit_code == 1 and f"alice/{running['id']}" in result.stderr
