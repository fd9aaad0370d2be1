"""Job files against the emulator: `inspect --export` then `run -f` sends the same body."""

from __future__ import annotations

import json

from tests.e2e.conftest import wait_for_stage

PY = "python:3.12"
OPTIONS = [
    "--flavor", "cpu-upgrade", "--timeout", "90m", "--attempts", "2",
    "-e", "MODE=fast", "-e", 'QUOTE=say "hi"\\n', "-s", "JOB_SECRET",
    "-l", "team=ml", "-l", "empty", "--name", "exported",
    "-v", "hf://datasets/org/ds@v1/sub:/data", "--expose", "8000", "--expose-public", "9000",
]  # fmt: skip
COMMAND = [PY, "python", "-c", "print('exported job ran')"]


def body(result):
    assert result.returncode == 0, result.stderr
    spec = json.loads(result.stdout)
    spec["labels"].pop("hfjobs-request-id")
    return spec


def test_export_then_run_f_sends_the_same_body(hfjobs, tmp_path):
    secret = {"JOB_SECRET": "s3cr3t-value"}
    original = body(hfjobs("run", "--dry-run", "--json", *OPTIONS, *COMMAND, extra_env=secret))
    started = hfjobs("run", "-d", "-q", *OPTIONS, *COMMAND, extra_env=secret)
    assert started.returncode == 0, started.stderr
    job_id = started.stdout.strip()
    wait_for_stage(hfjobs, job_id, ("COMPLETED", "ERROR"))

    exported = hfjobs("inspect", "--export", job_id)
    assert exported.returncode == 0, exported.stderr
    assert "s3cr3t-value" not in exported.stdout
    assert 'secrets = ["JOB_SECRET"]' in exported.stdout
    file = tmp_path / "job.toml"
    file.write_text(exported.stdout)

    again = body(hfjobs("run", "-f", str(file), "--dry-run", "--json", extra_env=secret))
    assert again == original

    ran = hfjobs("run", "-f", str(file), extra_env=secret)
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout == "exported job ran\n"


def test_the_command_line_overrides_the_file(hfjobs, tmp_path):
    file = tmp_path / "job.toml"
    file.write_text(
        'image = "python:3.12"\n'
        'command = ["python", "-c", "import os; print(os.environ[\'MODE\'], os.environ[\'KEEP\'])"]\n'
        'flavor = "cpu-upgrade"\n'
        'name = "from-file"\n'
        '[env]\nMODE = "file"\nKEEP = "kept"\n'
    )
    result = hfjobs("run", "-f", str(file), "-e", "MODE=flag", "--name", "from-flag")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "flag kept\n"
    [job] = hfjobs("ps", "-a", "--name", "from-flag", "--json").json()
    assert job["flavor"] == "cpu-upgrade"


def test_schedule_run_f_stores_the_files_spec(hfjobs, tmp_path):
    file = tmp_path / "job.toml"
    file.write_text(
        'image = "python:3.12"\ncommand = ["python", "-c", "print(1)"]\ntimeout = "5m"\n'
    )
    created = hfjobs("schedule", "run", "-f", str(file), "--json", "@daily")
    assert created.returncode == 0, created.stderr
    spec = created.json()["jobSpec"]
    assert spec["dockerImage"] == PY and spec["command"] == ["python", "-c", "print(1)"]
    assert spec["timeoutSeconds"] == 300


def test_webhook_create_f_starts_the_source_job(hfjobs, tmp_path):
    file = tmp_path / "job.toml"
    file.write_text(
        'image = "python:3.12"\ncommand = ["python", "-c", "print(2)"]\nsecrets = ["HOOK_SECRET"]\n'
    )
    created = hfjobs(
        "webhook", "create", "--watch", "dataset:alice/data", "-f", str(file), "--json",
        extra_env={"HOOK_SECRET": "v"},
    )  # fmt: skip
    assert created.returncode == 0, created.stderr
    hook = created.json()
    assert hook["job"]["command"] == ["python", "-c", "print(2)"]
    assert "Source job" in created.stderr


def test_the_readme_examples_run(hfjobs, tmp_path):
    from tests.readme_examples import PLACEHOLDER_ID, examples, run_example

    source = hfjobs(
        "run", "-d", "-q", "-e", "MODE=fast", PY, "python", "-c", "import os; print(os.environ['MODE'])"
    ).stdout.strip()  # fmt: skip
    wait_for_stage(hfjobs, source, ("COMPLETED",))
    lines = examples("#### Job files: `run -f`")
    assert len(lines) == 5
    outputs = []
    for line in lines:
        result = run_example(line, hfjobs.env(), tmp_path, replace={PLACEHOLDER_ID: source})
        assert result.returncode == 0, (line, result.stderr)
        outputs.append(result.stdout)
    assert outputs[1] == "fast\n" and outputs[2] == "slow\n"


def test_the_readme_script_header_examples_run(hfjobs, tmp_path):
    import re

    from tests.readme_examples import README, examples, run_example

    heading = "#### Settings inside the script: `[tool.hfjobs]`"
    text = README.read_text(encoding="utf-8").split(heading, 1)[1]
    script = re.search(r"```python\n(.*?)```", text, re.S).group(1)
    (tmp_path / "report.py").write_text(script)
    outputs = []
    for line in examples(heading):
        result = run_example(line, hfjobs.env(), tmp_path, timeout=180)
        assert result.returncode == 0, (line, result.stderr)
        outputs.append(result.stdout)
    assert outputs == ["hello from the header\n", "hello from flags\n"]
    jobs = hfjobs("ps", "-a", "--name", "report", "--json").json()
    assert [(j["flavor"], j["timeoutSeconds"]) for j in jobs] == [
        ("cpu-upgrade", 600),
        ("cpu-basic", 600),
    ]
