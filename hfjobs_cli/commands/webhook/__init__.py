"""`hfjobs webhook ...`: jobs started when a watched repository changes.

One module per verb, named after it (`hfjobs webhook ls` is in ls.py); `_shared` holds the
options and parsers they share; what they show is in `hfjobs_cli/views/webhooks.py`.
"""

from __future__ import annotations

import typer

from hfjobs_cli.commands.webhook import create, delete, disable, enable, inspect, ls, update

webhook_app = typer.Typer(
    help="""Start jobs when a watched model, dataset, Space, user or org changes.

    Examples:

      hfjobs webhook create --watch model:alice/my-model --job-id 6650a1b2c3d4e5f60718293a

      hfjobs webhook ls
    """,
    no_args_is_help=True,
)

# In the order of `hfjobs webhook --help`.
for module in (create, ls, inspect, update, enable, disable, delete):
    module.register(webhook_app)


def register(app: typer.Typer) -> None:
    app.add_typer(webhook_app, name="webhook")
