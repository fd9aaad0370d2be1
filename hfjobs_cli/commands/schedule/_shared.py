"""Arguments shared by the `schedule` commands; what they show is in `hfjobs_cli.views.scheduled`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from hfjobs_cli import completion

if TYPE_CHECKING:
    from hfjobs_cli.invocation import Invocation

ScheduleIdArg = Annotated[
    str,
    typer.Argument(
        metavar="ID",
        help="Scheduled job id, or NAMESPACE/ID.",
        autocompletion=completion.complete_scheduled_id,
        show_default=False,
    ),
]
ScheduleIdsArg = Annotated[
    list[str],
    typer.Argument(
        metavar="ID...",
        help="Scheduled job ids, or NAMESPACE/ID.",
        autocompletion=completion.complete_scheduled_id,
        show_default=False,
    ),
]
ScheduleArg = Annotated[
    str,
    typer.Argument(
        metavar="SCHEDULE",
        help="@hourly, @daily, @weekly, @monthly, @yearly, @annually or five quoted cron "
        "fields 'MIN HOUR DOM MON DOW', in UTC.",
        show_default=False,
    ),
]
WHAT = "scheduled job id"


def scheduled_api(app: Invocation, token: str | None):
    return app.client(token).scheduled
