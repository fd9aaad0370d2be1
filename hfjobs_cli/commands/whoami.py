"""`hfjobs whoami`: who the token belongs to and where it came from."""

from __future__ import annotations

import typer

from hfjobs_cli.commands._common import app_context
from hfjobs_cli.options import JsonOpt, TokenOpt


def whoami(ctx: typer.Context, token: TokenOpt = None, json: JsonOpt = False) -> None:
    """Show who the token belongs to, its organisations, and where the token came from.

    Examples:

      hfjobs whoami

      hfjobs whoami --json
    """
    app = app_context(ctx)
    out = app.set_output(json=json)
    client = app.client(token)
    user = client.whoami()
    identity = {
        "name": user.name,
        "type": user.type,
        "orgs": user.orgs,
        "tokenSource": client.token_source,
        "endpoint": client.endpoint,
        "profile": app.profile_name,
    }
    fields = [
        ("User", user.name),
        ("Orgs", ", ".join(user.orgs) or "--"),
        ("Token from", client.token_source),
        ("Endpoint", client.endpoint),
        ("Profile", app.profile_name),
    ]
    out.report(identity, lambda: out.fields(user.name, fields))


def register(app: typer.Typer) -> None:
    app.command("whoami")(whoami)
