"""The emulator is a separate layer: light to import, and free of the CLI's dependencies."""

from __future__ import annotations

import ast
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
        "state",
        "control",
        "jobs",
        "logstore",
        "metrics",
        "render",
        "routes_jobs",
        "routes_scheduled",
        "routes_webhooks",
        "routing",
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


def test_no_import_circle_among_the_emulator_modules():
    """The server imports the route modules and the route modules import `routing`, never the
    server: the module-level imports of the emulator form no cycle."""
    package = REPO_ROOT / "hfjobs_cli" / "emulator"
    graph: dict[str, set[str]] = {}
    for path in package.glob("*.py"):
        imports: set[str] = set()
        for node in ast.parse(path.read_text()).body:
            if isinstance(node, ast.ImportFrom) and node.module:
                if node.module == "hfjobs_cli.emulator":
                    imports |= {alias.name for alias in node.names}
                elif node.module.startswith("hfjobs_cli.emulator."):
                    imports.add(node.module.rsplit(".", 1)[1])
            elif isinstance(node, ast.Import):
                imports |= {
                    alias.name.rsplit(".", 1)[1]
                    for alias in node.names
                    if alias.name.startswith("hfjobs_cli.emulator.")
                }
        graph[path.stem] = imports
    assert graph["server"] >= {"routes_jobs", "routes_scheduled", "routes_webhooks", "pages"}

    def cycle_from(module: str, path: tuple[str, ...]) -> tuple[str, ...] | None:
        if module in path:
            return (*path[path.index(module) :], module)
        for imported in sorted(graph.get(module, ())):
            found = cycle_from(imported, (*path, module))
            if found:
                return found
        return None

    cycles = [c for m in sorted(graph) if (c := cycle_from(m, ()))]
    assert not cycles, " -> ".join(cycles[0])


# What native Windows lacks: no fcntl or termios module, no SIGKILL.
NO_POSIX = """
import signal, sys
sys.modules["fcntl"] = None
sys.modules["termios"] = None
del signal.SIGKILL
"""


def test_every_emulator_module_imports_without_posix_only_modules():
    modules = [
        p.stem
        for p in (REPO_ROOT / "hfjobs_cli" / "emulator").glob("*.py")
        if p.stem not in ("__init__",)
    ]
    assert {"control", "runtime", "procs", "jobs", "metrics"} <= set(modules)
    statement = NO_POSIX + "\n".join(f"import hfjobs_cli.emulator.{m}" for m in modules)
    result = subprocess.run(
        [sys.executable, "-c", statement + "\nprint('imported')"],
        capture_output=True,
        text=True,
        timeout=60,
        env=emulator_env(),
        cwd=REPO_ROOT,
    )
    assert result.returncode == 0 and result.stdout == "imported\n", result.stderr


def test_on_windows_every_entry_point_says_in_one_line_what_the_emulator_needs():
    code = NO_POSIX + (
        "sys.platform = 'win32'\n"
        "from hfjobs_cli.emulator import __main__ as m, control\n"
        "for call in (control.status, control.stop, control.start_background, control.serve):\n"
        "    try:\n"
        "        call()\n"
        "    except control.UnsupportedPlatform as exc:\n"
        "        print(exc)\n"
        "sys.exit(m.main(['status']))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=60,
        env=emulator_env(),
        cwd=REPO_ROOT,
    )
    line = "The local emulator needs Linux, macOS or WSL: it does not run on native Windows"
    assert result.stdout == f"{line}\n" * 4
    assert result.stderr == f"error: {line}\n" and result.returncode == 2
