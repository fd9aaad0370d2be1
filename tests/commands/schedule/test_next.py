"""`hfjobs schedule next` at the HTTP boundary: lists the next run times of a schedule or a scheduled job."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from tests.commands.schedule.helpers import SJ, make_scheduled_job
from tests.conftest import auth_header

NOW = datetime(2025, 7, 25, 10, 0, tzinfo=UTC)  # a Friday


@pytest.fixture
def frozen(monkeypatch):
    monkeypatch.setattr("hfjobs_cli.commands.schedule.next._now", lambda: NOW)


# -- next ------------------------------------------------------------------------------------


def test_next_of_a_schedule_lists_times_without_any_request(cli, api, frozen):
    result = cli("schedule", "next", "0 9 * * 1-5", "--count", "3")
    assert result.exit_code == 0, result.stderr
    assert [line.split("\t") for line in result.stdout.splitlines()] == [
        ["UTC", "LOCAL", "IN"],
        ["2025-07-28T09:00:00Z", "2025-07-28T09:00:00+00:00", "in 3 days"],
        ["2025-07-29T09:00:00Z", "2025-07-29T09:00:00+00:00", "in 4 days"],
        ["2025-07-30T09:00:00Z", "2025-07-30T09:00:00+00:00", "in 5 days"],
    ]
    assert "Schedule: every Monday to Friday at 09:00 UTC (0 9 * * 1-5)" in result.stderr
    assert len(api.calls) == 0


def test_next_defaults_to_five_in_the_local_zone(cli, frozen, paris):
    result = cli("schedule", "next", "@hourly")
    rows = [line.split("\t") for line in result.stdout.splitlines()[1:]]
    assert len(rows) == 5
    assert rows[0] == ["2025-07-25T11:00:00Z", "2025-07-25T13:00:00+02:00", "in 1 hour"]


def test_next_in_another_zone(cli, frozen):
    result = cli("schedule", "next", "@daily", "-n", "1", "--tz", "America/New_York")
    assert result.stdout.splitlines() == [
        "UTC\tAMERICA/NEW_YORK\tIN",
        "2025-07-26T00:00:00Z\t2025-07-25T20:00:00-04:00\tin 14 hours",
    ]


def test_next_json(cli, frozen):
    result = cli("schedule", "next", "--json", "-n", "2", "--tz", "Asia/Tokyo", "@weekly")
    assert json.loads(result.stdout) == {
        "id": None,
        "schedule": "@weekly",
        "description": "every Sunday at 00:00 UTC",
        "suspended": False,
        "timeZone": "Asia/Tokyo",
        "runs": [
            {"utc": "2025-07-27T00:00:00Z", "local": "2025-07-27T09:00:00+09:00"},
            {"utc": "2025-08-03T00:00:00Z", "local": "2025-08-03T09:00:00+09:00"},
        ],
    }


def test_next_of_a_scheduled_job_uses_its_schedule(cli, api, logged_in, frozen):
    sj = make_scheduled_job(schedule="*/20 * * * *", suspend=True)
    api.get(f"{SJ}/{sj['id']}", json=sj, match=[auth_header()])
    api.get(f"{SJ}/{sj['id']}", json=sj)
    result = cli("schedule", "next", "-n", "2", f"alice/{sj['id']}")
    assert result.exit_code == 0, result.stderr
    assert [line.split("\t")[0] for line in result.stdout.splitlines()] == [
        "UTC",
        "2025-07-25T10:20:00Z",
        "2025-07-25T10:40:00Z",
    ]
    assert f"Scheduled job {sj['id']} is suspended" in result.stderr
    as_json = json.loads(cli("schedule", "next", "--json", "-n", "1", f"alice/{sj['id']}").stdout)
    assert as_json["id"] == sj["id"] and as_json["suspended"] is True


def test_next_of_a_schedule_this_client_cannot_read_exits_1(cli, api, logged_in):
    sj = make_scheduled_job(schedule="every tuesday")
    api.get(f"{SJ}/{sj['id']}", json=sj)
    result = cli("schedule", "next", f"alice/{sj['id']}")
    assert result.exit_code == 1
    assert "Cannot compute the runs of schedule 'every tuesday'" in result.stderr
    assert "Traceback" not in result.stderr


def test_next_of_an_unknown_scheduled_job_exits_5(cli, api, logged_in):
    api.get(f"{SJ}/nope", status=404, json={"error": "not found"})
    assert cli("schedule", "next", "--namespace", "alice", "nope").exit_code == 5
