"""State changes: `schedule delete|suspend|resume|trigger|reschedule|labels`."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from hfjobs_cli import cron
from hfjobs_cli.api.errors import ConflictError, NotFoundError
from hfjobs_cli.commands._common import app_context, confirm, ref_text, resolve_refs
from hfjobs_cli.commands.run import LabelOpt, NameOpt
from hfjobs_cli.commands.schedule._shared import (
    WHAT,
    ScheduleArg,
    ScheduleIdArg,
    ScheduleIdsArg,
    next_run,
    schedule_text,
    scheduled_api,
    when_text,
)
from hfjobs_cli.errors import CliError, ExitCode, UsageError
from hfjobs_cli.hints import command
from hfjobs_cli.options import JsonOpt, NamespaceOpt, QuietOpt, TokenOpt, YesOpt
from hfjobs_cli.parsing import merge_name_label, parse_job_ref, parse_labels
from hfjobs_cli.views import labels_text


def _confirm_delete(ids: list[str]) -> None:
    what = f"scheduled job {ids[0]}" if len(ids) == 1 else f"{len(ids)} scheduled jobs"
    confirm(
        f"Delete {what}? (jobs already started are kept)",
        yes=False,
        action="delete",
        declined="Nothing deleted",
    )


def delete(
    ctx: typer.Context,
    ids: ScheduleIdsArg,
    yes: YesOpt = False,
    namespace: NamespaceOpt = None,
    token: TokenOpt = None,
    json: JsonOpt = False,
    quiet: QuietOpt = False,
) -> None:
    """Delete scheduled jobs; the jobs they started are kept.

    Asks first on a terminal; elsewhere pass -y.

    Examples:

      hfjobs schedule delete 6650b0c1d2e3f4a5b6c7d8e9

      hfjobs schedule ls -q -a -l team=old | xargs hfjobs schedule delete -y
    """
    app = app_context(ctx)
    out = app.set_output(json=json, quiet=quiet)
    for ref in ids:
        parse_job_ref(ref, namespace=namespace, what=WHAT)
    if not yes:
        _confirm_delete(ids)
    api = scheduled_api(app, token)
    deleted: list[dict[str, Any]] = []
    missing = 0
    for ns, ident in resolve_refs(app, ids, namespace, what=WHAT):
        try:
            api.delete(ns, ident)
        except NotFoundError:
            out.error(f"Scheduled job {ref_text(ns, ident)} not found")
            missing += 1
            continue
        deleted.append({"id": ident, "deleted": True})
        if out.mode == "human":
            out.result(f"Scheduled job {ident} deleted")
        elif out.mode == "quiet":
            out.ids([ident])
    if out.mode == "json":
        out.json(deleted)
    if missing:
        raise typer.Exit(ExitCode.NOT_FOUND)


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


def trigger(
    ctx: typer.Context,
    sj_id: ScheduleIdArg,
    namespace: NamespaceOpt = None,
    token: TokenOpt = None,
    json: JsonOpt = False,
    quiet: QuietOpt = False,
) -> None:
    """Start a run of a scheduled job now and print the new job's id.

    The schedule and its next run are unchanged. A run still going blocks a new one unless
    the scheduled job allows concurrency (exit 1).

    Examples:

      hfjobs schedule trigger 6650b0c1d2e3f4a5b6c7d8e9

      hfjobs logs -f "$(hfjobs schedule trigger -q 6650b0c1d2e3f4a5b6c7d8e9)"
    """
    app = app_context(ctx)
    out = app.set_output(json=json, quiet=quiet)
    api = scheduled_api(app, token)
    ((ns, ident),) = resolve_refs(app, [sj_id], namespace, what=WHAT)
    try:
        job = api.trigger(ns, ident)
    except ConflictError:
        raise CliError(
            f"Scheduled job {ident} has a run still going and its concurrency is off: "
            "no new run was started",
            hint=f"See its runs with `{command('schedule', 'history', ref_text(ns, ident))}`",
        ) from None
    if out.mode == "json":
        out.json(job.raw)
    elif out.mode == "quiet":
        out.ids([job.id])
    else:
        owner = job.owner or ns
        out.result(f"Job {job.id} started from scheduled job {ident}")
        out.line(f"{api.client.endpoint}/jobs/{owner}/{job.id}")
        out.hint(f"Follow its log: {command('logs', '-f', f'{owner}/{job.id}')}")


def reschedule(
    ctx: typer.Context,
    sj_id: ScheduleIdArg,
    schedule: ScheduleArg,
    namespace: NamespaceOpt = None,
    token: TokenOpt = None,
    json: JsonOpt = False,
    quiet: QuietOpt = False,
) -> None:
    """Change when a scheduled job runs (checked before sending).

    Examples:

      hfjobs schedule reschedule 6650b0c1d2e3f4a5b6c7d8e9 '0 9 * * 1'

      hfjobs schedule reschedule 6650b0c1d2e3f4a5b6c7d8e9 @weekly
    """
    app = app_context(ctx)
    out = app.set_output(json=json, quiet=quiet)
    schedule = cron.validate(schedule)
    api = scheduled_api(app, token)
    ((ns, ident),) = resolve_refs(app, [sj_id], namespace, what=WHAT)
    sj = api.reschedule(ns, ident, schedule)
    if out.mode == "json":
        out.json(sj.raw if sj else {"id": ident, "schedule": schedule})
    elif out.mode == "quiet":
        out.ids([ident])
    else:
        out.result(f"Scheduled job {ident} rescheduled: {schedule_text(schedule)}")
        if sj is not None and sj.suspend:
            out.line("Next run: none while suspended")
        else:
            upcoming = next_run(sj) if sj else (cron.next_runs(schedule, 1) or [None])[0]
            out.line(f"Next run: {when_text(upcoming)}")


def labels(
    ctx: typer.Context,
    sj_id: ScheduleIdArg,
    label: LabelOpt = None,
    name: NameOpt = None,
    clear: Annotated[bool, typer.Option("--clear", help="Remove every label.")] = False,
    namespace: NamespaceOpt = None,
    token: TokenOpt = None,
    json: JsonOpt = False,
    quiet: QuietOpt = False,
) -> None:
    """Replace the labels of a scheduled job, or rename it.

    -l/--label replaces every label (the runs it starts carry them); --name alone keeps the
    others; --clear removes them all.

    Examples:

      hfjobs schedule labels 6650b0c1d2e3f4a5b6c7d8e9 -l team=ml -l env=prod

      hfjobs schedule labels 6650b0c1d2e3f4a5b6c7d8e9 --name nightly-eval

      hfjobs schedule labels 6650b0c1d2e3f4a5b6c7d8e9 --clear
    """
    app = app_context(ctx)
    out = app.set_output(json=json, quiet=quiet)
    if clear and (label or name is not None):
        raise UsageError("Use --clear alone, not with -l/--label or --name")
    if not clear and not label and name is None:
        raise UsageError("Nothing to change", hint="Give -l/--label KEY=VALUE, --name or --clear")
    wanted = merge_name_label(parse_labels(label or []), name)
    api = scheduled_api(app, token)
    ((ns, ident),) = resolve_refs(app, [sj_id], namespace, what=WHAT)
    if not label and not clear:  # --name alone: keep the other labels
        current = api.get(ns, ident).spec.labels
        wanted = {**{k: v for k, v in current.items() if k != "name"}, **wanted}
    sj = api.set_labels(ns, ident, {} if clear else wanted)
    if out.mode == "json":
        out.json(sj.raw)
    elif out.mode == "quiet":
        out.ids([sj.id])
    elif clear:
        out.result(f"Scheduled job {ident}: labels cleared")
    else:
        out.result(f"Scheduled job {ident} labels: {labels_text(sj.spec.labels)}")


def register(app: typer.Typer) -> None:
    app.command("trigger")(trigger)
    app.command("suspend")(suspend)
    app.command("resume")(resume)
    app.command("reschedule")(reschedule)
    app.command("labels")(labels)
    app.command("delete")(delete)
    app.command("rm", hidden=True)(delete)
