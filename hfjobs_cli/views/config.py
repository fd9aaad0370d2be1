"""Settings: `config list` (no I/O, no rich)."""

from __future__ import annotations

from hfjobs_cli.output import Column

# One row a setting: its key, its value in effect and where that comes from.
CONFIG_COLUMNS = (Column("KEY"), Column("VALUE", priority=2), Column("SOURCE", priority=3))
