"""`hfjobs completion SHELL`: print a shell completion script (it edits no file)."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from hfjobs_cli.errors import UsageError

SHELLS = ("bash", "zsh", "fish", "powershell")


def completion(
    shell: Annotated[
        str,
        typer.Argument(
            metavar="SHELL",
            help="bash, zsh, fish or powershell.",
            autocompletion=lambda incomplete: [s for s in SHELLS if s.startswith(incomplete)],
            show_default=False,
        ),
    ],
) -> None:
    """Print the Tab-completion script for a shell; your rc files are left alone.

    Examples:

      hfjobs completion bash > ~/.local/share/bash-completion/completions/hfjobs

      hfjobs completion zsh > ~/.zfunc/_hfjobs

      hfjobs completion fish > ~/.config/fish/completions/hfjobs.fish
    """
    if shell not in SHELLS:
        raise UsageError(f"Unsupported shell '{shell}': use one of {', '.join(SHELLS)}")
    from hfjobs_cli.completion import completion_script

    script = completion_script(shell)
    # As bytes: a text stdout on Windows would turn each \n into \r\n, which bash and zsh
    # read as part of the commands.
    sys.stdout.flush()
    binary = getattr(sys.stdout, "buffer", None)
    if binary is None:
        sys.stdout.write(script)
        sys.stdout.flush()
        return
    binary.write(script.encode("utf-8"))
    binary.flush()


def register(app: typer.Typer) -> None:
    app.command("completion")(completion)
