"""`hfjobs schedule labels`: replace a scheduled job's labels, or rename it."""

from __future__ import annotations

from typing import Annotated

import typer

from hfjobs_cli.commands._common import app_context, resolve_refs
from hfjobs_cli.commands.schedule._shared import WHAT, ScheduleIdArg, scheduled_api
from hfjobs_cli.errors import UsageError
from hfjobs_cli.options import (
    JsonOpt,
    LabelOpt,
    NameOpt,
    NamespaceOpt,
    QuietOpt,
    TokenOpt,
)
from hfjobs_cli.parsing import merge_name_label, parse_labels
from hfjobs_cli.views import labels_text
from hfjobs_cli.views.scheduled import SCHEDULED


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
    out.change(
        SCHEDULED,
        sj,
        lambda sj: (
            f"Scheduled job {ident}: labels cleared"
            if clear
            else f"Scheduled job {ident} labels: {labels_text(sj.spec.labels)}"
        ),
    )


def register(app: typer.Typer) -> None:
    app.command("labels")(labels)
