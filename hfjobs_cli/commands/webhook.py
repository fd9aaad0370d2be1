"""`hfjobs webhook ...`: jobs started when a watched repository changes."""

from __future__ import annotations

import typer

webhook_app = typer.Typer(
    help="Start jobs when a watched model, dataset, Space, user or org changes.",
    no_args_is_help=True,
)


def register(app: typer.Typer) -> None:
    app.add_typer(webhook_app, name="webhook")
