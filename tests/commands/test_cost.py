"""`hfjobs cost` at the HTTP boundary: totals per group from durations and prices."""

from __future__ import annotations

import json

import pytest

from tests.commands.prices import HARDWARE, JOBS, PRICES
from tests.payloads import make_job


def test_cost_charges_started_minutes_per_group(cli, api, logged_in):

    api.get(HARDWARE, json=PRICES)
    jobs = [
        make_job(flavor="a10g-small", createdAt="2026-12-01T10:00:00.000Z", status={"stage": "COMPLETED"},
                 durations={"runningSecs": 61}, labels={"team": "ml"}),
        make_job(flavor="cpu-basic", createdAt="2026-12-01T09:00:00.000Z", status={"stage": "ERROR"},
                 durations={"runningSecs": 30}, labels={"team": "ml"}),
        make_job(flavor="a10g-small", createdAt="2026-11-30T09:00:00.000Z", status={"stage": "CANCELED"},
                 durations={"runningSecs": 600}, labels={"team": "infra"}),
        make_job(flavor="a10g-small", createdAt="2020-01-01T00:00:00.000Z", status={"stage": "COMPLETED"},
                 durations={"runningSecs": 6000}, labels={"team": "old"}),
    ]  # fmt: skip
    api.get(JOBS, json=jobs)
    result = cli("cost", "--namespace", "alice", "--since", "2026-11-01", "--json")
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert [(g["key"], g["jobs"], g["costUSD"]) for g in report["groups"]] == [
        ("2026-12-01", 2, round(2 * 0.016667 + 0.000167, 6)),
        ("2026-11-30", 1, round(10 * 0.016667, 6)),
    ]
    assert report["total"]["jobs"] == 3


def test_cost_by_label_table(cli, api, logged_in):

    api.get(HARDWARE, json=PRICES)
    job = make_job(
        flavor="nope",
        status={"stage": "COMPLETED"},
        durations={"runningSecs": 5},
        labels={"team": "ml"},
    )
    api.get(JOBS, json=[job])
    result = cli("cost", "--namespace", "alice", "--since", "2000-01-01", "--by", "label:team")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[0].split("\t") == ["TEAM", "JOBS", "RUNTIME", "COST"]
    assert "1 job(s) ran on a flavor with no price" in result.stderr


@pytest.mark.parametrize(
    "args,message",
    [(["--by", "week"], "Invalid --by 'week'"), (["--since", "soon"], "Invalid --since 'soon'")],
)
def test_cost_bad_input(cli, api, args, message):
    result = cli("cost", *args)
    assert result.exit_code == 2 and message in result.stderr
