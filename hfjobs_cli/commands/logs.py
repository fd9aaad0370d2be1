"""`hfjobs logs`: print or follow a job's log."""

from __future__ import annotations

from typing import Annotated

import typer

from hfjobs_cli.commands._attach import follow_to_end, print_batch, report_final
from hfjobs_cli.commands._common import app_context, ref_text, resolve_refs, stage_exit_code
from hfjobs_cli.options import JobIdArg, NamespaceOpt, TokenOpt


def logs(
    ctx: typer.Context,
    job_id: JobIdArg,
    follow: Annotated[
        bool,
        typer.Option("-f", "--follow", help="Stream until the job ends; exit with its outcome."),
    ] = False,
    tail: Annotated[
        int | None,
        typer.Option(
            "-n",
            "--tail",
            min=0,
            metavar="N",
            help="Start from the last N lines.",
            show_default=False,
        ),
    ] = None,
    timestamps: Annotated[
        bool,
        typer.Option("-t", "--timestamps", help="Prefix each line with its RFC 3339 timestamp."),
    ] = False,
    namespace: NamespaceOpt = None,
    token: TokenOpt = None,
    json: Annotated[
        bool, typer.Option("--json", help="One JSON object per line: {timestamp, data}.")
    ] = False,
) -> None:
    """Print the log lines a job has written so far, or follow them with -f.

    With -f the command ends when the job does, with its exit code (0 COMPLETED,
    1 ERROR, 3 CANCELED); Ctrl-C stops following and leaves the job running.

    Examples:

      hfjobs logs 6650a1b2c3d4e5f60718293a

      hfjobs logs -f -n 20 -t alice/6650a1b2c3d4e5f60718293a
    """
    app = app_context(ctx)
    out = app.set_output(json=json)
    client = app.client(token)
    [(ns, ident)] = resolve_refs(app, [job_id], namespace)
    if follow:
        job = follow_to_end(
            app, client, ns, ident, tail=tail, timestamps=timestamps, wait_scheduling=False
        )
        code = (
            report_final(app, job, ref=ref_text(ns, ident))
            if out.mode == "human"
            else stage_exit_code(job.stage)
        )
        if code:
            raise typer.Exit(code)
        return
    from hfjobs_cli.api.logs import snapshot

    try:
        for batch in snapshot(client, ns, ident, tail=tail):
            print_batch(app, batch, timestamps=timestamps)
    except KeyboardInterrupt:
        raise typer.Exit(130) from None


def register(app: typer.Typer) -> None:
    app.command("logs")(logs)
