"""`hfjobs ps`: list jobs."""

from __future__ import annotations

from collections.abc import Callable
from itertools import islice
from typing import Annotated

import typer

from hfjobs_cli.api.models import ACTIVE_STAGES, ALL_STAGES
from hfjobs_cli.commands._common import app_context
from hfjobs_cli.commands._hardware import job_cost
from hfjobs_cli.errors import Interrupted, UsageError
from hfjobs_cli.hints import command
from hfjobs_cli.options import (
    JsonOpt,
    LabelFilterOpt,
    NameFilterOpt,
    NamespaceOpt,
    NoTruncOpt,
    QuietOpt,
    TokenOpt,
)
from hfjobs_cli.output import Mode
from hfjobs_cli.parsing import merge_name_label, parse_label
from hfjobs_cli.views.jobs import JOBS, jobs_wide

MAX_LIMIT = 1_000_000  # more jobs than any namespace lists; `--limit 0` means all


def parse_stages(values: list[str]) -> list[str]:
    stages: list[str] = []
    for value in values:
        for part in value.split(","):
            stage = part.strip().upper()
            if not stage:
                continue
            if stage not in ALL_STAGES:
                raise UsageError(
                    f"Invalid --status '{part.strip()}': use one of {', '.join(s.lower() for s in ALL_STAGES)}"
                )
            if stage not in stages:
                stages.append(stage)
    return stages


def ps(
    ctx: typer.Context,
    all_: Annotated[
        bool,
        typer.Option(
            "-a", "--all", help="Show jobs in every stage, not only running and scheduling ones."
        ),
    ] = False,
    status: Annotated[
        list[str] | None,
        typer.Option(
            "--status",
            metavar="STAGE",
            help="Only jobs in these stages (repeatable or comma-separated).",
        ),
    ] = None,
    label: LabelFilterOpt = None,
    name: NameFilterOpt = None,
    limit: Annotated[
        int,
        typer.Option(
            "--limit", min=0, max=MAX_LIMIT, metavar="N", help="Show at most N jobs; 0 for all."
        ),
    ] = 100,
    since: Annotated[
        str | None,
        typer.Option(
            "--since",
            metavar="DURATION|TIME",
            help="Only jobs created since: 24h back, or an RFC 3339 time.",
            show_default=False,
        ),
    ] = None,
    sort: Annotated[
        str,
        typer.Option(
            "--sort",
            metavar="created|duration|stage",
            help="Order: newest first, longest running first, or by stage.",
        ),
    ] = "created",
    wide: Annotated[
        bool, typer.Option("--wide", help="Add FLAVOR and COST columns; show every column whole.")
    ] = False,
    watch: Annotated[
        bool,
        typer.Option(
            "-w", "--watch", help="Refresh the table in place until Ctrl-C (terminal only)."
        ),
    ] = False,
    interval: Annotated[
        float,
        typer.Option(
            "--interval", min=1.0, metavar="SECONDS", help="Seconds between refreshes with -w."
        ),
    ] = 2.0,
    namespace: NamespaceOpt = None,
    token: TokenOpt = None,
    json: JsonOpt = False,
    quiet: QuietOpt = False,
    no_trunc: NoTruncOpt = False,
) -> None:
    """List jobs, newest first: running and scheduling ones unless -a or --status.

    Examples:

      hfjobs ps

      hfjobs ps -a --status error --limit 20

      hfjobs ps -q -l team=ml | xargs hfjobs cancel

      hfjobs ps -a --since 24h --sort duration
    """
    app = app_context(ctx)
    out = app.set_output(json=json, quiet=quiet, no_trunc=no_trunc or wide)
    stages = parse_stages(status or [])
    # -a widens the default (active jobs only) to every stage; --status narrows it to the
    # stages named, with or without -a (`ps -a --status error` is the help's own example).
    labels = dict(parse_label(item, require_value=True) for item in label or [])
    labels = merge_name_label(labels, name)
    if not 1.0 <= interval <= 3600.0:  # also refuses nan and inf, which the range lets by
        raise UsageError(f"Invalid --interval {interval}: use 1 to 3600 seconds")
    if not all_ and not stages:
        stages = list(ACTIVE_STAGES)
    if watch and (out.mode is not Mode.HUMAN or not out.interactive):
        raise UsageError(
            "--watch needs a terminal", hint=f"In scripts, use `{command('wait')} ID...` or --json"
        )
    if sort not in SORTS:
        raise UsageError(f"Invalid --sort '{sort}': use created, duration or stage")
    cutoff = None
    if since is not None:
        from hfjobs_cli.parsing import parse_since

        cutoff = parse_since(since)
    client = app.client(token)
    ns = app.namespace(namespace)

    def listed():
        jobs_iter = client.jobs.list(ns, stages=stages, labels=labels)
        if cutoff is None:
            return jobs_iter
        from itertools import takewhile

        # newest first: the first job older than --since ends the walk
        return takewhile(lambda j: j.created_at is None or j.created_at >= cutoff, jobs_iter)

    def fetch() -> tuple[list, bool]:
        jobs_iter = listed()
        jobs = list(islice(jobs_iter, limit + 1)) if limit else list(jobs_iter)
        shown = jobs[:limit] if limit else jobs
        return SORTS[sort](shown), bool(limit) and len(jobs) > limit

    view = (
        jobs_wide(lambda j: job_cost(client, j.spec.flavor, j.running_seconds())) if wide else JOBS
    )
    if watch:
        _watch(out, fetch, view, interval)
        return
    if out.mode is Mode.JSON and sort == "created" and cutoff is None:
        # The API's objects, a page at a time: memory stays at one page, however many jobs.
        pages = client.jobs.list_pages(ns, stages=stages, labels=labels)
        truncated = _json_pages(out, pages, limit)
    else:
        jobs, truncated = fetch()
        what = "running or scheduling jobs" if not all_ and not status else "jobs"
        filters = ", ".join(f"{k}={v}" for k, v in labels.items())
        out.records(
            view,
            jobs,
            empty=f"No {what} in {ns}" + (f" matching {filters}" if filters else ""),
            empty_hint="Use -a to include finished jobs" if not all_ and not status else "",
        )
    if truncated:
        out.hint(f"Showing the {limit} newest; use --limit 0 to see all")


def _json_pages(out, pages, limit: int) -> bool:
    """The jobs of `pages` as one JSON array, at most `limit` (0: all); whether it cut some."""
    cut = []

    def kept():
        shown = 0
        for page in pages:
            if limit and shown + len(page) > limit:
                cut.append(True)
                yield page[: limit - shown]
                return
            shown += len(page)
            yield page

    out.json_pages(kept())
    return bool(cut)


def _by_duration(jobs: list) -> list:
    return sorted(jobs, key=lambda j: -(j.running_seconds() or 0.0))


def _by_stage(jobs: list) -> list:
    order = {stage: i for i, stage in enumerate(STAGE_ORDER)}
    return sorted(jobs, key=lambda j: order.get(j.stage, len(order)))


STAGE_ORDER = ("RUNNING", "SCHEDULING", "ERROR", "CANCELED", "DELETED", "COMPLETED")
SORTS: dict[str, Callable[[list], list]] = {
    "created": list,
    "duration": _by_duration,
    "stage": _by_stage,
}


def _watch(out, fetch, view, interval: float) -> None:
    """Redraw the table on stderr's terminal until Ctrl-C (exit 130)."""
    import time

    try:
        with out.live() as live:
            while True:
                jobs, _ = fetch()
                live.update(out.render_records(view.columns, jobs), refresh=True)
                time.sleep(interval)
    except KeyboardInterrupt:
        raise Interrupted() from None


def register(app: typer.Typer) -> None:
    app.command("ps")(ps)
    app.command("ls", hidden=True)(ps)
