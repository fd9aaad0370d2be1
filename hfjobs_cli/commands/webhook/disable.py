"""`hfjobs webhook disable`: stop a webhook without deleting it."""

from __future__ import annotations

import typer

from hfjobs_cli.commands.webhook._shared import WebhookIdArg
from hfjobs_cli.commands.webhook.enable import _switch
from hfjobs_cli.options import JsonOpt, QuietOpt, TokenOpt


def disable(
    ctx: typer.Context,
    webhook_id: WebhookIdArg,
    token: TokenOpt = None,
    json: JsonOpt = False,
    quiet: QuietOpt = False,
) -> None:
    """Disable a webhook without deleting it: events start nothing until it is enabled.

    Example:

      hfjobs webhook disable 6650c2d3e4f5a6b7c8d9e0f1
    """
    _switch(ctx, webhook_id, token, json, quiet, enable=False)


def register(app: typer.Typer) -> None:
    app.command("disable")(disable)
