"""`hfjobs hardware`: flavors and their prices."""

from __future__ import annotations

from typing import Annotated

import typer

from hfjobs_cli.commands._common import app_context
from hfjobs_cli.commands._hardware import hardware_list
from hfjobs_cli.errors import UsageError
from hfjobs_cli.options import JsonOpt, NoTruncOpt
from hfjobs_cli.views.hardware import HARDWARE


def hardware(
    ctx: typer.Context,
    gpu: Annotated[bool, typer.Option("--gpu", help="Only flavors with an accelerator.")] = False,
    max_price: Annotated[
        str | None,
        typer.Option(
            "--max-price",
            metavar="USD_PER_HOUR",
            help="Only flavors at most this price per hour.",
            show_default=False,
        ),
    ] = None,
    json: JsonOpt = False,
    no_trunc: NoTruncOpt = False,
) -> None:
    """List the hardware flavors with their CPU, memory, accelerator and price.

    Prices come from the API (per minute of running time); the list also feeds `--flavor`
    completion.

    Examples:

      hfjobs hardware

      hfjobs hardware --gpu --max-price 2.5
    """
    app = app_context(ctx)
    out = app.set_output(json=json, no_trunc=no_trunc)
    limit = None
    if max_price is not None:
        try:
            limit = float(max_price.lstrip("$"))
        except ValueError:
            raise UsageError(
                f"Invalid --max-price '{max_price}': a number of USD per hour, e.g. 2.5"
            ) from None
        if limit < 0:
            raise UsageError(f"Invalid --max-price '{max_price}': it cannot be negative")
    client = app.client(require_token=False)
    items = hardware_list(client, refresh=True)
    selected = []
    for item in items:
        per_minute = item.price_per_minute
        if gpu and item.accelerator is None:
            continue
        if limit is not None and (per_minute is None or per_minute * 60 > limit + 1e-9):
            continue
        selected.append(item)
    out.records(HARDWARE, selected, empty="No flavor matches")


def register(app: typer.Typer) -> None:
    app.command("hardware")(hardware)
