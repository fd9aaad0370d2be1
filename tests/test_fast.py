"""The fast path (hfjobs_cli/fast.py): `--help` and name completion answered without typer
must be byte for byte what typer prints, for every command, width and shell, and must not
drift from the command tree (regenerate with `python scripts/gen_fast.py`)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from hfjobs_cli import fast, fast_data
from scripts.gen_fast import TARGET, render

ROOT = Path(__file__).resolve().parent.parent
HFJOBS = str(Path(sys.executable).parent / "hfjobs")
PATHS = list(fast_data.HELP)
REGENERATE = "run `python scripts/gen_fast.py`"


def test_the_generated_text_is_what_typer_renders_now():
    """Fails after a change to a command, an option or a help text until it is regenerated."""
    assert TARGET.read_text(encoding="utf-8") == render(), (
        f"hfjobs_cli/fast_data.py differs from the command tree: {REGENERATE} "
        "(and UPDATE_SNAPSHOTS=1 python -m pytest -q tests/test_help.py if help changed)"
    )


def run(args: list[str], env: dict[str, str], *, use_fast: bool) -> tuple[int, str, str, bool]:
    """main(args) in-process at the width a terminal of $COLUMNS gets (no forced width):
    (exit code, stdout, stderr, whether the fast path answered)."""
    from typer.testing import CliRunner

    from hfjobs_cli.main import main

    with CliRunner().isolation(env=env) as (out, err, _mixed):
        sys.modules["typer._click.formatting"].FORCED_WIDTH = None
        answered = False
        try:
            if use_fast:
                code = fast.answer(list(args))
                answered = code is not None
                if code is None:
                    code = main(list(args), fast=False)
            else:
                code = main(list(args), fast=False)
        except SystemExit as exc:  # typer's Tab answers end with sys.exit
            code = exc.code if isinstance(exc.code, int) else 0
        sys.stdout.flush()
        sys.stderr.flush()
        return int(code), out.getvalue().decode(), err.getvalue().decode(), answered


def same(args: list[str], env: dict[str, str]) -> bool:
    """Assert that the fast path and typer print the same; return whether it was fast."""
    quick = run(args, env, use_fast=True)
    slow = run(args, env, use_fast=False)
    # click offers the help option's names in the order of a set (the hash seed's): -h first
    slow = (slow[0], slow[1].replace("--help\n-h\n", "-h\n--help\n"), *slow[2:])
    assert quick[:3] == slow[:3], f"hfjobs {' '.join(args)} with {env}"
    return quick[3]


@pytest.mark.parametrize("path", PATHS, ids=lambda p: p or "root")
def test_help_is_typers_at_every_width(path):
    words = path.split()
    widths = [("80", True), ("82", True), ("160", True)]
    if not path:  # widths that are not recorded, and no COLUMNS at all
        widths += [("90", False), ("40", False)]
    for columns, recorded in widths:
        env = {"COLUMNS": columns or None, "LINES": None}
        for args in ([*words, "--help"], ["--local", *words, "-h"]):
            assert same(args, env) == recorded, (args, columns)
    if path in fast_data.TREE:  # a bare group prints its help, a bare command is not answered
        assert same(words, {"COLUMNS": "80"}) == (path in fast_data.BARE)


def test_forms_that_are_not_answered_go_through_typer():
    env = {"COLUMNS": "80"}
    for args in (
        ["ps", "-a", "--help"],  # an option before --help
        ["ls", "--help"],  # a hidden alias
        ["--local"],  # a usage error
        ["--local", "schedule"],
        ["--help", "ps"],
        ["nope", "--help"],
        ["ps"],
        ["schedule", "run", "--help", "x"],
    ):
        assert same(args, env) is False, args


def test_the_snapshot_tests_go_through_the_fast_path(cli, monkeypatch):
    """tests/test_help.py takes its snapshots with main(), at the test runner's width (80):
    main() answers them from the generated text."""
    answers = []
    real = fast.help_for
    monkeypatch.setattr(fast, "help_for", lambda args: answers.append(real(args)) or answers[-1])
    for path in PATHS:
        words = path.split()
        result = cli(*words, "--help")
        name = "_".join(words) or "root"
        snapshot = (ROOT / "tests" / "snapshots" / "help" / f"{name}.txt").read_text()
        assert "\n".join(x.rstrip() for x in result.stdout.splitlines()) + "\n" == snapshot
    assert answers == [0] * len(PATHS)


def _completion_env(shell: str, line: str, **extra: str) -> dict[str, str]:
    if shell == "bash":
        words = line.split(" ")
        return {
            "_HFJOBS_COMPLETE": "complete_bash",
            "COMP_WORDS": line,
            "COMP_CWORD": str(len(words) - 1),
        }
    if shell == "powershell":
        last = line.split(" ")[-1]
        return {"_HFJOBS_COMPLETE": "complete_powershell", "_TYPER_COMPLETE_ARGS": line,
                "_TYPER_COMPLETE_WORD_TO_COMPLETE": last, **extra}  # fmt: skip
    return {"_HFJOBS_COMPLETE": f"complete_{shell}", "_TYPER_COMPLETE_ARGS": line, **extra}


SHELLS = [("bash", {}), ("zsh", {}), ("fish", {"_TYPER_COMPLETE_FISH_ACTION": "get-args"}),
          ("fish", {"_TYPER_COMPLETE_FISH_ACTION": "is-args"}), ("powershell", {})]  # fmt: skip


@pytest.mark.parametrize("path", PATHS, ids=lambda p: p or "root")
def test_name_completion_is_typers(path):
    commands, options = fast_data.ITEMS[path]
    prefixes = ["-", "--h", "--zz"]
    if path in fast_data.TREE:
        prefixes += ["", "zz", commands[-1][0][:2]]
    for shell, extra in SHELLS:
        for prefix in prefixes:
            line = " ".join(["hfjobs", *path.split(), prefix])
            pool = options if prefix.startswith("-") else commands
            candidates = [c for c in pool if c[0].startswith(prefix)]
            described = any(description for _name, description in candidates)
            fast_expected = shell == "bash" or not described
            assert same([], _completion_env(shell, line, **extra)) == fast_expected, (shell, line)


def test_values_and_unusual_words_go_through_typer():
    for shell, extra in SHELLS:
        for line in (
            "hfjobs ps --namespace ",  # an option's value
            "hfjobs logs ",  # an argument (job ids from the cache)
            "hfjobs run --flavor a1",
            "hfjobs ps -a --l",  # an option already typed
            "hfjobs --local --l",
            "hfjobs 'sc",  # quotes
            "hfjobs ps --limit=",
        ):
            assert same([], _completion_env(shell, line, **extra)) is False, (shell, line)


def test_a_fresh_interpreter_answers_without_typer():
    code = (
        "import sys, io, contextlib\n"
        "from hfjobs_cli.fast import answer\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    codes = [answer(['ps', '--help']), answer(['schedule', 'run', '-h']), answer([])]\n"
        "print(codes, sorted(m for m in ('typer', 'click', 'rich', 'requests') if m in sys.modules))"
    )
    env = {**os.environ, "_HFJOBS_COMPLETE": ""}
    env.pop("_HFJOBS_COMPLETE")
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, env=env
    )
    assert out.stdout.strip() == "[0, 0, 0] []", out.stderr


@pytest.mark.parametrize(
    "args,env",
    [
        (["schedule", "--help"], {}),
        ([], {"_HFJOBS_COMPLETE": "complete_bash", "COMP_WORDS": "hfjobs sc", "COMP_CWORD": "1"}),
        ([], {"_HFJOBS_COMPLETE": "complete_zsh", "_TYPER_COMPLETE_ARGS": "hfjobs ps --"}),
    ],
)
def test_the_console_script_prints_what_typer_prints(args, env):
    child = subprocess.run(
        [HFJOBS, *args], capture_output=True, env={**os.environ, **env}, timeout=60
    )
    slow = run(args, {**env, "COLUMNS": os.environ["COLUMNS"]}, use_fast=False)
    assert (child.returncode, child.stdout.decode(), child.stderr.decode()) == slow[:3]
