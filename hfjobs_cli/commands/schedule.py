"""`hfjobs schedule ...`: jobs on a cron schedule."""

from __future__ import annotations

import typer

schedule_app = typer.Typer(
    help="Run jobs on a cron schedule: create, list, inspect, pause, trigger.",
    no_args_is_help=True,
)


def register(app: typer.Typer) -> None:
    app.add_typer(schedule_app, name="schedule")
