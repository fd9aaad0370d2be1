"""The composite action in action.yml, run step by step as a GitHub runner would, against the
emulator: the runner's files in a temp folder, each `run:` script through bash, `${{ }}`
expressions for inputs, step outputs and the action path, and `if:` for the cleanup step.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import time
from pathlib import Path

import yaml

from tests.e2e.conftest import HFJOBS, wait_for_stage

ROOT = Path(__file__).resolve().parents[2]
ACTION = yaml.safe_load((ROOT / "action.yml").read_text())
EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")


class Runner:
    """Just enough of a GitHub runner to run this composite action's steps."""

    def __init__(self, hfjobs, folder: Path, inputs: dict[str, str]):
        self.folder = folder
        folder.mkdir()
        self.inputs = {
            name: str(spec.get("default", "")) for name, spec in ACTION["inputs"].items()
        }
        self.inputs.update(inputs)
        self.step_outputs: dict[str, dict[str, str]] = {}
        self.cancelled = False
        env = hfjobs.env()
        env["PATH"] = f"{Path(HFJOBS).parent}{os.pathsep}{env.get('PATH', '')}"
        env.update(
            GITHUB_ACTIONS="true",
            GITHUB_STEP_SUMMARY=str(folder / "summary.md"),
            GITHUB_RUN_ID="4242",
            RUNNER_TEMP=str(folder),
        )
        self.env = env

    def evaluate(self, text: str) -> str:
        def value(match: re.Match) -> str:
            expr = match.group(1)
            if expr.startswith("inputs."):
                return self.inputs[expr.removeprefix("inputs.")]
            if expr == "github.action_path":
                return str(ROOT)
            step, _, name = expr.removeprefix("steps.").partition(".outputs.")
            return self.step_outputs.get(step, {}).get(name, "")

        return EXPRESSION.sub(value, text)

    def should_run(self, step: dict) -> bool:
        condition = step.get("if")
        if condition is None:
            return not self.cancelled
        if condition == "cancelled()":
            return self.cancelled
        name, op, literal = re.fullmatch(r"inputs\.([\w-]+) (!=|==) '(.*)'", condition).groups()
        return (self.inputs[name] == literal) == (op == "==") and not self.cancelled

    def start(self, step: dict) -> tuple[subprocess.Popen, Path]:
        assert step["shell"] == "bash"
        outputs = self.folder / f"output-{step.get('id', 'step')}-{time.monotonic_ns()}"
        outputs.touch()
        env = dict(self.env, GITHUB_OUTPUT=str(outputs))
        env.update({k: self.evaluate(str(v)) for k, v in (step.get("env") or {}).items()})
        script = self.folder / f"step-{time.monotonic_ns()}.sh"
        script.write_text(step["run"])
        proc = subprocess.Popen(
            ["bash", "--noprofile", "--norc", "-e", "-o", "pipefail", str(script)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
            start_new_session=True,
        )
        return proc, outputs

    def finish(self, step: dict, proc: subprocess.Popen, outputs: Path) -> tuple[int, str, str]:
        stdout, stderr = proc.communicate(timeout=120)
        if "id" in step:
            values = dict(
                line.split("=", 1) for line in outputs.read_text().splitlines() if "=" in line
            )
            self.step_outputs[step["id"]] = values
        return proc.returncode, stdout, stderr

    def run_steps(self, until: str | None = None) -> dict[str, tuple[int, str, str]]:
        """Run the steps in order (stopping before the step named `until`); the first failing
        step stops the others, as on a runner."""
        results = {}
        for step in ACTION["runs"]["steps"]:
            if step.get("id") == until and until is not None:
                break
            if not self.should_run(step):
                continue
            results[step.get("id", step["name"])] = result = self.finish(step, *self.start(step))
            if result[0] != 0:
                break
        return results

    def step(self, step_id: str) -> dict:
        return next(s for s in ACTION["runs"]["steps"] if s.get("id") == step_id)

    def cleanup(self) -> tuple[int, str, str]:
        self.cancelled = True
        [step] = [s for s in ACTION["runs"]["steps"] if self.should_run(s)]
        return self.finish(step, *self.start(step))

    @property
    def outputs(self) -> dict[str, str]:
        return {name: self.evaluate(spec["value"]) for name, spec in ACTION["outputs"].items()}


INPUTS = {"image": "python:3.12", "install": "false"}


def test_the_action_declares_what_the_readme_promises():
    assert ACTION["runs"]["using"] == "composite"
    assert set(ACTION["inputs"]) >= {
        "image", "space", "command", "flavor", "timeout", "env", "secrets", "labels", "name",
        "if-running", "detach",
    }  # fmt: skip
    assert set(ACTION["outputs"]) == {"job-id", "job-url", "stage"}
    run = next(s for s in ACTION["runs"]["steps"] if s.get("id") == "run")
    assert re.search(r"^\s*exec hfjobs ", run["run"], re.M)
    assert ACTION["runs"]["steps"][-1]["if"] == "cancelled()"


def test_the_action_matches_githubs_action_schema():
    """The schema check-jsonschema ships (no network): a key GitHub would reject fails here."""
    import sys

    result = subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.github-actions",
         str(ROOT / "action.yml")],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_job_that_completes(hfjobs, tmp_path):
    runner = Runner(hfjobs, tmp_path / "runner", {
        **INPUTS,
        "command": """python -c "import os; print('mode', os.environ['MODE'], os.environ['PASSWORD'] != '')" """,
        "env": "MODE=fast\n  \n",
        "secrets": "PASSWORD",
        "labels": "suite=action\ncommit=abc123",
        "name": "action-ok",
    })  # fmt: skip
    runner.env["PASSWORD"] = "hunter2"
    results = runner.run_steps()
    code, stdout, stderr = results["run"]
    assert code == 0, stderr
    assert "mode fast True" in stdout.splitlines()
    assert stdout.startswith("::group::Log of job local/")
    outputs = runner.outputs
    assert outputs["stage"] == "COMPLETED" and len(outputs["job-id"]) == 24
    assert outputs["job-url"].endswith(f"/jobs/local/{outputs['job-id']}")
    summary = (tmp_path / "runner" / "summary.md").read_text()
    assert (
        f"| [{outputs['job-id']}]({outputs['job-url']}) | `python:3.12` | cpu-basic | COMPLETED |"
        in summary
    )
    [job] = hfjobs("inspect", "--json", outputs["job-id"]).json()
    assert job["labels"]["suite"] == "action" and job["labels"]["name"] == "action-ok"
    assert "hunter2" not in str(job)


def test_a_job_that_fails_fails_the_step_with_an_annotation(hfjobs, tmp_path):
    runner = Runner(hfjobs, tmp_path / "runner", {
        **INPUTS, "command": "python -c 'import sys; sys.exit(3)'", "timeout": "5m",
    })  # fmt: skip
    code, stdout, _stderr = runner.run_steps()["run"]
    assert code == 1
    assert runner.outputs["stage"] == "ERROR"
    assert f"::error title=Job local/{runner.outputs['job-id']} failed::" in stdout


def test_bad_inputs_fail_before_anything_starts(hfjobs, tmp_path):
    runner = Runner(hfjobs, tmp_path / "runner", {"install": "false", "command": "true"})
    code, stdout, _stderr = runner.run_steps()["run"]
    assert code == 2 and "::error title=hfjobs::Give an image or a space" in stdout


def test_cancelling_the_workflow_cancels_the_job(hfjobs, tmp_path):
    runner = Runner(hfjobs, tmp_path / "runner", {
        **INPUTS, "command": "python -c \"import time; print('up', flush=True); time.sleep(120)\"",
    })  # fmt: skip
    runner.run_steps(until="run")
    proc, outputs = runner.start(runner.step("run"))
    try:
        for line in proc.stdout:
            if line == "up\n":
                break
        proc.send_signal(signal.SIGINT)  # bash exec'd hfjobs: the runner's signal reaches it
        code, stdout, _stderr = runner.finish(runner.step("run"), proc, outputs)
    finally:
        proc.kill()
    assert code == 130
    job_id = runner.outputs["job-id"]
    assert runner.outputs["stage"] == "CANCELED"
    assert "was cancelled on SIGINT" in stdout
    cleanup_code, cleanup_out, _ = runner.cleanup()  # if: cancelled() runs next
    assert cleanup_code == 0 and job_id in cleanup_out
    assert hfjobs("inspect", "--json", job_id).json()[0]["status"]["stage"] == "CANCELED"


def test_a_step_killed_before_it_could_cancel_is_cleaned_up(hfjobs, tmp_path):
    runner = Runner(hfjobs, tmp_path / "runner", {
        **INPUTS, "command": "python -c \"import time; print('up', flush=True); time.sleep(120)\"",
    })  # fmt: skip
    runner.run_steps(until="run")
    proc, outputs = runner.start(runner.step("run"))
    try:
        for line in proc.stdout:
            if line == "up\n":
                break
        os.killpg(proc.pid, signal.SIGKILL)
        runner.finish(runner.step("run"), proc, outputs)
    finally:
        proc.kill()
    job_id = runner.outputs["job-id"]  # written as soon as the job existed
    assert hfjobs("inspect", "--json", job_id).json()[0]["status"]["stage"] == "RUNNING"
    code, stdout, stderr = runner.cleanup()
    assert code == 0, stderr
    assert f"Job {job_id} cancelled" in stdout
    wait_for_stage(hfjobs, job_id, ("CANCELED",))


def test_detach_and_if_running_skip_reuse_the_running_job(hfjobs, tmp_path):
    inputs = {
        **INPUTS, "command": "sleep 120", "name": "action-once", "if-running": "skip",
        "detach": "true",
    }  # fmt: skip
    first = Runner(hfjobs, tmp_path / "first", inputs)
    assert first.run_steps()["run"][0] == 0
    second = Runner(hfjobs, tmp_path / "second", inputs)
    code, stdout, _ = second.run_steps()["run"]
    try:
        assert code == 0
        assert second.outputs["job-id"] == first.outputs["job-id"]
        assert "is already RUNNING" in stdout or "is already SCHEDULING" in stdout
        assert hfjobs("ps", "-q", "--name", "action-once").stdout.split() == [
            first.outputs["job-id"]
        ]
    finally:
        hfjobs("cancel", "--name", "action-once", "-y")
