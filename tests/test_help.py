"""Help is the first manual: every command has a summary and an example, the root help lists
exit codes and environment variables, snapshots catch unintended changes, and the README has a
section for every command (and no section for a command that does not exist)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from hfjobs_cli.registry import COMMANDS, make_app, stub_app

app = make_app()

ROOT = Path(__file__).resolve().parent.parent
SNAPSHOTS = ROOT / "tests" / "snapshots" / "help"


def walk(typer_app, prefix=()):
    """(path, help text) of every visible command and group, from typer's public registries."""
    for info in typer_app.registered_commands:
        if info.hidden:
            continue
        name = info.name or info.callback.__name__.replace("_", "-")
        yield (*prefix, name), info.help or info.callback.__doc__ or ""
    for group in typer_app.registered_groups:
        sub = group.typer_instance
        name = group.name or sub.info.name
        yield (*prefix, name), group.help or sub.info.help or ""
        yield from walk(sub, (*prefix, name))


COMMANDS_AND_GROUPS = [(p, t) for p, t in walk(app) if len(p) == 1]
TREE = sorted(walk(app))
LEAVES = [
    path for path, _ in TREE if not any(p[: len(path)] == path and p != path for p, _ in TREE)
]


def test_the_tree_is_not_empty():
    names = {" ".join(p) for p, _ in TREE}
    assert {
        "run",
        "ps",
        "inspect",
        "logs",
        "cancel",
        "login",
        "emulator serve",
        "config set",
    } <= names


@pytest.mark.parametrize("path,text", TREE, ids=[" ".join(p) for p, _ in TREE])
def test_every_command_has_a_summary(path, text):
    summary = text.strip().splitlines()[0] if text.strip() else ""
    assert summary, f"{' '.join(path)} has no help"
    assert summary.endswith("."), f"{' '.join(path)}: the summary should be a sentence: {summary!r}"
    assert summary[0].isupper()


@pytest.mark.parametrize("path", LEAVES, ids=[" ".join(p) for p in LEAVES])
def test_every_command_has_an_example(cli, path):
    result = cli(*path, "--help")
    assert result.exit_code == 0
    assert re.search(r"Examples?:", result.stdout), f"{' '.join(path)} --help has no example"
    assert f"hfjobs {path[0]}" in result.stdout or "eval" in result.stdout


GROUPS = [path for path, _ in TREE if path not in LEAVES]


@pytest.mark.parametrize("path", GROUPS, ids=[" ".join(p) for p in GROUPS])
def test_every_group_has_an_example(cli, path):
    """`hfjobs config --help` (and every other group) shows how it is used, not only its verbs."""
    result = cli(*path, "--help")
    assert result.exit_code == 0
    assert re.search(r"Examples?:", result.stdout), f"{' '.join(path)} --help has no example"
    assert re.search(rf"^\s+(eval .*)?hfjobs {' '.join(path)} ", result.stdout, re.M)


@pytest.mark.parametrize("path", [()] + [p for p, _ in TREE], ids=lambda p: " ".join(p) or "root")
def test_options_show_metavars_not_types(cli, path):
    """`--limit N`, never click's `--limit <int range>` or `<str>`."""
    out = cli(*path, "--help").stdout
    assert not re.search(r"<(int|float|str|text|integer)[^>]*>", out, re.I), out


@pytest.mark.parametrize("flag", ["-V", "--version"])
def test_version_flags(cli, flag):
    from hfjobs_cli import __version__

    result = cli(flag)
    assert result.exit_code == 0
    assert result.stdout == f"hfjobs {__version__}\n"


def test_the_lazy_registry_matches_the_commands():
    """registry.COMMANDS (used so that a start imports one command module) agrees with the tree."""
    top = {path[0]: text.strip().splitlines()[0] for path, text in COMMANDS_AND_GROUPS}
    assert list(top) == list(COMMANDS)
    assert {name: summary for name, (_m, summary) in COMMANDS.items()} == top


def test_the_stub_root_help_is_the_real_one(cli):
    """The root help comes from stubs that import no command module; it must not differ."""
    from typer.testing import CliRunner

    runner = CliRunner()
    real = runner.invoke(make_app(), ["--help"], prog_name="hfjobs", env={"COLUMNS": "100"})
    stub = runner.invoke(stub_app(), ["--help"], prog_name="hfjobs", env={"COLUMNS": "100"})
    assert real.exit_code == stub.exit_code == 0
    assert stub.stdout == real.stdout


def test_a_command_imports_only_its_own_module():
    import subprocess
    import sys

    code = (
        "import sys, contextlib, io; from hfjobs_cli.main import main\n"
        "with contextlib.redirect_stdout(io.StringIO()): main(['ps', '--help'], fast=False)\n"
        "print(sorted(m for m in sys.modules if m.startswith('hfjobs_cli.commands.') and not m.split('.')[-1].startswith('_')))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT
    ).stdout
    assert out.strip() == "['hfjobs_cli.commands.ps']"


def test_root_help_lists_exit_codes_and_environment(cli):
    out = cli("--help").stdout
    for code in (0, 1, 2, 3, 4, 5, 6, 124, 130):
        assert re.search(rf"^\s+{code}\s+\w", out, re.M), code
    for var in ("HF_TOKEN", "HF_ENDPOINT", "HFJOBS_LOCAL", "NO_COLOR"):
        assert var in out


def _snapshot_name(path):
    return "_".join(path) or "root"


@pytest.mark.parametrize("path", [()] + [p for p, _ in TREE], ids=lambda p: " ".join(p) or "root")
def test_help_snapshots(cli, path):
    """Regenerate with UPDATE_SNAPSHOTS=1 after an intended change."""
    text = "\n".join(line.rstrip() for line in cli(*path, "--help").stdout.splitlines()) + "\n"
    file = SNAPSHOTS / f"{_snapshot_name(path)}.txt"
    if os.environ.get("UPDATE_SNAPSHOTS"):
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_text(text)
    assert file.exists(), f"no snapshot for {path}: run with UPDATE_SNAPSHOTS=1"
    assert text == file.read_text()


def test_readme_has_a_section_for_every_command_and_no_other():
    readme = (ROOT / "README.md").read_text()
    documented = set(re.findall(r"^#{3,4} .*?`hfjobs ([a-z][a-z -]*?)`", readme, re.M))
    documented |= {
        m
        for h in re.findall(r"^#{3,4} (.*)$", readme, re.M)
        for m in re.findall(r"`hfjobs ([a-z][a-z -]*?)`", h)
    }
    top_level = {p[0] for p, _ in TREE}
    for command in top_level:
        assert any(d == command or d.startswith(command + " ") for d in documented), (
            f"README: no section for {command}"
        )
    every = {" ".join(p) for p, _ in TREE}
    for name in documented:
        assert name in every, f"README documents `hfjobs {name}`, which does not exist"
