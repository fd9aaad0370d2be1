"""Hardware flavors and what jobs cost: `hardware` and `cost` (no I/O, no rich)."""

from __future__ import annotations

from typing import Any

from hfjobs_cli.output import Column, View
from hfjobs_cli.views.format import format_usd


def accelerator_text(item: dict) -> str:
    acc = item.get("accelerator")
    if not isinstance(acc, dict):
        return "--"
    return f"{acc.get('quantity', '?')}x {acc.get('model', '?')} ({acc.get('vram', '?')})"


def price_text(amount: float | None) -> str:
    return "free" if amount == 0 else format_usd(amount)


def _per_hour(flavor: tuple[dict[str, Any], float | None]) -> str:
    per_minute = flavor[1]
    return price_text(per_minute * 60 if per_minute is not None else None)


# A flavor: (the API's item, its price per minute or None).
HARDWARE = View(
    columns=(
        Column("NAME", lambda flavor: str(flavor[0].get("name"))),
        Column(
            "PRETTY NAME",
            lambda flavor: str(flavor[0].get("prettyName", "--")),
            priority=7,
            flexible=True,
        ),
        Column("CPU", lambda flavor: str(flavor[0].get("cpu", "--")), priority=5),
        Column("RAM", lambda flavor: str(flavor[0].get("ram", "--")), priority=5),
        Column(
            "ACCELERATOR", lambda flavor: accelerator_text(flavor[0]), priority=4, flexible=True
        ),
        Column(
            "STORAGE", lambda flavor: str(flavor[0].get("ephemeralStorage") or "--"), priority=8
        ),
        Column("$/HOUR", _per_hour, priority=3),
        Column("$/MINUTE", lambda flavor: price_text(flavor[1]), priority=9),
    ),
    ident=lambda flavor: str(flavor[0].get("name")),
    data=lambda flavor: flavor[0],
)


def cost_columns(heading: str) -> tuple[Column, ...]:
    """`cost`: one row a group (its key under `heading`), then TOTAL; rows of cells."""
    return (Column(heading), Column("JOBS"), Column("RUNTIME"), Column("COST", priority=4))
