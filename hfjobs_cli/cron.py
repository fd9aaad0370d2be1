"""Schedules: validation before anything is sent, a description in words, the next run times.

A schedule is one of the aliases the Hub accepts or a five-field cron expression, evaluated
in UTC. croniter does the validating and the computing; it is imported inside the functions
that need it so `--help` and Tab completion never pay for it.
"""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo

from hfjobs_cli.errors import UsageError

ALIASES = {
    "@hourly": "0 * * * *",
    "@daily": "0 0 * * *",
    "@weekly": "0 0 * * 0",
    "@monthly": "0 0 1 * *",
    "@yearly": "0 0 1 1 *",
    "@annually": "0 0 1 1 *",
}
FIELDS = ("minute", "hour", "day-of-month", "month", "day-of-week")
_ALLOWED = (
    "0-59",
    "0-23",
    "1-31",
    "1-12 or JAN-DEC",
    "0-7 or SUN-SAT",
)
MONTHS = (
    "January February March April May June July August September October November December"
).split()
WEEKDAYS = "Sunday Monday Tuesday Wednesday Thursday Friday Saturday".split()
_MONTH_NAMES = {m[:3].upper(): i + 1 for i, m in enumerate(MONTHS)}
_DAY_NAMES = {d[:3].upper(): i for i, d in enumerate(WEEKDAYS)}


def _bad(schedule: str, reason: str) -> UsageError:
    return UsageError(
        f"Invalid schedule '{schedule}': {reason}",
        hint="Quote five cron fields 'MINUTE HOUR DAY-OF-MONTH MONTH DAY-OF-WEEK' (in UTC; "
        "numbers, *, lists 1,15, ranges 1-5, steps */10), e.g. '0 9 * * 1', or use one of "
        + ", ".join(ALIASES),
    )


def expand(schedule: str) -> str:
    """The five cron fields of a validated schedule (aliases expanded)."""
    return ALIASES.get(schedule, schedule)


def validate(schedule: str) -> str:
    """The schedule as it will be sent (trimmed, single-spaced); UsageError naming a bad field."""
    from croniter import croniter

    text = " ".join(schedule.split())
    if not text:
        raise _bad(schedule, "it is empty")
    if text.startswith("@"):
        alias = text.lower()
        if alias not in ALIASES:
            raise _bad(schedule, f"unknown alias; use one of {', '.join(ALIASES)}")
        return alias
    fields = text.split(" ")
    if len(fields) != 5:
        raise _bad(
            schedule,
            f"expected 5 fields (minute hour day-of-month month day-of-week), got {len(fields)}",
        )
    for index, value in enumerate(fields):
        probe = ["*"] * 5
        probe[index] = value
        if not croniter.is_valid(" ".join(probe)):
            raise _bad(
                schedule,
                f"{FIELDS[index]} field '{value}' is not valid (use {_ALLOWED[index]})",
            )
    if not croniter.is_valid(text):
        raise _bad(schedule, "croniter does not accept this combination of fields")
    if not next_runs(text, 1):
        raise _bad(schedule, "it never fires (no such date)")
    return text


def next_runs(schedule: str, count: int, after: datetime | None = None) -> list[datetime]:
    """Up to `count` firing times strictly after `after` (default now), aware, in UTC."""
    from croniter import CroniterBadDateError, croniter

    start = (after or datetime.now(UTC)).astimezone(UTC)
    it = croniter(expand(schedule), start)
    runs = []
    try:
        for _ in range(count):
            runs.append(it.get_next(datetime).astimezone(UTC))
    except CroniterBadDateError:
        pass
    return runs


def resolve_zone(name: str | None) -> tzinfo | None:
    """The IANA zone `name` (None means the local zone); UsageError for an unknown one."""
    if name is None:
        return None
    if name.upper() in ("UTC", "Z"):
        return UTC
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        hint = "Use an IANA name such as UTC, Europe/Paris or America/New_York"
        if not _has_zone_database():
            hint = "This system has no time zone database: install the `tzdata` package (pip install tzdata)"
        raise UsageError(f"Unknown time zone '{name}'", hint=hint) from None


def _has_zone_database() -> bool:
    """Whether any IANA zone can be found: the system's files or the `tzdata` package (which
    hfjobs requires on Windows, where there are no system files)."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo("Europe/Paris")
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return False
    return True


# -- description in words ------------------------------------------------------------------


def _number(token: str, names: dict[str, int] | None = None) -> int | None:
    if token.isdigit():
        return int(token)
    if names and token.upper() in names:
        return names[token.upper()]
    return None


def _values(field: str, names: dict[str, int] | None = None) -> list[int] | None:
    """The values of a list of plain numbers (`1,15`), else None."""
    values = [_number(part, names) for part in field.split(",")]
    return None if any(v is None for v in values) else values  # type: ignore[return-value]


def _join(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _step(field: str) -> int | None:
    if field.startswith("*/") and field[2:].isdigit():
        return int(field[2:])
    return None


def _weekdays(field: str) -> str | None:
    start, sep, end = field.partition("-")
    if sep:
        a, b = _number(start, _DAY_NAMES), _number(end, _DAY_NAMES)
        if a is None or b is None:
            return None
        return f"{WEEKDAYS[a % 7]} to {WEEKDAYS[b % 7]}"
    days = _values(field, _DAY_NAMES)
    return _join([WEEKDAYS[d % 7] for d in days]) if days else None


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _plural(n: int, unit: str) -> str:
    return f"{unit}" if n == 1 else f"{n} {unit}s"


def describe(schedule: str) -> str:
    """`every day at 09:00 UTC` for the common shapes, else the expression itself."""
    try:
        return _describe(schedule)
    except (IndexError, ValueError):  # a schedule from the server that we would have refused
        return schedule


def _describe(schedule: str) -> str:
    fields = expand(schedule).split()
    if len(fields) != 5:
        return schedule
    minute, hour, dom, month, dow = fields
    if (dom, month, dow) == ("*", "*", "*"):
        if minute == "*" and hour == "*":
            return "every minute"
        step = _step(minute)
        if step and hour == "*":
            return f"every {_plural(step, 'minute')}"
        if minute.isdigit() and hour == "*":
            return f"every hour at minute {int(minute)}"
        step = _step(hour)
        if minute.isdigit() and step:
            return f"every {_plural(step, 'hour')} at minute {int(minute)}"
    minutes, hours = _values(minute), _values(hour)
    if not minutes or not hours or len(minutes) != 1:
        return schedule
    times = _join([f"{h:02d}:{minutes[0]:02d}" for h in hours]) + " UTC"
    if (dom, month, dow) == ("*", "*", "*"):
        return f"every day at {times}"
    if dom == "*" and month == "*":
        days = _weekdays(dow)
        return f"every {days} at {times}" if days else schedule
    if dow != "*":
        return schedule
    days_of_month = _values(dom)
    if not days_of_month:
        return schedule
    if month == "*":
        which = _join([_ordinal(d) for d in days_of_month])
        return f"on the {which} of every month at {times}"
    months = _values(month, _MONTH_NAMES)
    if months and len(months) == 1 and len(days_of_month) == 1:
        return f"every year on {MONTHS[months[0] - 1]} {days_of_month[0]} at {times}"
    return schedule
