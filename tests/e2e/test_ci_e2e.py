"""CI steps for real: the installed hfjobs, the emulator, real signals, real shells.

A GitHub runner cancels a step by sending SIGINT to the step's entry process, then SIGTERM,
then killing the process tree. With `exec`, hfjobs is that process and cancels the job; behind
a shell that does not forward signals it is killed first, and the id file lets a cleanup step
cancel the job instead.
"""

from __future__ import annotations

import contextlib
import json
import os
import shlex
import signal
import subprocess
import time
from pathlib import Path

import pytest

from tests.e2e.conftest import HFJOBS, wait_for_stage

PY = "python:3.12"
SLEEPER = ("python", "-c", "import time; print('up', flush=True); time.sleep(120)")


def github_env(hfjobs, runner: Path) -> dict[str, str]:
    runner.mkdir(exist_ok=True)
    env = hfjobs.env()
    env.update(
        GITHUB_ACTIONS="true",
        GITHUB_OUTPUT=str(runner / "output"),
        GITHUB_STEP_SUMMARY=str(runner / "summary"),
        RUNNER_TEMP=str(runner),
        HFJOBS=HFJOBS,
    )
    return env


def outputs(runner: Path) -> dict[str, str]:
    text = (runner / "output").read_text()
    return dict(line.split("=", 1) for line in text.splitlines())


def start_step(script: str, env: dict[str, str]) -> subprocess.Popen:
    """A `run:` step: bash as the entry process, in its own process group."""
    return subprocess.Popen(
        ["bash", "--noprofile", "--norc", "-e", "-c", script],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        start_new_session=True,
    )


def wait_for_line(proc: subprocess.Popen, wanted: str) -> list[str]:
    seen = []
    for line in proc.stdout:
        seen.append(line.rstrip("\n"))
        if line.rstrip("\n") == wanted:
            return seen
    raise AssertionError(f"the step ended before printing {wanted!r}: {seen}")


def readme_cleanup_step() -> str:
    """The `if: cancelled()` step of the README's "In CI" workflow, as written."""
    import yaml

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    block = readme.split("## In CI", 1)[1].split("```yaml\n", 1)[1].split("```", 1)[0]
    steps = yaml.safe_load(block)["steps"]
    [step] = [s for s in steps if s.get("if") == "cancelled()"]
    return step["run"]


def kill_group(proc: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(10)


@pytest.mark.parametrize("sig,code", [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_exec_hfjobs_cancels_the_job_on_the_runners_signal(hfjobs, tmp_path, sig, code):
    runner = tmp_path / "runner"
    env = github_env(hfjobs, runner)
    proc = start_step('exec "$HFJOBS" run ' + PY + " " + shlex.join(SLEEPER), env)
    try:
        lines = wait_for_line(proc, "up")
        assert lines[0].startswith("::group::Log of job ")
        job_id = outputs(runner)["job-id"]  # written as soon as the job existed
        assert (runner / "hfjobs-job-ids").read_text().strip().endswith(job_id)
        proc.send_signal(sig)  # the entry process is hfjobs itself
        assert proc.wait(15) == code
        rest = proc.stdout.read()
        assert f"✓ Job {job_id} cancelled ({signal.Signals(sig).name})" in rest
        assert "::endgroup::" in rest
        # after the group, on the same stream: never swallowed by ::stop-commands::
        assert rest.index("::endgroup::") < rest.index("was cancelled on")
    finally:
        kill_group(proc)
    assert hfjobs("inspect", "--json", job_id).json()[0]["status"]["stage"] == "CANCELED"
    assert outputs(runner)["stage"] == "CANCELED"
    assert "| CANCELED" in (runner / "summary").read_text()


def test_behind_a_shell_that_does_not_forward_signals_the_cleanup_step_cancels(hfjobs, tmp_path):
    runner = tmp_path / "runner"
    env = github_env(hfjobs, runner)
    script = '"$HFJOBS" run ' + PY + " " + shlex.join(SLEEPER) + "; echo after"
    proc = start_step(script, env)
    try:
        wait_for_line(proc, "up")
        job_id = outputs(runner)["job-id"]
        os.kill(proc.pid, signal.SIGINT)  # to the shell only, as the runner does
        time.sleep(1.0)
        os.kill(proc.pid, signal.SIGTERM)
        time.sleep(0.5)
        # hfjobs never heard of it: the job still runs.
        assert hfjobs("inspect", "--json", job_id).json()[0]["status"]["stage"] == "RUNNING"
    finally:
        kill_group(proc)  # the runner kills the whole process tree
    assert hfjobs("inspect", "--json", job_id).json()[0]["status"]["stage"] == "RUNNING"
    cleanup = subprocess.run(
        ["bash", "--noprofile", "--norc", "-e", "-o", "pipefail", "-c", readme_cleanup_step()],
        env={**env, "PATH": f"{Path(HFJOBS).parent}{os.pathsep}{env.get('PATH', '')}"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert cleanup.returncode == 0, cleanup.stderr
    assert f"Job {job_id} cancelled" in cleanup.stdout
    wait_for_stage(hfjobs, job_id, ("CANCELED",))


def test_outside_ci_sigterm_detaches_with_143_and_cancel_on_exit_cancels(hfjobs):
    proc = hfjobs.popen("run", "--name", "term-detach", PY, *SLEEPER)
    try:
        assert proc.stdout.readline() == "up\n"
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(15) == 143
        [job_id] = hfjobs("ps", "-q", "--name", "term-detach").stdout.split()
        assert f"hfjobs cancel local/{job_id}" in proc.stderr.read()
    finally:
        proc.kill()
    assert hfjobs("inspect", "--json", job_id).json()[0]["status"]["stage"] == "RUNNING"
    assert hfjobs("cancel", job_id).returncode == 0

    proc = hfjobs.popen("run", "--name", "int-cancel", "--cancel-on-exit", PY, *SLEEPER)
    try:
        assert proc.stdout.readline() == "up\n"
        proc.send_signal(signal.SIGINT)
        assert proc.wait(15) == 130
        assert "cancelled (SIGINT)" in proc.stdout.read()
    finally:
        proc.kill()
    [job] = hfjobs("ps", "-a", "--json", "--name", "int-cancel").json()
    assert job["status"]["stage"] == "CANCELED"


def test_attach_follows_a_detached_job_and_cancels_it_on_sigterm_in_ci(hfjobs, tmp_path):
    job_id = hfjobs("run", "-d", "-q", PY, *SLEEPER).stdout.strip()
    runner = tmp_path / "runner"
    proc = subprocess.Popen(
        [HFJOBS, "attach", job_id],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=github_env(hfjobs, runner),
    )
    try:
        wait_for_line(proc, "up")
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(15) == 143
    finally:
        proc.kill()
    assert hfjobs("inspect", "--json", job_id).json()[0]["status"]["stage"] == "CANCELED"
    assert outputs(runner) == {
        "job-id": job_id,
        "job-url": outputs(runner)["job-url"],
        "stage": "CANCELED",
    }


def test_attach_to_a_finished_job_exits_with_its_code(hfjobs):
    job_id = hfjobs("run", "-d", "-q", PY, "python", "-c", "import sys; sys.exit(2)").stdout.strip()
    wait_for_stage(hfjobs, job_id, ("ERROR",))
    result = hfjobs("attach", job_id)
    assert result.returncode == 1
    assert "ERROR" in result.stderr


def test_if_running_never_starts_a_second_job_of_a_name(hfjobs):
    first = hfjobs("run", "-d", "-q", "--name", "ci-once", PY, *SLEEPER).stdout.strip()
    try:
        failed = hfjobs("run", "--name", "ci-once", "--if-running", "fail", PY, "true")
        assert failed.returncode == 1 and first in failed.stderr
        skipped = hfjobs("run", "-d", "-q", "--name", "ci-once", "--if-running", "skip", PY, "true")
        assert skipped.returncode == 0 and skipped.stdout.strip() == first
        running = hfjobs("ps", "-q", "--name", "ci-once").stdout.split()
        assert running == [first]
        replaced = hfjobs(
            "run", "-d", "-q", "--name", "ci-once", "--if-running", "replace", PY, *SLEEPER
        )
        second = replaced.stdout.strip()
        assert replaced.returncode == 0 and second != first
        wait_for_stage(hfjobs, first, ("CANCELED",))
        assert hfjobs("ps", "-q", "--name", "ci-once").stdout.split() == [second]
    finally:
        hfjobs("cancel", "--name", "ci-once", "-y")


def test_a_sweep_in_ci_reports_every_job(hfjobs, tmp_path):
    runner = tmp_path / "runner"
    result = subprocess.run(
        [HFJOBS, "run", "--matrix", "n=1,2", PY, "python", "-c", "print('n={n}')"],
        env=github_env(hfjobs, runner),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    values = outputs(runner)
    ids = json.loads(values["job-id"])
    assert len(ids) == 2 and len(json.loads(values["job-url"])) == 2
    assert json.loads(values["stage"]) == ["COMPLETED", "COMPLETED"]
    assert (runner / "hfjobs-job-ids").read_text().split() == [f"local/{i}" for i in ids]
    summary = (runner / "summary").read_text()
    assert all(f"| [{i}](" in summary for i in ids)


def test_many_logs_in_ci_are_one_group_with_commands_off(hfjobs, tmp_path):
    ids = [
        hfjobs("run", "-d", "-q", PY, "python", "-c", f"print('::error::from {n}')").stdout.strip()
        for n in (1, 2)
    ]
    for job_id in ids:
        wait_for_stage(hfjobs, job_id, ("COMPLETED",))
    runner = tmp_path / "runner"
    result = subprocess.run(
        [HFJOBS, "logs", "-f", "--no-prefix", *ids],
        env=github_env(hfjobs, runner),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "::group::Logs of 2 jobs" and lines[1].startswith("::stop-commands::")
    assert sorted(lines[2:4]) == ["::error::from 1", "::error::from 2"]
    assert lines[4:] == [f"::{lines[1].removeprefix('::stop-commands::')}::", "::endgroup::"]
    assert sorted(json.loads(outputs(runner)["job-id"])) == sorted(ids)


def test_the_readme_examples_of_attach_and_doctor_run(hfjobs, tmp_path):
    from tests.readme_examples import PLACEHOLDER_ID, README, examples, run_example

    job_id = hfjobs("run", "-d", "-q", PY, "python", "-c", "print('done')").stdout.strip()
    text = README.read_text(encoding="utf-8")
    block = text.split("### `hfjobs attach`", 1)[1].split("```console\n", 1)[1].split("```", 1)[0]
    lines = [line[2:] for line in block.splitlines() if line.startswith("$ ")]
    assert len(lines) == 2
    first = run_example(lines[0], hfjobs.env(), tmp_path, replace={PLACEHOLDER_ID: job_id})
    assert first.returncode == 0 and first.stdout == "done\n", first.stderr
    second = run_example(lines[1], hfjobs.env(), tmp_path)
    assert second.returncode == 0 and second.stdout == "trained\n", second.stderr
    plain, as_json = examples("### `hfjobs doctor`")
    result = run_example(plain, hfjobs.env(), tmp_path)
    assert result.returncode == 0 and "may start jobs" in result.stdout, result.stderr
    result = run_example(as_json, hfjobs.env(), tmp_path, replace={"my-org": "local-org"})
    assert result.returncode == 0, result.stdout
    assert json.loads(result.stdout)["namespace"]["name"] == "local-org"
