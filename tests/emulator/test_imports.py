"""The emulator is a separate layer: light to import, and free of the CLI's dependencies."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.emulator_harness import REPO_ROOT, emulator_env

FORBIDDEN = (
    "requests",
    "urllib3",
    "rich",
    "typer",
    "click",
    "hfjobs_cli.commands",
    "hfjobs_cli.main",
)


def loaded_after(statement: str) -> set[str]:
    code = f"import sys, json; {statement}; print(json.dumps(sorted(sys.modules)))"
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=30,
        env=emulator_env(),
        cwd=REPO_ROOT,
        check=True,
    )
    return set(json.loads(result.stdout))


def test_the_package_and_control_import_nothing_heavy():
    assert not {
        m
        for m in loaded_after("import hfjobs_cli.emulator")
        if m.startswith("hfjobs_cli.emulator.")
    }
    control = loaded_after("import hfjobs_cli.emulator.control")
    heavy = {"sqlite3", "http.server", "croniter", "platformdirs", "urllib.request"}
    assert not heavy & control, heavy & control


def test_the_whole_emulator_never_imports_the_cli_or_its_http_stack():
    modules = (
        "app",
        "control",
        "jobs",
        "logstore",
        "metrics",
        "render",
        "routes_jobs",
        "routes_scheduled",
        "routes_webhooks",
        "runtime",
        "scheduler",
        "server",
        "store",
        "validation",
        "webhooks",
        "__main__",
    )
    statement = "; ".join(f"import hfjobs_cli.emulator.{m}" for m in modules)
    loaded = loaded_after(statement)
    assert not [
        m for m in loaded if m in FORBIDDEN or m.startswith(tuple(f + "." for f in FORBIDDEN))
    ]
