"""`hfjobs webhook ls` (hidden alias `list`): list webhooks."""

from __future__ import annotations

import typer

from hfjobs_cli.commands._common import app_context
from hfjobs_cli.hints import command
from hfjobs_cli.options import JsonOpt, NoTruncOpt, QuietOpt, TokenOpt
from hfjobs_cli.views.webhooks import WEBHOOKS


def ls(
    ctx: typer.Context,
    token: TokenOpt = None,
    json: JsonOpt = False,
    quiet: QuietOpt = False,
    no_trunc: NoTruncOpt = False,
) -> None:
    """List your webhooks: what each one watches and what it starts.

    Examples:

      hfjobs webhook ls

      hfjobs webhook ls --json | jq '.[] | select(.disabled) | .id'
    """
    app = app_context(ctx)
    out = app.set_output(json=json, quiet=quiet, no_trunc=no_trunc)
    hooks = app.client(token).webhooks.list()
    out.records(
        WEBHOOKS,
        hooks,
        empty="No webhooks",
        empty_hint=f"Create one: {command('webhook', 'create')} --watch model:OWNER/NAME "
        "--job-id JOB_ID",
    )


def register(app: typer.Typer) -> None:
    app.command("ls")(ls)
    app.command("list", hidden=True)(ls)
