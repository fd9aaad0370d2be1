"""`hfjobs schedule suspend`: pause scheduled jobs (and the state change `resume` shares)."""

from __future__ import annotations

from typing import Any

import typer

from hfjobs_cli.api.errors import NotFoundError
from hfjobs_cli.commands._common import app_context, ref_text, resolve_refs
from hfjobs_cli.commands.schedule._shared import (
    WHAT,
    ScheduleIdsArg,
    next_run,
    scheduled_api,
    when_text,
)
from hfjobs_cli.errors import ExitCode
from hfjobs_cli.options import JsonOpt, NamespaceOpt, QuietOpt, TokenOpt


def _set_state(ctx: typer.Context, ids, namespace, token, json, quiet, *, suspend: bool) -> None:
    app = app_context(ctx)
    out = app.set_output(json=json, quiet=quiet)
    api = scheduled_api(app, token)
    changed: list[dict[str, Any]] = []
    missing = 0
    for ns, ident in resolve_refs(app, ids, namespace, what=WHAT):
        try:
            sj = api.suspend(ns, ident) if suspend else api.resume(ns, ident)
        except NotFoundError:
            out.error(f"Scheduled job {ref_text(ns, ident)} not found")
            missing += 1
            continue
        changed.append(sj.raw if sj else {"id": ident, "suspend": suspend})
        if out.mode == "quiet":
            out.ids([ident])
        elif out.mode == "human":
            upcoming = next_run(sj) if sj and not suspend else None
            when = f"; next run {when_text(upcoming)}" if upcoming else ""
            out.result(f"Scheduled job {ident} {'suspended' if suspend else 'resumed'}{when}")
    if out.mode == "json":
        out.json(changed)
    if missing:
        raise typer.Exit(ExitCode.NOT_FOUND)


def suspend(
    ctx: typer.Context,
    ids: ScheduleIdsArg,
    namespace: NamespaceOpt = None,
    token: TokenOpt = None,
    json: JsonOpt = False,
    quiet: QuietOpt = False,
) -> None:
    """Pause scheduled jobs: no run starts until they are resumed.

    Examples:

      hfjobs schedule suspend 6650b0c1d2e3f4a5b6c7d8e9

      hfjobs schedule ls -q -l team=ml | xargs hfjobs schedule suspend
    """
    _set_state(ctx, ids, namespace, token, json, quiet, suspend=True)


def register(app: typer.Typer) -> None:
    app.command("suspend")(suspend)
