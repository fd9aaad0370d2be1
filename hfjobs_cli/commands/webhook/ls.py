"""`hfjobs webhook ls` (hidden alias `list`): list webhooks."""

from __future__ import annotations

import typer

from hfjobs_cli.api import webhooks as api
from hfjobs_cli.commands._common import app_context
from hfjobs_cli.commands.webhook._shared import COLUMNS, webhook_row
from hfjobs_cli.hints import command
from hfjobs_cli.options import JsonOpt, NoTruncOpt, QuietOpt, TokenOpt


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
    hooks = api.list_webhooks(app.client(token))
    if out.mode == "json":
        out.json([api.masked(hook.raw) for hook in hooks])
    elif out.mode == "quiet":
        out.ids(hook.id for hook in hooks)
    elif not hooks:
        out.info("No webhooks")
        out.hint(
            f"Create one: {command('webhook', 'create')} --watch model:OWNER/NAME --job-id JOB_ID"
        )
    else:
        styles = {4: ["green" if hook.enabled else "yellow" for hook in hooks]}
        out.table(COLUMNS, [webhook_row(hook) for hook in hooks], styles=styles)


def register(app: typer.Typer) -> None:
    app.command("ls")(ls)
    app.command("list", hidden=True)(ls)
