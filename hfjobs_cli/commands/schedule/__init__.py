"""`hfjobs schedule ...`: jobs on a cron schedule.

One module per verb, named after it (`hfjobs schedule ls` is in ls.py); `_shared` holds the
arguments they share; what they show is in `hfjobs_cli/views/scheduled.py`.
"""

from __future__ import annotations

import typer

from hfjobs_cli.commands.schedule import (
    delete,
    history,
    inspect,
    labels,
    ls,
    reschedule,
    resume,
    run,
    suspend,
    trigger,
)
from hfjobs_cli.commands.schedule import next as next_

schedule_app = typer.Typer(
    help="""Run jobs on a cron schedule: create, list, inspect, pause, trigger.

    Examples:

      hfjobs schedule run @daily python:3.12 python -c "print('nightly')"

      hfjobs schedule ls
    """,
    no_args_is_help=True,
)

# In the order of `hfjobs schedule --help`.
verbs = (run, ls, inspect, next_, history, trigger, suspend, resume, reschedule, labels, delete)
for module in verbs:
    module.register(schedule_app)


def register(app: typer.Typer) -> None:
    app.add_typer(schedule_app, name="schedule")
