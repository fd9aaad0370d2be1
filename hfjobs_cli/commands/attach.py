"""`hfjobs attach`: follow a job started elsewhere to its end, as an attached `run` would."""

from __future__ import annotations

import typer

from hfjobs_cli.commands._attach import present_started_job
from hfjobs_cli.commands._common import app_context, resolve_refs
from hfjobs_cli.options import (
    CancelOnExitOpt,
    JobIdArg,
    JsonOpt,
    NamespaceOpt,
    QuietOpt,
    TokenOpt,
)


def attach(
    ctx: typer.Context,
    job_id: JobIdArg,
    cancel_on_exit: CancelOnExitOpt = False,
    namespace: NamespaceOpt = None,
    token: TokenOpt = None,
    json: JsonOpt = False,
    quiet: QuietOpt = False,
) -> None:
    """Follow a job started elsewhere to its end, with the exit code of an attached run.

    The log streams from its start; the exit code says how the job ended (0 COMPLETED,
    1 ERROR, 3 CANCELED). Ctrl-C detaches; in CI, or with --cancel-on-exit, SIGINT and
    SIGTERM cancel the job (exit 130 or 143). A job that has already ended shows its whole log.

    Examples:

      hfjobs attach 6650a1b2c3d4e5f60718293a

      ID=$(hfjobs run -d -q python:3.12 python train.py) && hfjobs attach "$ID"
    """
    app = app_context(ctx)
    app.set_output(json=json, quiet=quiet)
    app.cancel_on_exit = cancel_on_exit
    client = app.client(token)
    [(ns, ident)] = resolve_refs(app, [job_id], namespace)
    job = client.jobs.get(ns, ident)
    code = present_started_job(app, client, job, ns, detach=False, verb=f"is {job.stage}")
    if code:
        raise typer.Exit(code)


def register(app: typer.Typer) -> None:
    app.command("attach")(attach)
