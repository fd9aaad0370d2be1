"""`hfjobs webhook ...`: jobs started when a watched repository changes.

One module per concern: `create` (create, update: the commands that build a request body),
`manage` (ls, inspect, enable, disable, delete); `_shared` holds the options, the parsers and
the formatting they share.
"""

from __future__ import annotations

import typer

from hfjobs_cli.commands.webhook import create, manage

webhook_app = typer.Typer(
    help="Start jobs when a watched model, dataset, Space, user or org changes.",
    no_args_is_help=True,
)

create.register_create(webhook_app)
manage.register_views(webhook_app)
create.register_update(webhook_app)
manage.register_changes(webhook_app)


def register(app: typer.Typer) -> None:
    app.add_typer(webhook_app, name="webhook")
