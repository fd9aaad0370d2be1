"""Every command hfjobs prints for the user works when copied, in the mode it was printed in.

The jobs run under `--local` (and `HFJOBS_LOCAL=1`) with no HF_ENDPOINT and no token in the
environment: a hint that forgot `--local` would go to huggingface.co and fail "Not logged in".
Each test takes the hints a command printed, runs each one as printed (split as a POSIX shell
would) in a clean environment, and checks its exit code.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess

import pytest

from tests.e2e.conftest import HFJOBS

PY = "python:3.12"
# `Follow its log: hfjobs --local logs -f local/ID` or "... with `hfjobs ...`"
HINT = re.compile(r"(?:`(hfjobs [^`]+)`|: (hfjobs \S.*)$)", re.M)


def printed_commands(stderr: str) -> list[str]:
    """The complete commands in a command's stderr (templates with `...` or ID... are left out)."""
    found = [a or b for a, b in HINT.findall(stderr)]
    return [c.strip() for c in found if "..." not in c and not re.search(r"\b[A-Z]{2,}\b", c)]


@pytest.fixture(scope="module")
def local_env(tmp_path_factory):
    """A clean environment whose `--local` emulator lives in a temporary folder."""
    home = tmp_path_factory.mktemp("hints")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HF_", "HFJOBS_"))}
    env.update(
        HFJOBS_DATA_DIR=str(home / "data"),
        HFJOBS_CONFIG_DIR=str(home / "cfg"),
        HFJOBS_CACHE_DIR=str(home / "cache"),
        HF_HOME=str(home / "hf"),
        HFJOBS_STREAM_TIMEOUT="10",
        HFJOBS_EMULATOR_RUNTIME="process",  # python:3.12 is not in podman's local images
    )
    yield env
    subprocess.run([HFJOBS, "emulator", "stop"], capture_output=True, env=env, timeout=30)


def run(env, *args: str, extra: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    # capture_output: the background emulator must not hold a pipe of ours
    return subprocess.run(
        [HFJOBS, *args],
        capture_output=True,
        text=True,
        timeout=90,
        env={**env, **(extra or {})},
        stdin=subprocess.DEVNULL,
    )


def run_hints(env, stderr: str, *, expect: dict[str, int] | None = None) -> list[str]:
    """Run every printed command; each must exit 0 (or its code in `expect`, by verb)."""
    commands = printed_commands(stderr)
    assert commands, f"no command printed in: {stderr!r}"
    for line in commands:
        argv = shlex.split(line)
        assert argv[0] == "hfjobs"
        result = run(env, *argv[1:])
        verb = next(a for a in argv[1:] if not a.startswith("-") and a != "local")
        wanted = (expect or {}).get(verb, 0)
        assert result.returncode == wanted, f"`{line}` exited {result.returncode}: {result.stderr}"
    return commands


def test_hints_after_a_detached_run_work_under_local(local_env):
    started = run(local_env, "--local", "run", "-d", PY, "python", "-c", "print('copied')")
    assert started.returncode == 0, started.stderr
    commands = run_hints(local_env, started.stderr)
    assert any(c.startswith("hfjobs --local logs -f local/") for c in commands), commands


def test_hints_after_a_failed_job_work_under_hfjobs_local(local_env):
    failed = run(
        local_env,
        "run",
        PY,
        "python",
        "-c",
        "import sys; sys.exit(3)",
        extra={"HFJOBS_LOCAL": "1"},
    )
    assert failed.returncode == 1, failed.stderr
    commands = run_hints(local_env, failed.stderr)
    assert any(c.startswith("hfjobs --local inspect local/") for c in commands), commands


def test_hints_of_scheduled_jobs_work_under_local(local_env):
    created = run(
        local_env,
        "--local",
        "schedule",
        "run",
        "--suspend",
        "--concurrency",
        "0 0 1 1 *",
        PY,
        "python",
        "-c",
        "print('scheduled')",
    )
    assert created.returncode == 0, created.stderr
    assert run_hints(local_env, created.stderr)  # Start it with: ... schedule resume
    sj_id = re.search(r"Scheduled job (\w+) created", created.stdout).group(1)
    history = run(local_env, "--local", "schedule", "history", sj_id)
    assert history.returncode == 0, history.stderr
    assert run_hints(local_env, history.stderr)  # Run it now: ... schedule trigger
    triggered = run(local_env, "--local", "schedule", "trigger", sj_id)
    assert triggered.returncode == 0, triggered.stderr
    commands = run_hints(local_env, triggered.stderr)  # Follow its log: ... logs -f
    assert all(c.startswith("hfjobs --local ") for c in commands), commands


def test_a_missing_webhook_points_at_a_list_that_works_under_local(local_env):
    missing = run(local_env, "--local", "webhook", "delete", "-y", "6650c2d3e4f5a6b7c8d9e0f1")
    assert missing.returncode == 5, missing.stderr
    assert run_hints(local_env, missing.stderr) == ["hfjobs --local webhook ls"]


# -- --local is a first-class endpoint: the emulator's token stands in for yours -------------
def test_secrets_hf_token_under_local_is_the_emulators_token(local_env):
    token = run(local_env, "emulator", "env").stdout.split("HF_TOKEN=")[1].split()[0]
    script = f"import os; print(os.environ['HF_TOKEN'] == {token!r})"
    result = run(local_env, "--local", "run", "-s", "HF_TOKEN", PY, "python", "-c", script)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "True\n"


def test_whoami_under_local(local_env):
    result = run(local_env, "whoami", "--json", extra={"HFJOBS_LOCAL": "1"})
    assert result.returncode == 0, result.stderr
    info = __import__("json").loads(result.stdout)
    assert info["name"] == "local" and info["profile"] == "local"
    assert info["tokenSource"] == "the local emulator"


@pytest.mark.parametrize("how", ["env", "flag"])
def test_completion_offers_job_ids_under_local(local_env, how):
    started = run(local_env, "--local", "run", "-d", "-q", PY, "python", "-c", "print(1)")
    job_id = started.stdout.strip()
    words = "hfjobs logs " if how == "env" else "hfjobs --local logs "
    env = {
        "_HFJOBS_COMPLETE": "complete_bash",
        "COMP_WORDS": words,
        "COMP_CWORD": str(len(words.split())),
        "HFJOBS_CACHE_DIR": local_env["HFJOBS_CACHE_DIR"] + f"-{how}",
    }
    if how == "env":
        env["HFJOBS_LOCAL"] = "1"
    result = run(local_env, extra=env)
    assert job_id in result.stdout.split(), result.stdout


def json_health(env) -> dict:
    import json
    import urllib.request

    url = run(env, "emulator", "env").stdout.split("HF_ENDPOINT=")[1].split()[0]
    with urllib.request.urlopen(f"{url}/api/emulator/health", timeout=10) as answer:
        return json.loads(answer.read())


def test_the_emulators_gaps_are_said_before_the_job_starts(local_env):
    """The process runtime has no SSH server and mounts no volume: one line each, up front."""
    result = run(
        local_env, "--local", "run", "-d", "--ssh", "-v", "hf://datasets/local/data:/data",
        PY, "python", "-c", "print(1)",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    warnings = [line for line in result.stderr.splitlines() if "Local emulator:" in line]
    assert any("--ssh" in w for w in warnings), result.stderr  # no runtime serves SSH yet
    volumes = json_health(local_env).get("features", [])
    assert any("-v/--volume" in w for w in warnings) == ("volumes" not in volumes), warnings
    before = result.stderr.index("Local emulator:")
    assert before < result.stderr.index("Follow its log:")
