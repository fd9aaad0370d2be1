"""`hfjobs webhook inspect`: show a webhook in full."""

from __future__ import annotations

import typer

from hfjobs_cli.commands._common import app_context
from hfjobs_cli.commands.webhook._shared import WebhookIdArg, check_webhook_id, webhook_errors
from hfjobs_cli.options import JsonOpt, TokenOpt
from hfjobs_cli.views.webhooks import WEBHOOKS


def inspect(
    ctx: typer.Context, webhook_id: WebhookIdArg, token: TokenOpt = None, json: JsonOpt = False
) -> None:
    """Show a webhook in full: what it watches and starts, its secrets by name only.

    Examples:

      hfjobs webhook inspect 6650c2d3e4f5a6b7c8d9e0f1

      hfjobs webhook inspect --json 6650c2d3e4f5a6b7c8d9e0f1 | jq .watched
    """
    app = app_context(ctx)
    out = app.set_output(json=json)
    ident = check_webhook_id(webhook_id)
    client = app.client(token)
    with webhook_errors(ident):
        hook = client.webhooks.get(ident)
    out.record(WEBHOOKS, hook)


def register(app: typer.Typer) -> None:
    app.command("inspect")(inspect)
