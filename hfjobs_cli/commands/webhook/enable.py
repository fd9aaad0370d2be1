"""`hfjobs webhook enable` (and the switch `disable` shares)."""

from __future__ import annotations

import typer

from hfjobs_cli.commands._common import app_context
from hfjobs_cli.commands.webhook._shared import (
    WebhookIdArg,
    check_webhook_id,
    show_changed,
    webhook_errors,
)
from hfjobs_cli.options import JsonOpt, QuietOpt, TokenOpt


def _switch(ctx: typer.Context, webhook_id: str, token, json, quiet, *, enable: bool) -> None:
    app = app_context(ctx)
    out = app.set_output(json=json, quiet=quiet)
    ident = check_webhook_id(webhook_id)
    client = app.client(token)
    with webhook_errors(ident):
        hook = (client.webhooks.enable if enable else client.webhooks.disable)(ident)
    show_changed(out, hook, "enabled" if enable else "disabled")


def enable(
    ctx: typer.Context,
    webhook_id: WebhookIdArg,
    token: TokenOpt = None,
    json: JsonOpt = False,
    quiet: QuietOpt = False,
) -> None:
    """Enable a webhook: matching events start jobs again.

    Example:

      hfjobs webhook enable 6650c2d3e4f5a6b7c8d9e0f1
    """
    _switch(ctx, webhook_id, token, json, quiet, enable=True)


def register(app: typer.Typer) -> None:
    app.command("enable")(enable)
