"""`hfjobs labels`: show or replace a job's labels."""

from __future__ import annotations

from typing import Annotated

import typer

from hfjobs_cli.api.client import REQUEST_ID_LABEL
from hfjobs_cli.commands._common import app_context, resolve_refs
from hfjobs_cli.errors import UsageError
from hfjobs_cli.options import JobIdArg, JsonOpt, NamespaceOpt, TokenOpt
from hfjobs_cli.parsing import merge_name_label, parse_labels
from hfjobs_cli.views import labels_text


def labels(
    ctx: typer.Context,
    job_id: JobIdArg,
    label: Annotated[
        list[str] | None,
        typer.Option(
            "-l",
            "--label",
            metavar="KEY[=VALUE]",
            help="Replace every label with these (repeatable).",
        ),
    ] = None,
    name: Annotated[
        str | None,
        typer.Option(
            "--name",
            metavar="NAME",
            help="Set the name; alone, it keeps the other labels.",
            show_default=False,
        ),
    ] = None,
    clear: Annotated[bool, typer.Option("--clear", help="Remove every label.")] = False,
    namespace: NamespaceOpt = None,
    token: TokenOpt = None,
    json: JsonOpt = False,
) -> None:
    """Show or replace a job's labels (the name is the `name` label).

    Examples:

      hfjobs labels 6650a1b2c3d4e5f60718293a

      hfjobs labels 6650a1b2c3d4e5f60718293a -l team=ml -l stage=eval

      hfjobs labels 6650a1b2c3d4e5f60718293a --name nightly-eval
    """
    app = app_context(ctx)
    out = app.set_output(json=json)
    if clear and (label or name):
        raise UsageError("--clear cannot be combined with --label or --name")
    new = parse_labels(label or [])
    if name is not None:
        new = merge_name_label(new, name)
    client = app.client(token)
    [(ns, ident)] = resolve_refs(app, [job_id], namespace)
    if not clear and not label and name is None:
        job = client.jobs.get(ns, ident)
    else:
        if name is not None and not label:
            current = client.jobs.get(ns, ident).spec.labels
            new = {**current, "name": new["name"]}
        job = client.jobs.set_labels(ns, ident, {} if clear else new)
    changed = clear or bool(label) or name is not None

    def show() -> None:
        if changed:
            out.result(f"Labels of job {ident} updated")
        shown = {k: v for k, v in job.spec.labels.items() if k != REQUEST_ID_LABEL}
        out.line(labels_text(shown) if shown else "(no labels)")

    out.report(job.raw, show)


def register(app: typer.Typer) -> None:
    app.command("labels")(labels)
