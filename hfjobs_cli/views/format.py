"""Text for people: durations, times, amounts, sizes, commands (no I/O, no rich)."""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from hfjobs_cli.output import Column


def format_duration(seconds: float | None) -> str:
    """`45s`, `1m 32s`, `2h 15m`, `3d 4h`; `--` when unknown."""
    if seconds is None:
        return "--"
    total = int(seconds)
    if total < 60:
        return f"{total}s"
    minutes, secs = divmod(total, 60)
    if minutes < 60:
        return f"{minutes}m {secs}s" if secs else f"{minutes}m"
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return f"{hours}h {minutes}m" if minutes else f"{hours}h"
    days, hours = divmod(hours, 24)
    return f"{days}d {hours}h" if hours else f"{days}d"


def relative_time(moment: datetime | None, now: datetime | None = None) -> str:
    """`just now`, `5 minutes ago`, `in 3 hours`."""
    if moment is None:
        return "--"
    now = now or datetime.now(UTC)
    delta = (now - moment).total_seconds()
    future = delta < 0
    delta = abs(delta)
    if delta < 45:
        return "just now" if not future else "in a few seconds"
    for size, unit in (
        (86400 * 365, "year"),
        (86400 * 30, "month"),
        (86400, "day"),
        (3600, "hour"),
        (60, "minute"),
    ):
        if delta >= size:
            count = int(round(delta / size)) if unit != "year" else int(delta // size)
            count = max(count, 1)
            text = f"{count} {unit}{'s' if count != 1 else ''}"
            return f"in {text}" if future else f"{text} ago"
    count = int(delta)
    return f"in {count} seconds" if future else f"{count} seconds ago"


def iso(moment: datetime | None) -> str:
    """RFC 3339 in UTC with a `Z`, or `--`."""
    if moment is None:
        return "--"
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


_PLAIN = re.compile(r"^[A-Za-z0-9_@%+=:,./-]+$")


def _shown_arg(arg: str) -> str:
    """An argument as a person would type it: bare, in double quotes, or shell-quoted."""
    if _PLAIN.match(arg):
        return arg
    if not any(ch in arg for ch in '"$`\\\n'):
        return f'"{arg}"'
    return shlex.quote(arg)


def command_text(command: list[str]) -> str:
    """The command as one line that pastes back into a shell."""
    return " ".join(_shown_arg(arg) for arg in command)


def env_text(environment: dict[str, str]) -> str:
    return ", ".join(f"{k}={v}" for k, v in environment.items()) or "--"


def labels_text(labels: dict[str, str]) -> str:
    return ", ".join(f"{k}={v}" if v else k for k, v in labels.items()) or "--"


def format_usd(amount: float | None) -> str:
    """`$0.01`, `$12.50`, `$0.0042` (small amounts keep their significant digits); `--`."""
    if amount is None:
        return "--"
    if amount == 0:
        return "$0.00"
    if amount < 0.01:
        return f"${amount:.4f}"
    return f"${amount:,.2f}"


def format_bytes(value: float | None, *, suffix: str = "B") -> str:
    """`812B`, `1.5KiB`, `2.0GiB` (binary units, as memory is sized); `--` when unknown."""
    if value is None:
        return "--"
    size = float(value)
    for unit in ("", "Ki", "Mi", "Gi", "Ti"):
        if abs(size) < 1024 or unit == "Ti":
            return f"{size:.0f}{unit}{suffix}" if unit == "" else f"{size:.1f}{unit}{suffix}"
        size /= 1024
    return f"{size:.1f}Ti{suffix}"  # pragma: no cover - the loop returns


def timed(name: str, at: Callable[[Any], datetime | None], **how: Any) -> Column:
    """A column of moments: `5 minutes ago` in a person's table, RFC 3339 in a pipe's."""
    return Column(name, lambda record: relative_time(at(record)), piped=lambda r: iso(at(r)), **how)
