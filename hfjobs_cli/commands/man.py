"""`hfjobs man`: print the hfjobs(1) man page."""

from __future__ import annotations

import sys

import typer


def man() -> None:
    """Print the hfjobs(1) man page, generated from the help of every command.

    Examples:

      hfjobs man | man -l -

      hfjobs man > ~/.local/share/man/man1/hfjobs.1
    """
    from hfjobs_cli.manpage import render

    text = render()
    sys.stdout.flush()
    binary = getattr(sys.stdout, "buffer", None)
    if binary is None:
        sys.stdout.write(text)
    else:
        binary.write(text.encode("utf-8"))
    sys.stdout.flush()


def register(app: typer.Typer) -> None:
    app.command("man")(man)
