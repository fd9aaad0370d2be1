"""Hardware prices for cost estimates: from the API, cached, with no price rather than a guess."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from hfjobs_cli.hints import command
from hfjobs_cli.views import format_duration, format_usd

if TYPE_CHECKING:
    from hfjobs_cli.api.client import JobsClient
    from hfjobs_cli.context import AppContext

DEFAULT_TIMEOUT = 30 * 60  # the Hub's default job timeout


def hardware_list(
    client: JobsClient, *, refresh: bool = False, quick: bool = False
) -> list[dict[str, Any]]:
    """The hardware list: the completion cache when present (prices rarely change), else the API."""
    from hfjobs_cli import completion

    path = completion.cache_path("hardware-full", client.endpoint, "")
    items, _age = completion.read_cache(path)
    if items is not None and not refresh:
        return items
    items = client.hardware(quick=quick)
    try:
        completion.write_cache(path, items)
        completion.write_cache(
            completion.cache_path("hardware", client.endpoint, ""),
            [[h["name"], h.get("prettyName", "")] for h in items],
        )
    except OSError:
        pass
    return items


def price_per_minute(client: JobsClient, flavor: str | None) -> float | None:
    """USD per minute of a flavor, or None when unknown (never raises)."""
    if not flavor:
        return None
    try:
        for item in hardware_list(client, quick=True):
            if item.get("name") == flavor:
                return unit_price_per_minute(item)
    except Exception:
        return None
    return None


def unit_price_per_minute(item: dict[str, Any]) -> float | None:
    micro = item.get("unitCostMicroUSD")
    if isinstance(micro, int | float):
        per_unit = micro / 1_000_000
    elif isinstance(item.get("unitCostUSD"), int | float):
        per_unit = float(item["unitCostUSD"])
    else:
        return None
    unit = str(item.get("unitLabel") or "minute").lower()
    return per_unit * {"second": 60, "minute": 1, "hour": 1 / 60}.get(unit, 1)


def flavor_warning(client: JobsClient, flavor: str) -> str | None:
    """A warning when the flavor is not in the hardware list (the server has the last word)."""
    try:
        names = [str(item.get("name")) for item in hardware_list(client, quick=True)]
    except Exception:
        return None
    if not names or flavor in names:
        return None
    import difflib

    close = difflib.get_close_matches(flavor, names, n=1)
    guess = f"; did you mean '{close[0]}'?" if close else ""
    return (
        f"'{flavor}' is not in the hardware list (`{command('hardware')}`){guess} Sending it anyway"
    )


def launch_summary(
    app: AppContext, client: JobsClient, spec: dict[str, Any], *, verb: str = "Starting"
) -> str:
    """One line before a job starts: what, where, and the most the timeout lets it cost."""
    flavor = spec.get("flavor") or "cpu-basic"
    image = spec.get("dockerImage") or f"hf.co/spaces/{spec.get('spaceId')}"
    timeout = spec.get("timeoutSeconds") or DEFAULT_TIMEOUT
    warning = flavor_warning(client, flavor)
    if warning:
        app.output.warn(warning)
    text = f"{verb} {image} on {flavor}"
    per_minute = price_per_minute(client, flavor)
    if per_minute is not None:
        attempts = spec.get("attempts") or 1
        maximum = per_minute * timeout / 60 * attempts
        default = "" if spec.get("timeoutSeconds") else "default "
        text += (
            f" ({format_usd(per_minute * 60)}/hour; at most {format_usd(maximum)} "
            f"for the {default}{format_duration(timeout)} timeout"
            + (f" x {attempts} attempts" if attempts > 1 else "")
            + ")"
        )
    return text


def job_cost(client: JobsClient, flavor: str | None, running_seconds: float | None) -> float | None:
    """The cost so far: price per minute x started minutes of running time."""
    if running_seconds is None:
        return None
    per_minute = price_per_minute(client, flavor)
    if per_minute is None:
        return None
    import math

    return per_minute * max(1, math.ceil(running_seconds / 60)) if running_seconds else 0.0
