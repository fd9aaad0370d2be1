"""Regenerate hfjobs_cli/fast_data.py from the real command tree: `python scripts/gen_fast.py`.

hfjobs_cli/fast.py answers `--help` and Tab presses for command, subcommand and option names
without importing typer, from the text this script records by running the real CLI in-process:

* HELP: for every command and group (and the root), its `--help` exactly as typer prints it
  through `main()`, at each width of WIDTHS. Other widths go through typer.
* BARE: the groups whose bare invocation (`hfjobs schedule`) prints the same help.
* TREE: every visible subcommand of every group, in the order typer lists them.
* ITEMS: the completion candidates of every group (subcommand names) and command (option
  names), with their descriptions.

tests/test_fast.py fails when the committed file drifts from what typer renders. Run this
after any change to a command, an option or a help text (then `UPDATE_SNAPSHOTS=1 python -m
pytest -q tests/test_help.py` for the help snapshots).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGET = ROOT / "hfjobs_cli" / "fast_data.py"
# click's width is max(min(columns, 100) - 2, 50): 78 for a pipe or an 80-column terminal,
# 98 for any terminal of 100 columns or more; 80 is the width typer's test runner forces
# (and an 82-column terminal gets), that of tests/snapshots/help.
WIDTHS = (78, 80, 98)
HELP_FLAGS = ("--help", "-h")


def run_main(args: list[str], env: dict[str, str]) -> tuple[int, str, str]:
    """`main(args)` in-process, as the tests' `cli` fixture runs it: (code, stdout, stderr)."""
    from typer.testing import CliRunner

    from hfjobs_cli.main import main

    runner = CliRunner()
    with runner.isolation(env=env) as (out, err, _mixed):
        formatting = sys.modules["typer._click.formatting"]
        formatting.FORCED_WIDTH = None  # the runner forces 80: measure as a terminal does
        try:
            code = main(list(args), fast=False)
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 0
        sys.stdout.flush()
        sys.stderr.flush()
        return int(code), out.getvalue().decode(), err.getvalue().decode()


def tree() -> dict[str, list[str]]:
    """Every group path (space-joined, "" for the root) and its visible subcommands."""
    import typer.main

    from hfjobs_cli.registry import make_app

    groups: dict[str, list[str]] = {}

    def walk(command, path: str) -> None:
        if not hasattr(command, "commands"):
            return
        names = [n for n in command.list_commands(None) if not command.commands[n].hidden]
        groups[path] = names
        for name in names:
            walk(command.commands[name], f"{path} {name}".strip())

    walk(typer.main.get_command(make_app()), "")
    return groups


def paths(groups: dict[str, list[str]]) -> list[str]:
    every = [""]
    for path, names in groups.items():
        every += [f"{path} {name}".strip() for name in names]
    return every


def help_texts(every: list[str], groups: dict[str, list[str]]):
    base = {"COLUMNS": "", "LINES": ""}
    helps: dict[str, dict[int, str]] = {}
    bare: list[str] = []
    for path in every:
        words = path.split()
        helps[path] = {}
        for width in WIDTHS:
            env = {**base, "COLUMNS": str(width + 2)}
            texts = set()
            for flag in HELP_FLAGS:
                for prefix in ([], ["--local"]):
                    code, out, err = run_main([*prefix, *words, flag], env)
                    if code != 0 or err:
                        raise SystemExit(f"`hfjobs {' '.join([*prefix, *words, flag])}`: {err}")
                    texts.add(out)
            if len(texts) != 1:
                raise SystemExit(f"`hfjobs {path} --help` and its variants differ")
            helps[path][width] = texts.pop()
        if path in groups:
            code, out, err = run_main(words, {**base, "COLUMNS": str(WIDTHS[0] + 2)})
            if code == 0 and not err and out == helps[path][WIDTHS[0]]:
                bare.append(path)
    return helps, bare


def completion_items(every: list[str], groups: dict[str, list[str]]):
    """(value, description) of the subcommand and option candidates of every path."""
    import typer.completion
    import typer.main
    from typer._click.shell_completion import get_completion_class

    from hfjobs_cli.completion import COMPLETE_VAR
    from hfjobs_cli.registry import app_for

    typer.completion.completion_init()
    items: dict[str, tuple[tuple, tuple]] = {}
    saved = {var: os.environ.get(var) for var in (COMPLETE_VAR, "COMP_WORDS", "COMP_CWORD")}
    os.environ[COMPLETE_VAR] = "complete_bash"  # app_for builds what a Tab press gets
    try:
        for path in every:
            words = path.split()
            os.environ["COMP_WORDS"] = " ".join(["hfjobs", *words, ""])
            os.environ["COMP_CWORD"] = str(len(words) + 1)
            cli = typer.main.get_command(app_for(words))
            comp = get_completion_class("bash")(cli, {}, "hfjobs", COMPLETE_VAR)
            kinds = []
            for incomplete in ("", "-"):
                if incomplete == "" and path not in groups:
                    kinds.append(())
                    continue
                found = comp.get_completions(list(words), incomplete)
                kinds.append(
                    help_option_first_short(tuple((item.value, item.help or "") for item in found))
                )
            items[path] = (kinds[0], kinds[1])
    finally:
        for var, value in saved.items():
            if value is None:
                os.environ.pop(var, None)
            else:
                os.environ[var] = value
    return items


def help_option_first_short(items: tuple) -> tuple:
    """click keeps the help option's names in a set: typer offers `-h` and `--help` in either
    order, by the interpreter's hash seed. Record them in one order (-h first)."""
    items = list(items)
    for i in range(len(items) - 1):
        if (items[i][0], items[i + 1][0]) == ("--help", "-h"):
            items[i], items[i + 1] = items[i + 1], items[i]
    return tuple(items)


def render() -> str:
    groups = tree()
    every = paths(groups)
    helps, bare = help_texts(every, groups)
    items = completion_items(every, groups)
    lines = [
        '"""Generated by scripts/gen_fast.py from the real command tree: do not edit.',
        "",
        "Run `python scripts/gen_fast.py` after changing a command, an option or a help text;",
        'tests/test_fast.py fails when this file differs from what typer renders."""',
        "",
        "# fmt: off",
        f"WIDTHS = {WIDTHS!r}",
        f"BARE = frozenset({tuple(sorted(bare))!r})",
        "TREE = {",
    ]
    lines += [f"    {path!r}: {tuple(names)!r}," for path, names in groups.items()]
    lines += ["}", "HELP = {"]
    for path in every:
        texts = helps[path]
        lines.append(f"    {path!r}: {{")
        for width in WIDTHS:
            lines.append(f"        {width}: {texts[width]!r},")
        lines.append("    },")
    lines += ["}", "ITEMS = {"]
    for path in every:
        commands, options = items[path]
        lines.append(f"    {path!r}: ({commands!r}, {options!r}),")
    lines += ["}", ""]
    return "\n".join(lines)


def main() -> int:
    text = render()
    TARGET.write_text(text, encoding="utf-8")
    print(f"wrote {TARGET.relative_to(ROOT)} ({len(text):,} characters)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
