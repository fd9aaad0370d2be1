"""Hardware flavors and what jobs cost: `hardware` and `cost` (no I/O, no rich)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from hfjobs_cli.output import Column, View
from hfjobs_cli.views.format import format_usd

if TYPE_CHECKING:
    from hfjobs_cli.api.models import Flavor


def price_text(amount: float | None) -> str:
    return "free" if amount == 0 else format_usd(amount)


def _or_dashes(value: object) -> str:
    return "--" if value is None else str(value)


def _per_hour(flavor: Flavor) -> str:
    per_minute = flavor.price_per_minute
    return price_text(per_minute * 60 if per_minute is not None else None)


HARDWARE = View(
    columns=(
        Column("NAME", lambda flavor: flavor.name),
        Column(
            "PRETTY NAME", lambda flavor: _or_dashes(flavor.pretty_name), priority=7, flexible=True
        ),
        Column("CPU", lambda flavor: _or_dashes(flavor.cpu), priority=5),
        Column("RAM", lambda flavor: _or_dashes(flavor.ram), priority=5),
        Column(
            "ACCELERATOR", lambda flavor: _or_dashes(flavor.accelerator), priority=4, flexible=True
        ),
        Column("STORAGE", lambda flavor: _or_dashes(flavor.storage), priority=8),
        Column("$/HOUR", _per_hour, priority=3),
        Column("$/MINUTE", lambda flavor: price_text(flavor.price_per_minute), priority=9),
    ),
    ident=lambda flavor: flavor.name,
    data=lambda flavor: flavor.raw,
)


def cost_columns(heading: str) -> tuple[Column, ...]:
    """`cost`: one row a group (its key under `heading`), then TOTAL; rows of cells."""
    return (Column(heading), Column("JOBS"), Column("RUNTIME"), Column("COST", priority=4))
