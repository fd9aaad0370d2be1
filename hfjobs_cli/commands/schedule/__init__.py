"""`hfjobs schedule ...`: jobs on a cron schedule.

One module per concern: `create` (schedule run), `listing` (ls, inspect), `preview` (next,
history), `changes` (trigger, suspend, resume, reschedule, labels, delete); `_shared` holds the
arguments and the formatting they share.
"""

from __future__ import annotations

import typer

from hfjobs_cli.commands.schedule import changes, create, listing, preview

schedule_app = typer.Typer(
    help="""Run jobs on a cron schedule: create, list, inspect, pause, trigger.

    Examples:

      hfjobs schedule run @daily python:3.12 python -c "print('nightly')"

      hfjobs schedule ls
    """,
    no_args_is_help=True,
)

for module in (create, listing, preview, changes):
    module.register(schedule_app)


def register(app: typer.Typer) -> None:
    app.add_typer(schedule_app, name="schedule")
