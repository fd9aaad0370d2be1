"""Hardware prices for cost estimates: from the API, cached, with no price rather than a guess."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from hfjobs_cli.hints import command
from hfjobs_cli.views import format_duration, format_usd

if TYPE_CHECKING:
    from hfjobs_cli.api.client import JobsClient
    from hfjobs_cli.api.models import Flavor
    from hfjobs_cli.invocation import Invocation

DEFAULT_TIMEOUT = 30 * 60  # the Hub's default job timeout


def hardware_list(
    client: JobsClient, *, refresh: bool = False, quick: bool = False
) -> list[Flavor]:
    """The hardware list: the completion cache when present (prices rarely change), else the API."""
    from hfjobs_cli import completion
    from hfjobs_cli.api.models import Flavor

    path = completion.cache_path("hardware-full", client.endpoint, "")
    cached, _age = completion.read_cache(path)
    if cached is not None and not refresh:
        return [Flavor.from_api(item) for item in cached if isinstance(item, dict)]
    flavors = client.hardware.list(quick=quick)
    try:
        completion.write_cache(path, [f.raw for f in flavors])
        completion.write_cache(
            completion.cache_path("hardware", client.endpoint, ""),
            [[f.name, f.pretty_name or ""] for f in flavors],
        )
    except OSError:
        pass
    return flavors


def price_per_minute(client: JobsClient, flavor: str | None) -> float | None:
    """USD per minute of a flavor, or None when unknown (never raises)."""
    if not flavor:
        return None
    try:
        for item in hardware_list(client, quick=True):
            if item.name == flavor:
                return item.price_per_minute
    except Exception:
        return None
    return None


def flavor_warning(client: JobsClient, flavor: str) -> str | None:
    """A warning when the flavor is not in the hardware list (the server has the last word)."""
    try:
        names = [item.name for item in hardware_list(client, quick=True)]
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


def parse_usd(text: str, *, option: str = "--max-cost") -> float:
    """A dollar amount such as `5`, `2.50` or `$10`; zero and negatives are refused."""
    raw = text.strip().removeprefix("$")
    try:
        value = float(raw)
    except ValueError:
        value = float("nan")
    if not value > 0 or value == float("inf"):
        from hfjobs_cli.errors import UsageError

        raise UsageError(
            f"Invalid {option} '{text}': a positive amount in US dollars, e.g. 5 or 2.50"
        )
    return value


def most_cost(client: JobsClient, spec: dict[str, Any]) -> float | None:
    """The most a job can cost: price x timeout (the Hub's default when none) x attempts."""
    per_minute = price_per_minute(client, spec.get("flavor") or "cpu-basic")
    if per_minute is None:
        return None
    timeout = spec.get("timeoutSeconds") or DEFAULT_TIMEOUT
    return per_minute * timeout / 60 * (spec.get("attempts") or 1)


def cost_limit(app: Invocation, flag: str | None) -> tuple[float, str] | None:
    """(limit, how it was set) from --max-cost or the `max_cost` setting, checked; or None."""
    setting = app.setting("max_cost", flag)
    if setting.value is None:
        return None
    option = "--max-cost" if setting.source == "flag" else f"max_cost ({setting.source})"
    return parse_usd(setting.value, option=option), option


def cost_guard(
    app: Invocation,
    client: JobsClient,
    specs: list[dict[str, Any]],
    flag: str | None,
    *,
    yes: bool,
) -> None:
    """Refuse (exit 2) when the most the jobs can cost exceeds --max-cost (or the `max_cost`
    setting), unless --yes. Nothing is checked when neither is set."""
    from hfjobs_cli.errors import UsageError

    found = cost_limit(app, flag)
    if found is None or yes:
        return
    limit, option = found
    costs = [most_cost(client, spec) for spec in specs]
    jobs = f"{len(specs)} jobs" if len(specs) > 1 else "the job"
    if any(c is None for c in costs):
        flavor = next(s.get("flavor") for s, c in zip(specs, costs, strict=True) if c is None)
        raise UsageError(
            f"Cannot check {option} {format_usd(limit)}: no price for flavor '{flavor}'",
            hint="Pass --yes to start anyway",
        )
    total = sum(c for c in costs if c is not None)
    if total <= limit:
        return
    defaulted = any(not s.get("timeoutSeconds") for s in specs)
    timeouts = sorted({s.get("timeoutSeconds") or DEFAULT_TIMEOUT for s in specs})
    how = (
        f"the Hub's default {format_duration(DEFAULT_TIMEOUT)} timeout"
        if defaulted and len(timeouts) == 1
        else f"the {format_duration(timeouts[-1])} timeout"
    )
    raise UsageError(
        f"Refusing to start {jobs}: {jobs} can cost up to {format_usd(total)} "
        f"(price x {how}"
        + (" x jobs" if len(specs) > 1 else "")
        + f"), over {option} {format_usd(limit)}",
        hint="Lower --timeout or the flavor, raise the limit, or pass --yes to start anyway",
    )


def sweep_summary(
    app: Invocation, client: JobsClient, sweep_id: str, specs: list[dict[str, Any]]
) -> str:
    """One line before a sweep starts: how many jobs, and the most they can cost together."""
    first = specs[0]
    flavor = first.get("flavor") or "cpu-basic"
    image = first.get("dockerImage") or f"hf.co/spaces/{first.get('spaceId')}"
    warning = flavor_warning(client, flavor)
    if warning:
        app.output.warn(warning)
    text = f"Sweep {sweep_id}: starting {len(specs)} jobs of {image} on {flavor}"
    costs = [most_cost(client, spec) for spec in specs]
    known = [c for c in costs if c is not None]
    if len(known) == len(costs):
        timeout = first.get("timeoutSeconds") or DEFAULT_TIMEOUT
        default = "" if first.get("timeoutSeconds") else "the Hub's default "
        text += (
            f" (at most {format_usd(sum(known))} in all: {len(specs)} x "
            f"{format_usd(known[0])} for {default}{format_duration(timeout)} timeout)"
        )
    return text


def launch_summary(
    app: Invocation, client: JobsClient, spec: dict[str, Any], *, verb: str = "Starting"
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
