"""Every example shown in any `--help` runs (issue 12): each one is run in-process against
the fault server (a small honest Jobs API), in a folder holding the files examples name.
An example may end with "not found" (its ids are placeholders), but never with a usage
error (exit 2) or an unexpected failure: `ps -a --status error --limit 20` once exited 2.

Left out, each for a stated reason: the `emulator` group and `--local` (they start a real
emulator: tests/e2e runs them), `ssh` (it execs ssh), `login` (it saves a token), and lines
whose command is not `hfjobs` (the right side of a pipe is run when it is `hfjobs`)."""

from __future__ import annotations

import shlex

import pytest

from tests.faults.server import FaultServer
from tests.test_help import TREE

SKIP_PATHS = {("emulator",), ("ssh",), ("login",)}


def examples(text: str) -> list[str]:
    """The examples of a help text: each paragraph of its Examples section that starts with
    `hfjobs`, its wrapped lines joined (help text wraps long examples)."""
    _, _, section = text.partition("Examples:")
    found: list[str] = []
    current: list[str] = []
    for raw in [*section.splitlines(), ""]:
        line = raw.strip().removeprefix("$ ")
        if raw and not raw.startswith(" "):  # "Arguments:", "Options:": the section is over
            break
        if not line:
            if current:
                found.append(" ".join(current).replace("\\ ", ""))
            current = []
        elif current or line.startswith("hfjobs "):
            current.append(line)
    if current:
        found.append(" ".join(current))
    return found


def invocations(line: str) -> list[list[str]]:
    """Each `hfjobs` command of an example line (both sides of `|`, `&&`), as argv, without
    redirections; `xargs hfjobs ...` loses xargs and its options."""
    lexer = shlex.shlex(line, posix=True, punctuation_chars="|&;<>")
    lexer.whitespace_split = True
    lexer.commenters = "#"
    parts: list[list[str]] = [[]]
    redirect = False
    for token in lexer:
        if redirect:
            redirect = False
        elif token in ("|", "||", "&&", ";"):
            parts.append([])
        elif token in (">", ">>", "<", "2>"):
            redirect = True
        else:
            parts[-1].append(token)
    result = []
    for words in parts:
        if words[:1] == ["xargs"] and "hfjobs" in words:
            words = words[words.index("hfjobs") :]
        if words[:1] == ["hfjobs"]:
            result.append(words[1:])
    return result


def all_examples(cli) -> list[str]:
    found: list[str] = []
    for path in [(), *(p for p, _ in TREE)]:
        if any(path[: len(skip)] == skip for skip in SKIP_PATHS):
            continue
        for line in examples(cli(*path, "--help").stdout):
            if "--local" in line or any(f"hfjobs {w} " in f"{line} " for w in SKIPPED):
                continue
            found.append(line)
    return found


SKIPPED = ("emulator", "ssh", "login")
FILES = {
    "train.py": "print('training')\n",
    "script.py": "print(1)\n",
    "eval.py": "print(1)\n",
    "job.env": "MODE=fast\n",
    "secrets.env": "API_KEY=x\n",
    "job.toml": 'image = "python:3.12"\ncommand = ["python", "-c", "print(1)"]\n',
}
# Refusals that are the example working as documented off a terminal, not a usage mistake.
REFUSALS = ("without confirmation",)


def run_example(cli, line: str) -> list[tuple[list[str], object]]:
    """Run an example as a shell would: `$(hfjobs ...)` first, then each command of the
    pipeline, a command after `| xargs` getting the words the one before printed (and not
    run when it printed none, as `xargs -r`)."""
    import re

    def substitute(match: re.Match) -> str:
        [argv] = invocations(match.group(1))
        return cli(*argv, input="").stdout.strip() or "none"

    line = re.sub(r"\$\((hfjobs [^)]*)\)", substitute, line)
    piped = "| xargs hfjobs" in line
    results = []
    previous = None
    for index, argv in enumerate(invocations(line)):
        if piped and index > 0 and previous is not None:
            words = previous.stdout.split()
            if not words:
                break
            argv = [*argv, *words]
        previous = cli(*argv, input="")
        results.append((argv, previous))
    return results


def test_every_help_example_runs(cli, hub: FaultServer, tmp_path, monkeypatch):
    found = all_examples(cli)
    assert len(found) > 40  # every command shows one
    for name, text in FILES.items():
        (tmp_path / name).write_text(text)
        (tmp_path / name).chmod(0o600)
    for labels in ({"team": "ml"}, {"name": "nightly"}, {"sweep": "lr"}):
        hub.add_job(stages=["RUNNING"], labels=labels)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("MODE", "fast")
    broken = []
    for line in found:
        for argv, result in run_example(cli, line):
            refused = any(r in result.stderr for r in REFUSALS)
            if (result.exit_code == 2 and not refused) or "Unexpected failure" in result.stderr:
                tail = result.stderr.strip()[-300:]
                broken.append(f"{line!r}: {argv} -> exit {result.exit_code}: {tail}")
    assert not broken, "\n".join(broken)


@pytest.mark.parametrize(
    "line,argvs",
    [
        ("hfjobs ps -q | xargs hfjobs cancel", [["ps", "-q"], ["cancel"]]),
        ('hfjobs wait ID && echo "done"', [["wait", "ID"]]),
        ("hfjobs logs --json ID | jq -r .data", [["logs", "--json", "ID"]]),
        ("hfjobs man > ~/hfjobs.1", [["man"]]),
        ("hfjobs ps -q | xargs -r hfjobs cancel -y", [["ps", "-q"], ["cancel", "-y"]]),
    ],
)
def test_the_example_splitter(line, argvs):
    assert invocations(line) == argvs
