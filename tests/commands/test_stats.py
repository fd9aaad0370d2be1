"""`hfjobs stats` at the HTTP boundary: canned metrics streams, snapshots and -f."""

import json

import pytest
from responses import matchers

from tests.commands.helpers import JOB_ID, JOBS, OTHER_ID
from tests.conftest import auth_header
from tests.payloads import ENDPOINT, make_job, whoami

pytestmark = pytest.mark.usefixtures("no_sleeping")

HEADER = "JOB ID\tCPU %\tNUM CPU\tMEM %\tMEM USAGE\tNET I/O\tGPU UTIL %\tGPU MEM %\tGPU MEM USAGE"

GIB = 1024**3


def metric(cpu=12, gpus=None, **overrides):
    sample = {
        "cpu_usage_pct": cpu,
        "cpu_millicores": 4000,
        "memory_used_bytes": 2 * GIB,
        "memory_total_bytes": 16 * GIB,
        "rx_bps": 1536,
        "tx_bps": 800,
        "gpus": gpus if gpus is not None else {},
        "replica": "x7k2p",
    }
    sample.update(overrides)
    return sample


def metrics_body(*samples, keepalive=True) -> bytes:
    """A `/metrics` body: `event: metric` with snake_case `data:`, as the Hub sends it."""
    out = [": keep-alive\n\n"] if keepalive else []
    out += [f"event: metric\ndata: {json.dumps(s)}\n\n" for s in samples]
    return "".join(out).encode()


def stub_metrics(api, job_id=JOB_ID, *samples, status=200, ns_url=JOBS):
    if status != 200:
        api.get(f"{ns_url}/{job_id}/metrics", status=status, json={"error": "Job is not running"})
        return
    api.get(
        f"{ns_url}/{job_id}/metrics",
        body=metrics_body(*samples),
        content_type="text/event-stream",
        match=[auth_header()],
    )


# -- stats: one snapshot ----------------------------------------------------------------------


def test_stats_snapshot_of_a_cpu_job(cli, api, logged_in):
    stub_metrics(api, JOB_ID, metric())
    result = cli("stats", f"alice/{JOB_ID}")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines() == [
        HEADER,
        f"{JOB_ID}\t12.0%\t4\t12.5%\t2.0GiB / 16.0GiB\t1.5KiB/s / 800B/s\tN/A\tN/A\tN/A",
    ]
    assert f"hfjobs stats -f alice/{JOB_ID}" in result.stderr


def test_stats_snapshot_has_one_row_per_gpu(cli, api, logged_in):
    gpus = {
        "b2": {"utilization": 87, "memory_used_bytes": 8 * GIB, "memory_total_bytes": 24 * GIB},
        "a1": {"utilization": 3, "memory_used_bytes": 0, "memory_total_bytes": 24 * GIB},
    }
    stub_metrics(api, JOB_ID, metric(gpus=gpus))
    result = cli("stats", f"alice/{JOB_ID}")
    rows = [line.split("\t") for line in result.stdout.splitlines()[1:]]
    assert [r[6:] for r in rows] == [
        ["3.0%", "0.0%", "0B / 24.0GiB"],
        ["87.0%", "33.3%", "8.0GiB / 24.0GiB"],
    ]
    # off a terminal every row names its job, and the job's own cells are not repeated
    assert rows[1][:6] == [JOB_ID, "", "", "", "", ""]


def test_stats_json_prints_the_raw_samples_keyed_by_job_id(cli, api, logged_in):
    sample = metric(cpu=55.5, gpus=None)
    sample["gpus"] = None
    stub_metrics(api, JOB_ID, sample, metric(cpu=99))  # only the first event is the snapshot
    result = cli("stats", "--json", f"alice/{JOB_ID}")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == [{"job_id": JOB_ID, **sample}]
    assert result.stderr == ""


def test_a_first_sample_at_zero_cpu_is_replaced_by_the_next_one(cli, api, logged_in):
    """A stream's first sample can read 0 % (nothing to compare with yet): the snapshot
    waits for the second one, which measures."""
    stub_metrics(api, JOB_ID, metric(cpu=0), metric(cpu=37.5), metric(cpu=80))
    result = cli("stats", "--json", f"alice/{JOB_ID}")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)[0]["cpu_usage_pct"] == 37.5
    stub_metrics(api, JOB_ID, metric(cpu=0))  # an idle job: its only sample says 0, and is shown
    table = cli("stats", f"alice/{JOB_ID}")
    assert table.stdout.splitlines()[1].split("\t")[1] == "0.0%"


def test_stats_without_ids_shows_every_running_job(cli, api, logged_in):
    api.get(f"{ENDPOINT}/api/whoami-v2", json=whoami())
    first, second = make_job(id=JOB_ID), make_job(id=OTHER_ID)
    api.get(JOBS, json=[first, second], match=[matchers.query_string_matcher("stage=RUNNING")])
    stub_metrics(api, JOB_ID, metric(cpu=1))
    stub_metrics(api, OTHER_ID, metric(cpu=2))
    result = cli("stats")
    assert result.exit_code == 0, result.stderr
    assert [line.split("\t")[:2] for line in result.stdout.splitlines()[1:]] == [
        [JOB_ID, "1.0%"],
        [OTHER_ID, "2.0%"],
    ]


def test_stats_without_running_jobs_says_so(cli, api, logged_in):
    api.get(JOBS, json=[])
    result = cli("stats", "--namespace", "alice")
    assert result.exit_code == 0
    assert result.stdout == ""
    assert "No running jobs in alice" in result.stderr
    api.get(JOBS, json=[])
    assert cli("stats", "--namespace", "alice", "--json").stdout == "[]\n"


@pytest.mark.parametrize("status", [406, 500])
def test_stats_of_a_finished_job_is_a_clear_message(cli, api, logged_in, status):
    stub_metrics(api, JOB_ID, status=status)
    api.get(f"{JOBS}/{JOB_ID}", json=make_job(id=JOB_ID, stage="COMPLETED"))
    result = cli("stats", f"alice/{JOB_ID}")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == f"Error: Job alice/{JOB_ID} has finished (COMPLETED): no metrics\n"
    assert len(api.calls) == 2  # a 500 here means "not running": it is not retried


def test_stats_reports_the_finished_job_and_shows_the_running_one(cli, api, logged_in):
    stub_metrics(api, JOB_ID, metric())
    stub_metrics(api, OTHER_ID, status=406)
    api.get(f"{JOBS}/{OTHER_ID}", json=make_job(id=OTHER_ID, stage="SCHEDULING"))
    result = cli("stats", f"alice/{JOB_ID}", f"alice/{OTHER_ID}")
    assert result.exit_code == 1
    assert result.stdout.splitlines()[1].startswith(f"{JOB_ID}\t12.0%")
    assert f"Job alice/{OTHER_ID} is still scheduling: no metrics yet" in result.stderr


def test_stats_of_a_silent_stream_is_a_message(cli, api, logged_in):
    api.get(f"{JOBS}/{JOB_ID}/metrics", body=b": keep-alive\n\n", content_type="text/event-stream")
    result = cli("stats", f"alice/{JOB_ID}")
    assert result.exit_code == 1
    assert "sent no metrics within 10s" in result.stderr


def test_stats_of_an_unknown_job_exits_5(cli, api, logged_in):
    api.get(f"{JOBS}/{JOB_ID}/metrics", status=404, json={"error": "Job not found"})
    result = cli("stats", f"alice/{JOB_ID}")
    assert result.exit_code == 5
    assert f"Job alice/{JOB_ID} not found" in result.stderr


def test_stats_follow_with_json_is_a_usage_error(cli, api, logged_in):
    result = cli("stats", "-f", "--json", f"alice/{JOB_ID}")
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: Use either -f/--follow or --json")
    assert len(api.calls) == 0


# -- stats -f ---------------------------------------------------------------------------------


def test_stats_follow_off_a_terminal_prints_rows_until_the_job_ends(cli, api, logged_in):
    stub_metrics(api, JOB_ID, metric(cpu=10))  # the stream ends while the job still runs
    api.get(f"{JOBS}/{JOB_ID}", json=make_job(id=JOB_ID, stage="RUNNING"))
    stub_metrics(api, JOB_ID, metric(cpu=20))  # reconnected
    api.get(
        f"{JOBS}/{JOB_ID}",
        json=make_job(id=JOB_ID, stage="COMPLETED", message="Process exited with code 0"),
    )
    result = cli("stats", "-f", f"alice/{JOB_ID}")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == HEADER
    assert lines[-1].startswith(f"{JOB_ID}\t20.0%\t4\t")
    assert all(line.startswith(JOB_ID) for line in lines[1:])
    assert f"Job alice/{JOB_ID} has finished (COMPLETED: Process exited with code 0)" in (
        result.stderr
    )
    assert [c.request.url.endswith("/metrics") for c in api.calls] == [True, False, True, False]


@pytest.mark.parametrize("status", [408, 429, 503])
def test_stats_follow_rides_out_a_transient_answer(cli, api, logged_in, status):
    """Transient is transient on the metrics stream too (a 500 is not retried there: older
    servers answer it for a job that is not running)."""
    api.get(f"{JOBS}/{JOB_ID}/metrics", status=status, headers={"Retry-After": "1"})
    stub_metrics(api, JOB_ID, metric(cpu=10))
    api.get(f"{JOBS}/{JOB_ID}", json=make_job(id=JOB_ID, stage="COMPLETED"))
    result = cli("stats", "-f", f"alice/{JOB_ID}")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[-1].startswith(f"{JOB_ID}\t10.0%")


def test_stats_follow_of_a_job_already_over_exits_1(cli, api, logged_in):
    stub_metrics(api, JOB_ID, status=406)
    api.get(f"{JOBS}/{JOB_ID}", json=make_job(id=JOB_ID, stage="ERROR"))
    result = cli("stats", "-f", f"alice/{JOB_ID}")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert f"Error: Job alice/{JOB_ID} has finished (ERROR): no metrics" in result.stderr


def test_stats_follow_gives_up_on_a_stream_that_keeps_failing(cli, api, logged_in, no_sleeping):
    api.get(f"{JOBS}/{JOB_ID}/metrics", status=503, body="upstream unavailable")
    result = cli("stats", "-f", f"alice/{JOB_ID}")
    assert result.exit_code == 6
    [error] = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert error == (
        f"Error: 503 upstream unavailable (after 5 attempts) (metrics of job alice/{JOB_ID})"
    )
    # Retried like every transient answer: 5 attempts within the budget, then exit 6.
    assert len([c for c in api.calls if c.request.url.endswith("/metrics")]) == 5
    assert result.stderr.count("HTTP 503; retrying in") == 4


def test_stats_follow_on_a_terminal_draws_trends(cli, api, logged_in, monkeypatch):
    from hfjobs_cli.output import Output

    monkeypatch.setattr(Output, "interactive", property(lambda self: True))
    monkeypatch.setattr(Output, "stdout_is_terminal", property(lambda self: True))
    gpu = {"g0": {"utilization": 50, "memory_used_bytes": GIB, "memory_total_bytes": 4 * GIB}}
    samples = [metric(cpu=c, gpus=gpu) for c in (0, 50, 100)]
    api.get(
        f"{JOBS}/{JOB_ID}/metrics",
        body=metrics_body(*samples),
        content_type="text/event-stream",
    )
    api.get(f"{JOBS}/{JOB_ID}", json=make_job(id=JOB_ID, stage="RUNNING"))
    api.get(f"{JOBS}/{JOB_ID}/metrics", status=406)
    api.get(f"{JOBS}/{JOB_ID}", json=make_job(id=JOB_ID, stage="CANCELED"))
    result = cli("stats", "-f", f"alice/{JOB_ID}")
    assert result.exit_code == 0, result.stderr
    trend = result.stderr.split("CPU % (last 12s)")[1].splitlines()[1].split()
    assert trend == [JOB_ID, "▁▅█", "▂▂▂", "▅▅▅"]  # CPU, memory (2 of 16 GiB), the GPU
    assert f"Job {JOB_ID} has finished (CANCELED)" in result.stderr
