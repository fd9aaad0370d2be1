"""`hfjobs webhook ls`, `inspect`, `enable`, `disable` and `delete`."""

from __future__ import annotations

import typer

from hfjobs_cli.api import webhooks as api
from hfjobs_cli.api.errors import NotFoundError
from hfjobs_cli.commands._common import app_context, confirm
from hfjobs_cli.commands.webhook._shared import (
    COLUMNS,
    WebhookIdArg,
    WebhookIdsArg,
    check_webhook_id,
    show_changed,
    watched_text,
    webhook_errors,
    webhook_fields,
    webhook_row,
)
from hfjobs_cli.errors import ExitCode
from hfjobs_cli.hints import command
from hfjobs_cli.options import JsonOpt, NoTruncOpt, QuietOpt, TokenOpt, YesOpt


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
        hook = api.get_webhook(client, ident)
    if out.mode == "json":
        out.json(api.masked(hook.raw))
    else:
        out.fields(f"Webhook {hook.id}", webhook_fields(hook))


def _switch(ctx: typer.Context, webhook_id: str, token, json, quiet, *, enable: bool) -> None:
    app = app_context(ctx)
    out = app.set_output(json=json, quiet=quiet)
    ident = check_webhook_id(webhook_id)
    client = app.client(token)
    with webhook_errors(ident):
        hook = (api.enable_webhook if enable else api.disable_webhook)(client, ident)
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


def register_views(app: typer.Typer) -> None:
    app.command("ls")(ls)
    app.command("list", hidden=True)(ls)
    app.command("inspect")(inspect)


def register_changes(app: typer.Typer) -> None:
    app.command("enable")(enable)
    app.command("disable")(disable)
    app.command("delete")(delete)
