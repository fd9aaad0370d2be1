"""The GitHub Actions workflow cannot run here; what can be checked is: it is a valid workflow
(the GitHub workflow schema that check-jsonschema ships, so no network), and its matrix and
test commands are the ones README promises."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from ruamel.yaml import YAML

ROOT = Path(__file__).resolve().parent.parent
WORKFLOW = ROOT / ".github" / "workflows" / "ci.yml"


def _schema_check(path: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.github-workflows", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )  # fmt: skip


def test_the_workflow_is_valid_and_a_broken_one_is_not(tmp_path):
    result = _schema_check(WORKFLOW)
    assert result.returncode == 0, result.stdout + result.stderr
    broken = tmp_path / "ci.yml"  # the check can fail: a job without `runs-on`
    broken.write_text(WORKFLOW.read_text(encoding="utf-8").replace("runs-on:", "run-on:"))
    assert _schema_check(broken).returncode != 0


def _steps_by_os(job: dict) -> dict[str, list[str]]:
    runs: dict[str, list[str]] = {"Linux": [], "macOS": [], "Windows": []}
    for step in job["steps"]:
        if "run" not in step:
            continue
        condition = step.get("if", "")
        for os_name in runs:
            equal = f"runner.os == '{os_name}'" in condition
            other = re.search(r"runner\.os != '(\w+)'", condition)
            if not condition or equal or (other and other.group(1) != os_name):
                runs[os_name].append(step["run"].strip())
    return runs


def test_the_matrix_and_the_commands_are_the_promised_ones():
    workflow = YAML(typ="safe").load(WORKFLOW.read_text(encoding="utf-8"))
    [job] = workflow["jobs"].values()
    matrix = job["strategy"]["matrix"]
    assert matrix["python"] == ["3.11", "3.12"]
    assert {o.split("-")[0] for o in matrix["os"]} == {"ubuntu", "macos", "windows"}
    assert "macos-14" in matrix["os"]  # arm64
    runs = _steps_by_os(job)
    # Linux: the repository's own check, which runs README's test command on the full suite.
    assert runs["Linux"] == [".ci/run"]
    ci_run = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "\npython -m pytest -q\n" in ci_run
    assert runs["macOS"] == [
        'python -m pip install -e ".[test]"',
        'python -m pytest -q -m "not linux"',
    ]
    assert runs["Windows"] == [
        'python -m pip install -e ".[test]"',
        'python -m pytest -q -m "not posix"',
    ]


def test_the_markers_the_workflow_selects_on_are_registered_and_readme_names_the_workflow():
    import tomllib

    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    markers = {m.split(":")[0] for m in pyproject["tool"]["pytest"]["ini_options"]["markers"]}
    assert {"posix", "linux"} <= markers
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    development = readme.split("\n## Development", 1)[1].split("\n## ", 1)[0]
    assert ".github/workflows/ci.yml" in development
    assert "\n## Platforms\n" in readme
