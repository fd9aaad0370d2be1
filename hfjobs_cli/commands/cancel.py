"""`hfjobs cancel`: cancel jobs."""

from __future__ import annotations

import typer

from hfjobs_cli.api.errors import NotFoundError
from hfjobs_cli.commands._common import app_context, ref_text, resolve_refs
from hfjobs_cli.errors import ExitCode
from hfjobs_cli.options import JobIdsArg, JsonOpt, NamespaceOpt, QuietOpt, TokenOpt


def cancel(
    ctx: typer.Context,
    job_ids: JobIdsArg,
    namespace: NamespaceOpt = None,
    token: TokenOpt = None,
    json: JsonOpt = False,
    quiet: QuietOpt = False,
) -> None:
    """Cancel jobs; an unknown id is reported and the others are still cancelled.

    Examples:

      hfjobs cancel 6650a1b2c3d4e5f60718293a

      hfjobs ps -q | xargs hfjobs cancel
    """
    app = app_context(ctx)
    out = app.set_output(json=json, quiet=quiet)
    client = app.client(token)
    cancelled = []
    missing = 0
    for ns, ident in resolve_refs(app, job_ids, namespace):
        try:
            job = client.cancel_job(ns, ident)
        except NotFoundError:
            out.error(f"Job {ref_text(ns, ident)} not found")
            missing += 1
            continue
        cancelled.append(job.raw if job else {"id": ident})
        if out.mode == "human":
            out.result(f"Job {ident} cancelled")
        elif out.mode == "quiet":
            out.ids([ident])
    if out.mode == "json":
        out.json(cancelled)
    if missing:
        raise typer.Exit(ExitCode.NOT_FOUND)


def register(app: typer.Typer) -> None:
    app.command("cancel")(cancel)
