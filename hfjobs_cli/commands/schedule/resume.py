"""`hfjobs schedule resume`: resume suspended scheduled jobs."""

from __future__ import annotations

import typer

from hfjobs_cli.commands.schedule._shared import ScheduleIdsArg
from hfjobs_cli.commands.schedule.suspend import _set_state
from hfjobs_cli.options import JsonOpt, NamespaceOpt, QuietOpt, TokenOpt


def resume(
    ctx: typer.Context,
    ids: ScheduleIdsArg,
    namespace: NamespaceOpt = None,
    token: TokenOpt = None,
    json: JsonOpt = False,
    quiet: QuietOpt = False,
) -> None:
    """Resume suspended scheduled jobs from their next scheduled time.

    Examples:

      hfjobs schedule resume 6650b0c1d2e3f4a5b6c7d8e9
    """
    _set_state(ctx, ids, namespace, token, json, quiet, suspend=False)


def register(app: typer.Typer) -> None:
    app.command("resume")(resume)
