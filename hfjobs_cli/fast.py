"""`--help` and Tab presses answered without importing typer (about 60 ms of every start).

The answers come from hfjobs_cli/fast_data.py, which scripts/gen_fast.py records by running
the real CLI; tests/test_fast.py checks, for every command, width and shell, that they are
byte for byte what typer prints. Only the simple forms are answered here:

* `hfjobs [--local] [GROUP...] [COMMAND] (-h|--help)` and a bare group (`hfjobs`,
  `hfjobs schedule`), when the help's width is one of the recorded ones (a pipe, an 80-column
  terminal, or one of 100 columns or more);
* a Tab press after `hfjobs [--local] [GROUP...]` completing a subcommand name, or after
  `hfjobs [--local] [GROUP...] COMMAND` completing an option name: in bash always; in zsh,
  fish and PowerShell when no candidate has a description (the top-level command names),
  since typer renders descriptions with rich, wrapped at the terminal's width.

Everything else (argument values such as job ids and flavors, options already typed, quotes,
other widths) returns None and goes through typer as before.
"""

from __future__ import annotations

import os
import sys

COMPLETE_VAR = "_HFJOBS_COMPLETE"
SHELLS = {
    "complete_bash": "bash",
    "complete_zsh": "zsh",
    "complete_fish": "fish",
    "complete_powershell": "powershell",
    "complete_pwsh": "powershell",
}
HELP_FLAGS = ("--help", "-h")
ROOT_FLAG = "--local"  # a root flag that changes neither the help nor the candidates


def answer(args: list[str]) -> int | None:
    """Print the answer and return the exit code, or return None to go through typer."""
    if COMPLETE_VAR in os.environ:
        shell = SHELLS.get(os.environ[COMPLETE_VAR])
        return complete(shell) if shell else None
    return help_for(args)


# -- help ------------------------------------------------------------------------------------


def help_width() -> int:
    """The width click formats help for: the width a test runner forced, if typer is loaded
    and one is set; else max(min(columns, 100) - 2, 50), with the columns of
    `shutil.get_terminal_size()` (COLUMNS, else the terminal of stdout, else 80)."""
    formatting = sys.modules.get("typer._click.formatting")
    forced = getattr(formatting, "FORCED_WIDTH", None)
    if isinstance(forced, int):
        return forced
    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            columns = 0
        columns = columns or 80
    return max(min(columns, 100) - 2, 50)


def help_for(args: list[str]) -> int | None:
    from hfjobs_cli import fast_data

    words = list(args)
    local = False
    while words and words[0] == ROOT_FLAG:
        words.pop(0)
        local = True
    if words and words[-1] in HELP_FLAGS:
        path = _path(words[:-1], fast_data.TREE)
    elif local:  # `hfjobs --local` alone is a usage error
        return None
    else:  # a bare group: `hfjobs`, `hfjobs schedule`
        path = _path(words, fast_data.TREE)
        if path not in fast_data.BARE:
            return None
    texts = fast_data.HELP.get(path) if path is not None else None
    text = texts.get(help_width()) if texts else None
    if text is None or not text.isascii():  # other characters: typer, after configure_streams
        return None
    sys.stdout.write(text)
    return 0


def _path(words: list[str], tree: dict[str, tuple[str, ...]]) -> str | None:
    """The space-joined path of `words` if each is a visible subcommand of the one before."""
    path = ""
    for word in words:
        if word not in tree.get(path, ()):
            return None
        path = f"{path} {word}".strip()
    return path


# -- Tab ------------------------------------------------------------------------------------


def complete(shell: str) -> int | None:
    from hfjobs_cli import fast_data

    words = _completion_words(shell)
    if words is None:
        return None
    args, incomplete = words
    local = False
    while args and args[0] == ROOT_FLAG:
        args = args[1:]
        local = True
    path = _path(args, fast_data.TREE)
    if path is None:
        return None
    commands, options = fast_data.ITEMS[path]
    if incomplete.startswith("-"):
        if "=" in incomplete or (local and not path):  # a value, or --local already given
            return None
        found = [item for item in options if item[0].startswith(incomplete)]
    elif path in fast_data.TREE and (not incomplete or incomplete[0].isalnum()):
        found = [item for item in commands if item[0].startswith(incomplete)]
    else:  # an argument of a command: ids, flavors ... come from typer and the cache
        return None
    if shell != "bash" and any(description for _value, description in found):
        # zsh, fish and PowerShell show descriptions, which typer renders with rich, wrapped
        # at the terminal's width: those answers stay typer's.
        return None
    lines = [_line(shell, value) for value, _description in found]
    if not all(line.isascii() for line in lines):
        return None
    if shell == "bash":
        out = "\n".join(lines)
    elif shell == "zsh":
        out = "_arguments '*: :((" + "\n".join(lines) + "))'" if lines else "_files"
    elif shell == "fish":
        action = os.environ.get("_TYPER_COMPLETE_FISH_ACTION", "")
        if action == "is-args":
            return 0 if lines else 1
        out = "\n".join(lines) if action == "get-args" else ""
    else:
        out = "\n".join(lines)
    sys.stdout.write(out + "\n")
    return 0


def _completion_words(shell: str) -> tuple[list[str], str] | None:
    """(complete words after the program, the word being completed), as typer reads them;
    None when quotes or escapes would need a shell-like split."""
    if shell == "bash":
        line = os.environ.get("COMP_WORDS")
        try:
            cword = int(os.environ.get("COMP_CWORD", ""))
        except ValueError:
            return None
        if line is None or not _plain(line) or cword < 1:
            return None
        words = line.split()
        return words[1:cword], words[cword] if cword < len(words) else ""
    line = os.environ.get("_TYPER_COMPLETE_ARGS", "")
    if not _plain(line):
        return None
    words = line.split()
    if shell == "powershell":
        incomplete = os.environ.get("_TYPER_COMPLETE_WORD_TO_COMPLETE", "")
        if not _plain(incomplete):
            return None
        return (words[1:-1] if incomplete else words[1:]), incomplete
    args = words[1:]
    if args and not line.endswith(" "):
        return args[:-1], args[-1]
    return args, ""


def _plain(text: str) -> bool:
    """No quote, escape or unusual blank: splitting on blanks is what shlex would do."""
    return not any(c in "\"'\\" or (c.isspace() and c not in " \t\r\n") for c in text)


def _line(shell: str, value: str) -> str:
    """A candidate without description, as typer formats it for `shell`."""
    if shell == "zsh":
        escaped = (
            value.replace('"', '""')
            .replace("'", "''")
            .replace("$", "\\$")
            .replace("`", "\\`")
            .replace(":", r"\\:")
        )
        return f'"{escaped}"'
    if shell == "powershell":
        return f"{value}::: "
    return value  # bash, fish
