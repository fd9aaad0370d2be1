"""`hfjobs logout`: remove the saved token or profile."""

from __future__ import annotations

import typer

from hfjobs_cli import config
from hfjobs_cli.commands._common import app_context
from hfjobs_cli.commands.login import ProfileOpt, _target_profile


def logout(ctx: typer.Context, profile: ProfileOpt = None) -> None:
    """Remove the token that `hfjobs login` saved.

    With --profile NAME, remove that profile (its endpoint, token and namespace).

    Examples:

      hfjobs logout

      hfjobs logout --profile work
    """
    import os

    app = app_context(ctx)
    out = app.output
    name = _target_profile(app, profile)
    if name != config.DEFAULT_PROFILE:
        profiles = config.load_profiles()
        if profiles.pop(name, None) is None:
            out.info(f"No profile named {name}")
            return
        config.save_config(dict(app.config), profiles=profiles)
        out.result(f"Logged out: profile {name} was removed")
        return
    values = dict(app.config)
    if config.TOKEN_KEY in values:
        del values[config.TOKEN_KEY]
        values.pop(config.TOKEN_ENDPOINT_KEY, None)
        config.save_config(values)
        out.result("Logged out: the saved token was removed")
    else:
        out.info("No token saved by hfjobs")
    if os.environ.get("HF_TOKEN"):
        out.hint("HF_TOKEN is still set in your environment: hfjobs keeps using it")
    elif config.hf_token_path().exists():
        out.hint(
            f"The Hugging Face token file {config.hf_token_path()} is still used; "
            "remove it with `hf auth logout`"
        )


def register(app: typer.Typer) -> None:
    app.command("logout")(logout)
