"""`hfjobs webhook ...`: jobs started when a watched repository changes.

One module per concern: `create` (create, update: the commands that build a request body),
`manage` (ls, inspect, enable, disable, delete); `_shared` holds the options, the parsers and
the formatting they share.
"""

from __future__ import annotations

import typer

from hfjobs_cli.commands.webhook import create, manage

webhook_app = typer.Typer(
    help="""Start jobs when a watched model, dataset, Space, user or org changes.

    Examples:

      hfjobs webhook create --watch model:alice/my-model --job-id 6650a1b2c3d4e5f60718293a

      hfjobs webhook ls
    """,
    no_args_is_help=True,
)

create.register_create(webhook_app)
manage.register_views(webhook_app)
create.register_update(webhook_app)
manage.register_changes(webhook_app)


def register(app: typer.Typer) -> None:
    app.add_typer(webhook_app, name="webhook")
