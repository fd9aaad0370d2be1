"""Terminal tables that fit: each table rendered at 60, 80 and 120 columns.

The id is never cut, the stage always shows, what identifies a row stays readable, and the
least important columns go first. Rendered as a terminal would get them, and as a pipe gets
them with FORCE_COLOR=1 (rich then draws for a terminal of COLUMNS width) and TERM=dumb.
"""

from __future__ import annotations

import pytest

from tests.commands.helpers import HARDWARE
from tests.commands.schedule.helpers import make_scheduled_job
from tests.commands.webhook.helpers import make_webhook
from tests.conftest import strip_ansi
from tests.payloads import ENDPOINT, make_job

WIDTHS = [60, 80, 120]
LONG = ["python", "-c", "import time; [print(i) for i in range(100)]; time.sleep(1)"]


def as_terminal(width: int) -> dict[str, str]:
    return {"FORCE_COLOR": "1", "COLUMNS": str(width), "TERM": "dumb"}


def lines_of(result, width: int) -> list[str]:
    assert result.exit_code == 0, result.stderr
    lines = strip_ansi(result.stdout).splitlines()
    assert lines and "\t" not in result.stdout  # a drawn table, not the piped form
    for line in lines:
        assert len(line) <= width, f"{len(line)} > {width}: {line!r}"
    return lines


def jobs():
    return [
        make_job(stage="RUNNING", command=LONG, labels={"name": "nightly-eval"}),
        make_job(stage="SCHEDULING", dockerImage="pytorch/pytorch:2.4.0-cuda12.1", command=LONG),
        make_job(stage="ERROR", dockerImage=None, spaceId="lhoestq/duckdb", command=["ls"]),
    ]


@pytest.mark.parametrize("width", WIDTHS)
def test_ps(cli, api, logged_in, width):
    listed = jobs()
    api.get(f"{ENDPOINT}/api/jobs/alice", json=listed)
    result = cli("ps", "-a", "--namespace", "alice", env=as_terminal(width))
    lines = lines_of(result, width)
    header = lines[0].split()
    assert header[0] == "ID" and "STATUS" in header and "NAME" in header
    for job, line in zip(listed, lines[1:], strict=True):
        assert line.startswith(job["id"] + " ")  # whole, first
        assert job["status"]["stage"] in line
    if width >= 80:  # what identifies the job stays readable
        assert "IMAGE/SPACE" in header and "COMMAND" in header
        assert "python:3.12 " in lines[1] and "pytorch/pytorch" in lines[2]
        assert "hf.co/spaces/" in lines[3]
    if width >= 120:
        assert "hf.co/spaces/lhoestq/duckdb " in lines[3]
        assert {"CREATED", "DURATION", "COMMAND"} <= set(header)
        assert "pytorch/pytorch:2.4.0-cuda12.1 " in lines[2]
    if width < 120:
        assert "Hidden at this width:" in result.stderr and "--no-trunc" in result.stderr


@pytest.mark.parametrize("width", WIDTHS)
def test_ps_no_trunc_shows_everything(cli, api, logged_in, width):
    listed = jobs()
    api.get(f"{ENDPOINT}/api/jobs/alice", json=listed)
    result = cli("ps", "-a", "--no-trunc", "--namespace", "alice", env=as_terminal(width))
    assert result.exit_code == 0
    out = strip_ansi(result.stdout)
    assert "time.sleep(1)" in out and "DURATION" in out and "…" not in out
    assert "Hidden" not in result.stderr


@pytest.mark.parametrize("width", WIDTHS)
def test_ps_wide_shows_every_column_whole(cli, api, logged_in, width):
    api.get(f"{ENDPOINT}/api/jobs/alice", json=jobs())
    api.get(f"{ENDPOINT}/api/jobs/hardware", json=HARDWARE)
    result = cli("ps", "-a", "--wide", "--namespace", "alice", env=as_terminal(width))
    assert result.exit_code == 0
    header = strip_ansi(result.stdout).splitlines()[0].split()
    assert header[0] == "ID" and {"STATUS", "FLAVOR", "COST", "DURATION"} <= set(header)


@pytest.mark.parametrize("width", WIDTHS)
def test_hardware(cli, api, width):
    api.get(f"{ENDPOINT}/api/jobs/hardware", json=HARDWARE)
    lines = lines_of(cli("hardware", env=as_terminal(width)), width)
    assert lines[0].split()[0] == "NAME"
    for item, line in zip(HARDWARE, lines[1:], strict=True):
        assert line.startswith(item["name"] + " ")  # the flavor name is the id: whole
    if width >= 80:
        assert "$/HOUR" in lines[0]


@pytest.mark.parametrize("width", WIDTHS)
def test_schedule_ls(cli, api, logged_in, width):
    scheduled = [
        make_scheduled_job(jobSpec={"command": LONG}),
        make_scheduled_job(schedule="0 9 * * 1-5", jobSpec={"labels": {"name": "weekday-run"}}),
    ]
    api.get(f"{ENDPOINT}/api/scheduled-jobs/alice", json=scheduled)
    result = cli("schedule", "ls", "--namespace", "alice", env=as_terminal(width))
    lines = lines_of(result, width)
    assert lines[0].split()[0] == "ID"
    for sj, line in zip(scheduled, lines[1:], strict=True):
        assert line.startswith(sj["id"] + " ")
    assert "LAST RUN" in lines[0] and "SCHEDULE" in lines[0]
    assert "0 9 * * 1-5" in lines[2] and "@hourly" in lines[1]


@pytest.mark.parametrize("width", WIDTHS)
def test_webhook_ls(cli, api, logged_in, width):
    hooks = [
        make_webhook(),
        make_webhook(id="6650c2d3e4f5a6b7c8d9e0f2", watched=[{"type": "org", "name": "acme"}]),
    ]
    api.get(f"{ENDPOINT}/api/settings/webhooks", json=hooks)
    lines = lines_of(cli("webhook", "ls", env=as_terminal(width)), width)
    assert lines[0].split()[0] == "ID" and "ENABLED" in lines[0]
    for hook, line in zip(hooks, lines[1:], strict=True):
        assert line.startswith(hook["id"] + " ")


@pytest.mark.parametrize("width", WIDTHS)
def test_config_list(cli, width):
    lines = lines_of(cli("config", "list", env=as_terminal(width)), width)
    assert lines[0].split()[:2] == ["KEY", "VALUE"]
    assert any(line.startswith("endpoint ") and ENDPOINT in line for line in lines)


def test_piped_tables_stay_whole_and_tab_separated(cli, api, logged_in):
    """Without FORCE_COLOR a pipe gets every column, untruncated, whatever the width."""
    listed = jobs()
    api.get(f"{ENDPOINT}/api/jobs/alice", json=listed)
    result = cli("ps", "-a", "--namespace", "alice", env={"COLUMNS": "60"})
    rows = [line.split("\t") for line in result.stdout.splitlines()]
    assert rows[0][0] == "ID" and len({len(r) for r in rows}) == 1
    assert "time.sleep(1)" in result.stdout


def _stats_rows():
    from hfjobs_cli.api.models import MetricSample
    from hfjobs_cli.views.stats import metrics_rows

    sample = {"cpu_usage_pct": 12.5, "cpu_millicores": 2000, "memory_used_bytes": 2 << 30,
              "memory_total_bytes": 16 << 30, "rx_bps": 1200, "tx_bps": 800,
              "gpus": {"0": {"utilization": 87, "memory_used_bytes": 9 << 30,
                             "memory_total_bytes": 24 << 30}}}  # fmt: skip
    return metrics_rows("6650a1b2c3d4e5f60718293a", MetricSample.from_api(sample))


def _wait_rows():
    from hfjobs_cli.api.models import Job
    from hfjobs_cli.views.jobs import wait_row

    job = make_job(stage="ERROR", message="Job failed with exit code: 1. " * 4)
    return [wait_row(Job.from_api(job))]


def _history_rows():
    from hfjobs_cli.api.models import Job
    from hfjobs_cli.views.scheduled import history_row

    return [history_row(Job.from_api(make_job(stage="COMPLETED")), human=True)]


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize(
    "table", ["stats", "wait", "history"], ids=["stats", "wait", "schedule history"]
)
def test_other_tables(monkeypatch, width, table):
    """Every other table (stats, wait, schedule history): the id whole, lines within width."""
    from hfjobs_cli.output import Output
    from hfjobs_cli.views.jobs import WAIT_COLUMNS
    from hfjobs_cli.views.scheduled import HISTORY_COLUMNS
    from hfjobs_cli.views.stats import STATS_COLUMNS

    columns, rows = {
        "stats": (STATS_COLUMNS, _stats_rows()),
        "wait": (WAIT_COLUMNS, _wait_rows()),
        "history": (HISTORY_COLUMNS, _history_rows()),
    }[table]
    monkeypatch.setenv("COLUMNS", str(width))
    text = Output().render_table(columns, rows).plain
    lines = text.splitlines()
    assert lines[0].startswith(columns[0])
    for row, line in zip(rows, lines[1:], strict=True):
        assert line.startswith(row[0] + " ") or line == row[0]
        assert len(line) <= width, line
    if table != "stats" or width >= 80:
        assert columns[1] in lines[0]  # the stage / CPU stays
