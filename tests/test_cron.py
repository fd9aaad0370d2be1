"""Schedules: validation tables, descriptions in words, next runs and time zones."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from hfjobs_cli import cron
from hfjobs_cli.errors import UsageError

VALID = [
    ("@hourly", "@hourly"),
    ("@daily", "@daily"),
    ("@weekly", "@weekly"),
    ("@monthly", "@monthly"),
    ("@yearly", "@yearly"),
    ("@annually", "@annually"),
    ("@Daily", "@daily"),
    ("* * * * *", "* * * * *"),
    ("*/5 * * * *", "*/5 * * * *"),
    ("0 9 * * 1", "0 9 * * 1"),
    ("  0   9 * *  1 ", "0 9 * * 1"),
    ("0 9 * * 1-5", "0 9 * * 1-5"),
    ("0 9 * * MON-FRI", "0 9 * * MON-FRI"),
    ("0 0 * JAN,JUL *", "0 0 * JAN,JUL *"),
    ("0 0 1,15 * *", "0 0 1,15 * *"),
    ("0 0 * * 7", "0 0 * * 7"),
    ("15,45 8-18/2 * * *", "15,45 8-18/2 * * *"),
    ("0 0 29 2 *", "0 0 29 2 *"),
]


@pytest.mark.parametrize("schedule,normalized", VALID)
def test_valid_schedules_are_normalized(schedule, normalized):
    assert cron.validate(schedule) == normalized


INVALID = [
    ("61 * * * *", "minute field '61' is not valid (use 0-59)"),
    ("a * * * *", "minute field 'a'"),
    ("*/0 * * * *", "minute field '*/0'"),
    ("1-60/5 * * * *", "minute field '1-60/5'"),
    ("0,,5 * * * *", "minute field '0,,5'"),
    ("0 24 * * *", "hour field '24' is not valid (use 0-23)"),
    ("0 0 0 * *", "day-of-month field '0' is not valid (use 1-31)"),
    ("0 0 32 * *", "day-of-month field '32'"),
    ("0 0 * 13 *", "month field '13' is not valid (use 1-12 or JAN-DEC)"),
    ("0 0 * 0 *", "month field '0'"),
    ("0 0 * * 8", "day-of-week field '8' is not valid (use 0-7 or SUN-SAT)"),
    ("0 0 * * FUNDAY", "day-of-week field 'FUNDAY'"),
    ("* * *", "expected 5 fields (minute hour day-of-month month day-of-week), got 3"),
    ("* * * * * *", "expected 5 fields"),
    ("0 0 * * * 2030", "got 6"),
    ("@fortnightly", "unknown alias; use one of @hourly, @daily, @weekly"),
    ("@midnight", "unknown alias"),
    ("", "it is empty"),
    ("   ", "it is empty"),
    ("0 0 31 2 *", "it never fires"),
    ("0 0 30 2 *", "it never fires"),
]


@pytest.mark.parametrize("schedule,reason", INVALID)
def test_invalid_schedules_name_the_problem(schedule, reason):
    with pytest.raises(UsageError) as info:
        cron.validate(schedule)
    assert info.value.message.startswith(f"Invalid schedule '{schedule}': ")
    assert reason in info.value.message
    assert info.value.code == 2
    assert info.value.hint.startswith("Quote five cron fields")


DESCRIPTIONS = [
    ("@hourly", "every hour at minute 0"),
    ("@daily", "every day at 00:00 UTC"),
    ("@weekly", "every Sunday at 00:00 UTC"),
    ("@monthly", "on the 1st of every month at 00:00 UTC"),
    ("@yearly", "every year on January 1 at 00:00 UTC"),
    ("@annually", "every year on January 1 at 00:00 UTC"),
    ("* * * * *", "every minute"),
    ("*/1 * * * *", "every minute"),
    ("*/15 * * * *", "every 15 minutes"),
    ("5 * * * *", "every hour at minute 5"),
    ("30 */6 * * *", "every 6 hours at minute 30"),
    ("0 */1 * * *", "every hour at minute 0"),
    ("30 9 * * *", "every day at 09:30 UTC"),
    ("0 9,17 * * *", "every day at 09:00 and 17:00 UTC"),
    ("0 9 * * 1", "every Monday at 09:00 UTC"),
    ("0 9 * * 0", "every Sunday at 09:00 UTC"),
    ("0 9 * * 7", "every Sunday at 09:00 UTC"),
    ("0 9 * * 1-5", "every Monday to Friday at 09:00 UTC"),
    ("0 9 * * MON-FRI", "every Monday to Friday at 09:00 UTC"),
    ("0 9 * * 1,3,5", "every Monday, Wednesday and Friday at 09:00 UTC"),
    ("0 9 * * sat,sun", "every Saturday and Sunday at 09:00 UTC"),
    ("0 0 1,15 * *", "on the 1st and 15th of every month at 00:00 UTC"),
    ("0 6 2,3,11,22 * *", "on the 2nd, 3rd, 11th and 22nd of every month at 06:00 UTC"),
    ("0 12 25 12 *", "every year on December 25 at 12:00 UTC"),
    ("0 12 25 DEC *", "every year on December 25 at 12:00 UTC"),
]


@pytest.mark.parametrize("schedule,words", DESCRIPTIONS)
def test_common_shapes_are_described_in_words(schedule, words):
    assert cron.describe(schedule) == words


@pytest.mark.parametrize(
    "schedule",
    [
        "*/15 9-17 * * 1-5",  # minute steps within hours
        "0,30 9 * * *",  # two minutes
        "0 0 1 * 1",  # day-of-month OR day-of-week
        "0 0 1,15 1,7 *",  # several dates a year
        "0 0 * 1-6 *",  # months only
        "0 0 L * *",  # croniter extension
        "0 0 * 13 *",  # out of range (from a server, never from us)
        "not a cron",
    ],
)
def test_other_shapes_fall_back_to_the_expression(schedule):
    assert cron.describe(schedule) == schedule


AFTER = datetime(2025, 7, 25, 10, 0, tzinfo=UTC)  # a Friday


@pytest.mark.parametrize(
    "schedule,expected",
    [
        ("@hourly", ["2025-07-25T11:00", "2025-07-25T12:00", "2025-07-25T13:00"]),
        ("@daily", ["2025-07-26T00:00", "2025-07-27T00:00", "2025-07-28T00:00"]),
        ("@weekly", ["2025-07-27T00:00", "2025-08-03T00:00", "2025-08-10T00:00"]),
        ("@monthly", ["2025-08-01T00:00", "2025-09-01T00:00", "2025-10-01T00:00"]),
        ("@yearly", ["2026-01-01T00:00", "2027-01-01T00:00", "2028-01-01T00:00"]),
        ("0 9 * * 1-5", ["2025-07-28T09:00", "2025-07-29T09:00", "2025-07-30T09:00"]),
        ("*/20 * * * *", ["2025-07-25T10:20", "2025-07-25T10:40", "2025-07-25T11:00"]),
        ("0 0 29 2 *", ["2028-02-29T00:00", "2032-02-29T00:00", "2036-02-29T00:00"]),
    ],
)
def test_next_runs_are_strictly_after_and_in_utc(schedule, expected):
    runs = cron.next_runs(schedule, 3, AFTER)
    assert [r.strftime("%Y-%m-%dT%H:%M") for r in runs] == expected
    assert all(r.tzinfo is not None and r.utcoffset().total_seconds() == 0 for r in runs)


def test_next_runs_converts_an_aware_start_to_utc():
    from zoneinfo import ZoneInfo

    start = datetime(2025, 7, 25, 12, 0, tzinfo=ZoneInfo("Europe/Paris"))  # 10:00 UTC
    assert cron.next_runs("0 11 * * *", 1, start) == [datetime(2025, 7, 25, 11, 0, tzinfo=UTC)]


def test_next_runs_of_an_impossible_date_is_empty():
    assert cron.next_runs("0 0 31 2 *", 2, AFTER) == []


def test_resolve_zone():
    assert cron.resolve_zone(None) is None
    assert cron.resolve_zone("UTC") is UTC
    assert cron.resolve_zone("utc") is UTC
    assert str(cron.resolve_zone("Europe/Paris")) == "Europe/Paris"


@pytest.mark.parametrize("zone", ["Mars/Olympus_Mons", "Europe/Pariss", "../etc/passwd", "/abs"])
def test_unknown_zones_are_usage_errors(zone):
    with pytest.raises(UsageError) as info:
        cron.resolve_zone(zone)
    assert info.value.message == f"Unknown time zone '{zone}'"
    assert "IANA" in info.value.hint


def test_importing_cron_does_not_import_croniter():
    import subprocess
    import sys

    code = "import sys, hfjobs_cli.cron; print('croniter' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip() == "False", result.stderr
