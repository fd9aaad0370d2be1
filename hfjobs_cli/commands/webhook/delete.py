"""`hfjobs webhook delete`: delete webhooks."""

from __future__ import annotations

import typer

from hfjobs_cli.commands._common import act_on_each, app_context, confirm
from hfjobs_cli.commands.webhook._shared import (
    WebhookIdsArg,
    check_webhook_id,
    webhook_errors,
)
from hfjobs_cli.hints import command
from hfjobs_cli.options import QuietOpt, TokenOpt, YesOpt
from hfjobs_cli.views.webhooks import WEBHOOK_ID, watched_text


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
            hook = client.webhooks.get(idents[0])
        return f"Delete webhook {idents[0]} (watching {watched_text(hook)})?"

    confirm(question, yes=yes, action="delete", declined="Nothing deleted")

    def act(_ns: None, ident: str) -> str:
        client.webhooks.delete(ident)
        return ident

    act_on_each(
        app,
        [(None, ident) for ident in idents],
        act,
        lambda deleted: out.changed(WEBHOOK_ID, deleted, lambda ident: f"Webhook {ident} deleted"),
        what="Webhook",
        hint=f"List your webhooks: {command('webhook', 'ls')}",
    )


def register(app: typer.Typer) -> None:
    app.command("delete")(delete)
