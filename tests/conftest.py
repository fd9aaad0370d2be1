"""Test isolation and the two ways tests drive hfjobs: in-process with `cli`, and at the HTTP
boundary with `api` (responses stubs that fail on unknown and on unused requests)."""

from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
import responses

from tests.payloads import ENDPOINT, TOKEN

TOKEN_PATTERNS = [TOKEN]
TESTS = Path(__file__).resolve().parent


def normalise_newlines(text: str) -> str:
    """Text that went through a text stream, with the platform's line end (`\\r\\n` on Windows)
    turned back into `\\n`, so tests compare exact output on every platform. A no-op where the
    line end is `\\n`: a `\\r` that hfjobs writes itself is never hidden here."""
    return text.replace(os.linesep, "\n") if os.linesep != "\n" else text


# -- markers given here ----------------------------------------------------------------------
# `posix`: needs Linux or macOS (the emulator runs jobs as POSIX process groups; the fault and
# end-to-end tests start children with POSIX signals). Given here by folder, so test modules
# need no edit; a test elsewhere says it with @pytest.mark.posix. `linux`: reads /proc, found
# in the test's source or in a module-level helper it calls, so the marker follows the code;
# or needs what .ci/run installs on Debian (`containers`: podman and runc; `browser`: chromium).
# Windows CI runs `-m "not posix"`, macOS `-m "not linux"`: what cannot run is deselected in
# the open instead of passing without checking anything.
# `e2e`: runs real processes end to end. By folder: tests/e2e (the installed `hfjobs` against an
# emulator), tests/emulator (an emulator server process over real sockets) and tests/faults (a
# fault-injection server, the installed `hfjobs` among its clients); elsewhere, found in the
# test's source or a module-level helper it calls, like `linux`: it runs the installed command
# (`HFJOBS`, its path) or starts an emulator (`start_emulator`). `pytest -m "not e2e"` is the
# fast loop; the plain `pytest` (what CI runs) is the full suite.
POSIX_FOLDERS = ("emulator", "e2e", "faults")
E2E_FOLDERS = ("e2e", "emulator", "faults")
_BY_SOURCE = {
    "linux": re.compile(r"""["']/proc\b"""),
    "e2e": re.compile(r"\b(HFJOBS|start_emulator)\b"),
}


def pytest_collection_modifyitems(config, items):
    import inspect

    helpers: dict[tuple[object, str], set[str]] = {}
    for item in items:
        path = Path(str(item.fspath)).resolve()
        parts = path.relative_to(TESTS).parts if path.is_relative_to(TESTS) else ()
        if parts and parts[0] in POSIX_FOLDERS:
            item.add_marker(pytest.mark.posix)
        if parts and parts[0] in E2E_FOLDERS:
            item.add_marker(pytest.mark.e2e)
        module = getattr(item, "module", None)
        function = getattr(item, "function", None)
        if module is None or function is None:
            continue
        source = _source(function)
        for marker, pattern in _BY_SOURCE.items():
            if (module, marker) not in helpers:
                helpers[module, marker] = {
                    name
                    for name, value in vars(module).items()
                    if inspect.isfunction(value)
                    and not name.startswith("test_")
                    and value.__module__ == module.__name__
                    and pattern.search(_source(value))
                }
            if pattern.search(source) or any(
                re.search(rf"\b{h}\(", source) for h in helpers[module, marker]
            ):
                item.add_marker(marker)
        if item.get_closest_marker("containers") or item.get_closest_marker("browser"):
            item.add_marker(pytest.mark.linux)  # podman, runc, chromium: what .ci/run installs
        if item.get_closest_marker("linux"):
            item.add_marker(pytest.mark.posix)


def _source(function) -> str:
    import inspect

    try:
        return inspect.getsource(function)
    except (OSError, TypeError):
        return ""


# An emulator that `--local` starts runs jobs as processes, even where podman or docker answers
# (CI installs podman; the container runtimes have their own tests). Set at import too, for the
# module-scoped fixtures that build their environment before `isolate` runs.
os.environ["HFJOBS_EMULATOR_RUNTIME"] = "process"


@dataclass
class Result:
    exit_code: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


@pytest.fixture(autouse=True)
def isolate(tmp_path, monkeypatch):
    """Every test: its own config/data/cache dirs, a fake endpoint, no colour, fixed width."""
    home = tmp_path / "home"
    home.mkdir()
    for var in list(__import__("os").environ):
        if var.startswith(("HF_", "HFJOBS_", "HUGGING_FACE", "GITHUB_", "GITLAB_", "RUNNER_")):
            monkeypatch.delenv(var, raising=False)
        elif var in ("NO_COLOR", "FORCE_COLOR", "CI", "CI_SERVER"):
            monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("HFJOBS_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("HFJOBS_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("HFJOBS_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf_home"))
    monkeypatch.setenv("HF_ENDPOINT", ENDPOINT)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "100")
    monkeypatch.setenv("TERM", "dumb")
    monkeypatch.setenv("_TYPER_FORCE_DISABLE_TERMINAL", "1")
    monkeypatch.setenv("NETRC", str(tmp_path / "netrc"))
    monkeypatch.setenv("HFJOBS_EMULATOR_RUNTIME", "process")
    # Retries, reconnects and polls must not slow the suite: no real sleeping in process.
    monkeypatch.setattr("hfjobs_cli.clock.sleep", lambda s: None)
    monkeypatch.setattr("hfjobs_cli.api.client.new_request_id", lambda: "rid0")


@pytest.fixture
def cli(monkeypatch):
    """Run `hfjobs ARGS...` in-process through `main()` (the real error boundary).

    Fails the test if the token ever appears on stdout or stderr.
    """
    from typer.testing import CliRunner

    from hfjobs_cli.main import main

    def run(*args: str, input: str | None = None, env: dict[str, str] | None = None) -> Result:
        runner = CliRunner()
        with runner.isolation(input=input, env=env) as (out, err, _mixed):
            try:
                code = main(list(args))
            except SystemExit as exc:  # shell completion exits from inside typer
                code = exc.code if isinstance(exc.code, int) else 0
            sys.stdout.flush()
            sys.stderr.flush()
            stdout = normalise_newlines(out.getvalue().decode("utf-8", "replace"))
            stderr = normalise_newlines(err.getvalue().decode("utf-8", "replace"))
        for secret in TOKEN_PATTERNS:
            assert secret not in stdout, f"token leaked to stdout: {stdout!r}"
            assert secret not in stderr, f"token leaked to stderr: {stderr!r}"
        return Result(int(code), stdout, stderr)

    return run


@pytest.fixture
def api():
    """responses stubs: unknown requests fail, and unused stubs fail at teardown."""
    with responses.RequestsMock(assert_all_requests_are_fired=True) as mock:
        yield mock


@pytest.fixture
def logged_in(monkeypatch):
    monkeypatch.setenv("HF_TOKEN", TOKEN)
    return TOKEN


def auth_header(token: str = TOKEN):
    return responses.matchers.header_matcher({"authorization": f"Bearer {token}"})


def strip_ansi(text: str) -> str:
    return re.sub(r"\x1b\[[0-9;]*m", "", text)
