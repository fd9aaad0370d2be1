"""`hfjobs webhook delete`: delete webhooks."""

from __future__ import annotations

import typer

from hfjobs_cli.api import webhooks as api
from hfjobs_cli.api.errors import NotFoundError
from hfjobs_cli.commands._common import app_context, confirm
from hfjobs_cli.commands.webhook._shared import (
    WebhookIdsArg,
    check_webhook_id,
    watched_text,
    webhook_errors,
)
from hfjobs_cli.errors import ExitCode
from hfjobs_cli.hints import command
from hfjobs_cli.options import QuietOpt, TokenOpt, YesOpt


def delete(
    ctx: typer.Context,
    webhook_ids: WebhookIdsArg,
    yes: YesOpt = False,
    token: TokenOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """Delete webhooks for good; asks first on a terminal, elsewhere needs -y.

    An unknown id is reported (exit 5) and the other webhooks are still deleted.

    Examples:

      hfjobs webhook delete 6650c2d3e4f5a6b7c8d9e0f1

      hfjobs webhook ls -q | xargs hfjobs webhook delete -y
    """
    app = app_context(ctx)
    out = app.set_output(quiet=quiet)
    idents = list(dict.fromkeys(check_webhook_id(ident) for ident in webhook_ids))
    client = app.client(token)

    def question() -> str:
        if len(idents) > 1:
            return f"Delete {len(idents)} webhooks ({', '.join(idents)})?"
        with webhook_errors(idents[0]):
            hook = api.get_webhook(client, idents[0])
        return f"Delete webhook {idents[0]} (watching {watched_text(hook)})?"

    confirm(question, yes=yes, action="delete", declined="Nothing deleted")
    missing = 0
    for ident in idents:
        try:
            api.delete_webhook(client, ident)
        except NotFoundError:
            out.error(f"Webhook {ident} not found")
            missing += 1
            continue
        if out.mode == "quiet":
            out.ids([ident])
        else:
            out.result(f"Webhook {ident} deleted")
    if missing:
        out.hint(f"List your webhooks: {command('webhook', 'ls')}")
        raise typer.Exit(ExitCode.NOT_FOUND)


def register(app: typer.Typer) -> None:
    app.command("delete")(delete)
