"""`hfjobs cost`: what finished jobs cost, per day, flavor or label."""

from __future__ import annotations

from typing import Annotated

import typer

from hfjobs_cli.commands._common import app_context
from hfjobs_cli.errors import UsageError
from hfjobs_cli.options import JsonOpt, LabelFilterOpt, NameFilterOpt, NamespaceOpt, TokenOpt

FINISHED = ["COMPLETED", "ERROR", "CANCELED", "DELETED"]


def _group_key(by: str):
    if by == "day":
        return "DAY", lambda job: job.created_at.strftime("%Y-%m-%d") if job.created_at else "--"
    if by == "flavor":
        return "FLAVOR", lambda job: job.spec.flavor or "--"
    if by.startswith("label:") and by[6:]:
        key = by[6:]
        return key.upper(), lambda job: job.spec.labels.get(key, "--")
    raise UsageError(f"Invalid --by '{by}': use day, flavor or label:KEY")


def cost(
    ctx: typer.Context,
    since: Annotated[
        str,
        typer.Option(
            "--since",
            metavar="DURATION|TIME",
            help="Jobs created since: a duration back (30d, 24h) or an RFC 3339 time.",
        ),
    ] = "30d",
    by: Annotated[
        str,
        typer.Option("--by", metavar="day|flavor|label:KEY", help="Group the totals by this."),
    ] = "day",
    label: LabelFilterOpt = None,
    name: NameFilterOpt = None,
    namespace: NamespaceOpt = None,
    token: TokenOpt = None,
    json: JsonOpt = False,
) -> None:
    """Total what finished jobs cost, per day, flavor or label, from durations and prices.

    A job costs its flavor's price for every started minute it ran (prices from `hfjobs
    hardware`); jobs still running are left out. Exposed ports ($0.01/hour) are not counted.

    Examples:

      hfjobs cost

      hfjobs cost --since 7d -l team=ml

      hfjobs cost --by label:sweep --json
    """
    from hfjobs_cli.commands._hardware import job_cost
    from hfjobs_cli.parsing import merge_name_label, parse_label, parse_since
    from hfjobs_cli.views import format_duration, format_usd
    from hfjobs_cli.views.hardware import cost_columns

    app = app_context(ctx)
    out = app.set_output(json=json)
    cutoff = parse_since(since)
    heading, key_of = _group_key(by)
    labels = merge_name_label(dict(parse_label(i, require_value=True) for i in label or []), name)
    client = app.client(token)
    ns = app.namespace(namespace)
    groups: dict[str, dict] = {}
    unpriced = 0
    for job in client.jobs.list(ns, stages=FINISHED, labels=labels):
        if job.created_at and job.created_at < cutoff:
            break  # the list is newest first: the rest is older still
        seconds = job.running_seconds() or 0.0
        amount = job_cost(client, job.spec.flavor, seconds)
        group = groups.setdefault(key_of(job), {"jobs": 0, "runningSeconds": 0.0, "costUSD": 0.0})
        group["jobs"] += 1
        group["runningSeconds"] += seconds
        if amount is None:
            unpriced += 1
        else:
            group["costUSD"] += amount
    ordered = sorted(groups.items(), reverse=by == "day")
    total = {
        "jobs": sum(g["jobs"] for g in groups.values()),
        "runningSeconds": sum(g["runningSeconds"] for g in groups.values()),
        "costUSD": round(sum(g["costUSD"] for g in groups.values()), 6),
    }
    summary = {
        "namespace": ns,
        "since": cutoff.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "by": by,
        "groups": [{"key": k, **g, "costUSD": round(g["costUSD"], 6)} for k, g in ordered],
        "total": total,
        "unpriced": unpriced,
    }

    def show() -> None:
        if not groups:
            out.info(f"No finished jobs in {ns} since {cutoff:%Y-%m-%d %H:%M} UTC")
            return
        rows = [
            [k, str(g["jobs"]), format_duration(g["runningSeconds"]), format_usd(g["costUSD"])]
            for k, g in ordered
        ]
        rows.append(
            ["TOTAL", str(total["jobs"]), format_duration(total["runningSeconds"]),
             format_usd(total["costUSD"])]
        )  # fmt: skip
        out.table(cost_columns(heading), rows)
        if unpriced:
            out.warn(f"{unpriced} job(s) ran on a flavor with no price; they count as $0")

    out.report(summary, show)


def register(app: typer.Typer) -> None:
    app.command("cost")(cost)
