"""`hfjobs inspect`: show jobs in full."""

from __future__ import annotations

from typing import Annotated

import typer

from hfjobs_cli.api.errors import NotFoundError
from hfjobs_cli.commands._common import act_on_each, app_context, ref_text, resolve_refs
from hfjobs_cli.commands._hardware import job_cost
from hfjobs_cli.errors import CliError, ExitCode, UsageError
from hfjobs_cli.options import JobIdsArg, JsonOpt, NamespaceOpt, TokenOpt
from hfjobs_cli.views.jobs import job_detail


def inspect(
    ctx: typer.Context,
    job_ids: JobIdsArg,
    namespace: NamespaceOpt = None,
    token: TokenOpt = None,
    json: JsonOpt = False,
    export: Annotated[
        bool,
        typer.Option(
            "--export",
            help="Print one job as a TOML job file for `hfjobs run -f` (secrets as names).",
        ),
    ] = False,
) -> None:
    """Show the status, timings, spec and URL of jobs.

    Examples:

      hfjobs inspect 6650a1b2c3d4e5f60718293a

      hfjobs inspect --json alice/6650a1b2c3d4e5f60718293a | jq '.[0].status'

      hfjobs inspect --export 6650a1b2c3d4e5f60718293a > job.toml
    """
    app = app_context(ctx)
    out = app.set_output(json=json)
    if export and (json or len(job_ids) != 1):
        raise UsageError("--export takes exactly one job id, without --json")
    client = app.client(token)
    if export:
        [(ns, ident)] = resolve_refs(app, job_ids, namespace)
        try:
            job = client.jobs.get(ns, ident)
        except NotFoundError:
            raise CliError(
                f"Job {ref_text(ns, ident)} not found", code=ExitCode.NOT_FOUND
            ) from None
        from hfjobs_cli import jobfile

        header = f"# hfjobs job file, exported from job {ref_text(ns, ident)}\n"
        if job.spec.secrets:
            header += "# secrets are names: their values come from your environment at `run -f`\n"
        out.line(header + jobfile.dumps(jobfile.from_job(job.raw)).rstrip("\n"))
        return
    view = job_detail(
        url=lambda job: client.jobs.url(job) if job.owner else "--",
        cost=lambda job: job_cost(client, job.spec.flavor, job.running_seconds()),
    )
    act_on_each(
        app,
        resolve_refs(app, job_ids, namespace),
        client.jobs.get,
        lambda jobs: out.details(view, jobs),
    )


def register(app: typer.Typer) -> None:
    app.command("inspect")(inspect)
