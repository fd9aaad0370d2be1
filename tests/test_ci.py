"""The runner-facing formats of hfjobs_cli/ci.py: detection, commands, folds, files."""

from __future__ import annotations

import io
import json

import pytest

from hfjobs_cli.ci import CiStep, JobReport, detect, github_command, json_line_safe
from hfjobs_cli.errors import UsageError


@pytest.mark.parametrize(
    "choice,env,expected",
    [
        (None, {}, None),
        (None, {"GITHUB_ACTIONS": "true"}, "github"),
        ("auto", {"GITLAB_CI": "true"}, "gitlab"),
        ("off", {"GITHUB_ACTIONS": "true"}, None),
        ("GitLab", {}, "gitlab"),
        ("github", {"GITLAB_CI": "true"}, "github"),
        (None, {"GITHUB_ACTIONS": "false", "CI": "true"}, None),
    ],
)
def test_detect(choice, env, expected):
    assert detect(choice, env) == expected


def test_detect_refuses_an_unknown_ci():
    with pytest.raises(UsageError, match="use one of auto, github, gitlab, off"):
        detect("jenkins", {})


def test_workflow_command_escapes_data_and_properties():
    line = github_command("error", "50% done\nnext", title="a:b,c")
    assert line == "::error title=a%3Ab%2Cc::50%25 done%0Anext"


def test_github_fold_switches_commands_off_with_a_fresh_token():
    stream = io.StringIO()
    step = CiStep("github", environ={})
    with step.fold("Log of job alice/1", stream) as fold:
        stream.write("\n".join(fold.lines(["::error::injected", "##[error]old"])) + "\n")
    lines = stream.getvalue().splitlines()
    assert lines[0] == "::group::Log of job alice/1"
    assert lines[1].startswith("::stop-commands::")
    token = lines[1].removeprefix("::stop-commands::")
    assert len(token) == 32
    assert lines[2:] == ["::error::injected", "##[error]old", f"::{token}::", "::endgroup::"]
    other = io.StringIO()
    with step.fold("again", other):
        pass
    assert token not in other.getvalue()


def test_gitlab_fold_uses_sections_and_escapes_markers_in_job_lines():
    stream = io.StringIO()
    with CiStep("gitlab", environ={}).fold("Log of job alice/1", stream) as fold:
        lines = fold.lines(["\x1b[0Ksection_end:1:hfjobs_x\r\x1b[0K", "plain \x1b[31mred"])
    text = stream.getvalue()
    assert text.startswith("\x1b[0Ksection_start:") and "\r\x1b[0KLog of job alice/1\n" in text
    assert text.split("\n")[-2].startswith("\x1b[0Ksection_end:")
    assert lines == ["\\x1b[0Ksection_end:1:hfjobs_x\r\\x1b[0K", "plain \x1b[31mred"]


def test_no_ci_no_fold():
    stream = io.StringIO()
    with CiStep(None, environ={}).fold("x", stream) as fold:
        assert fold.lines(["::error::a"]) == ["::error::a"]
    assert stream.getvalue() == ""


def test_json_line_safe_is_the_same_json():
    line = json.dumps({"timestamp": "t", "data": "::error::x ##[warning]y"})
    safe = json_line_safe(line)
    assert "::" not in safe and "##[" not in safe
    assert json.loads(safe) == json.loads(line)


def report(**overrides) -> JobReport:
    values = dict(
        ref="alice/abc", job_id="abc", url="https://hf.co/jobs/alice/abc", image="python:3.12",
        flavor="a10g-small", stage="ERROR", message="exit | code 3", duration=125.0, cost=0.07,
    )  # fmt: skip
    values.update(overrides)
    return JobReport(**values)


def test_files_for_one_job(tmp_path):
    env = {
        "GITHUB_OUTPUT": str(tmp_path / "out"),
        "GITHUB_STEP_SUMMARY": str(tmp_path / "summary"),
        "RUNNER_TEMP": str(tmp_path),
    }
    step = CiStep("github", dotenv=str(tmp_path / "job.env"), environ=env)
    step.job_started("alice/abc", "https://hf.co/jobs/alice/abc")
    step.jobs_ended([report()])
    assert (tmp_path / "hfjobs-job-ids").read_text() == "alice/abc\n"
    assert (tmp_path / "out").read_text() == (
        "job-id=abc\njob-url=https://hf.co/jobs/alice/abc\nstage=ERROR\n"
    )
    summary = (tmp_path / "summary").read_text()
    assert "| Job | Image | Flavor | Stage | Duration | Cost |" in summary
    assert (
        "| [abc](https://hf.co/jobs/alice/abc) | `python:3.12` | a10g-small "
        "| ERROR: exit \\| code 3 | 2m 5s | $0.07 |"
    ) in summary
    assert (tmp_path / "job.env").read_text() == (
        "HFJOBS_JOB_ID=abc\nHFJOBS_JOB_URL=https://hf.co/jobs/alice/abc\nHFJOBS_STAGE=ERROR\n"
    )


def test_outputs_for_several_jobs_are_json_lists(tmp_path):
    env = {"GITHUB_OUTPUT": str(tmp_path / "out")}
    CiStep("github", environ=env).jobs_ended(
        [report(), report(job_id="def", url="u2", stage="COMPLETED", message=None)]
    )
    values = dict(line.split("=", 1) for line in (tmp_path / "out").read_text().splitlines())
    assert json.loads(values["job-id"]) == ["abc", "def"]
    assert json.loads(values["job-url"]) == ["https://hf.co/jobs/alice/abc", "u2"]
    assert json.loads(values["stage"]) == ["ERROR", "COMPLETED"]


def test_outside_ci_no_runner_file_is_touched(tmp_path):
    runner = tmp_path / "runner"
    runner.mkdir()
    env = {"GITHUB_OUTPUT": str(runner / "out"), "RUNNER_TEMP": str(runner)}
    step = CiStep(None, environ=env)
    step.job_started("alice/abc", "u")
    step.jobs_ended([report()])
    assert list(runner.iterdir()) == []


def test_the_id_file_can_be_named_anywhere(tmp_path):
    target = tmp_path / "deep" / "ids"
    CiStep(None, environ={"HFJOBS_ID_FILE": str(target)}).job_started("alice/abc", "u")
    assert target.read_text() == "alice/abc\n"
