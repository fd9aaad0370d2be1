"""`hfjobs stats`, `wait` and `ssh` at the HTTP boundary: canned metrics streams, polled stages,
and the ssh hand-over replaced by a recorder."""

import json
import subprocess

import pytest
from responses import matchers

from tests.conftest import auth_header
from tests.payloads import ENDPOINT, make_job, whoami

JOBS = f"{ENDPOINT}/api/jobs/alice"
JOB_ID = "6650a1b2c3d4e5f60718293a"
JOB_ID2 = "7750a1b2c3d4e5f60718293b"
OTHER_ID = "6650a1b2c3d4e5f60718293b"
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


@pytest.fixture(autouse=True)
def no_sleeping(monkeypatch):
    """The commands' own waits (polls, redraws, reconnects) run instantly, and are recorded."""
    slept = []
    for target in (
        "hfjobs_cli.commands.wait._sleep",
        "hfjobs_cli.commands.stats._sleep",
        "hfjobs_cli.commands.ssh._sleep",
        "hfjobs_cli.api.metrics._sleep",
    ):
        monkeypatch.setattr(target, slept.append)
    return slept


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


# -- wait -------------------------------------------------------------------------------------


def stub_job(api, job_id=JOB_ID, stage="RUNNING", message=None, **kw):
    api.get(
        f"{JOBS}/{job_id}",
        json=make_job(id=job_id, stage=stage, message=message, **kw),
        match=[auth_header()],
    )


def test_wait_for_a_completed_job_exits_0(cli, api, logged_in):
    stub_job(api, stage="COMPLETED")
    result = cli("wait", f"alice/{JOB_ID}")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == f"ID\tSTAGE\tMESSAGE\n{JOB_ID}\tCOMPLETED\t\n"
    assert result.stderr == f"Job {JOB_ID} completed\n"


def test_wait_polls_until_the_job_fails_and_exits_1(cli, api, logged_in, no_sleeping):
    stub_job(api, stage="SCHEDULING")
    stub_job(api, stage="RUNNING")
    stub_job(api, stage="ERROR", message="Process exited with code 2")
    result = cli("wait", f"alice/{JOB_ID}")
    assert result.exit_code == 1
    assert result.stdout.splitlines()[1] == f"{JOB_ID}\tERROR\tProcess exited with code 2"
    assert (
        f"1 of 1 jobs did not complete: {JOB_ID} (ERROR: Process exited with code 2)"
        in result.stderr
    )
    assert no_sleeping == [2.0, 2.0]  # the default interval, between the three reads


@pytest.mark.parametrize(
    "stages,code",
    [
        (("COMPLETED", "COMPLETED"), 0),
        (("CANCELED", "COMPLETED"), 3),
        (("DELETED", "COMPLETED"), 3),
        (("CANCELED", "ERROR"), 1),
    ],
)
def test_wait_exit_code_is_the_worst_outcome(cli, api, logged_in, stages, code):
    stub_job(api, JOB_ID, stages[0])
    stub_job(api, OTHER_ID, stages[1])
    result = cli("wait", f"alice/{JOB_ID}", f"alice/{OTHER_ID}")
    assert result.exit_code == code
    assert [line.split("\t")[1] for line in result.stdout.splitlines()[1:]] == list(stages)


def test_wait_prints_each_job_as_it_finishes(cli, api, logged_in):
    stub_job(api, JOB_ID, "RUNNING")
    stub_job(api, OTHER_ID, "CANCELED")
    stub_job(api, JOB_ID, "COMPLETED")
    result = cli("wait", "--interval", "1", f"alice/{JOB_ID}", f"alice/{OTHER_ID}")
    assert result.exit_code == 3
    assert [line.split("\t")[:2] for line in result.stdout.splitlines()] == [
        ["ID", "STAGE"],
        [OTHER_ID, "CANCELED"],
        [JOB_ID, "COMPLETED"],
    ]


def test_wait_timeout_exits_124_and_names_the_running_jobs(cli, api, logged_in, monkeypatch):
    now = [100.0]
    monkeypatch.setattr("hfjobs_cli.commands.wait._clock", lambda: now[0])
    slept = []

    def sleep(seconds):
        slept.append(seconds)
        now[0] += seconds

    monkeypatch.setattr("hfjobs_cli.commands.wait._sleep", sleep)
    api.get(f"{JOBS}/{JOB_ID}", json=make_job(id=JOB_ID, stage="RUNNING"))
    stub_job(api, OTHER_ID, "COMPLETED")
    result = cli("wait", "--timeout", "5", f"alice/{JOB_ID}", f"alice/{OTHER_ID}")
    assert result.exit_code == 124
    assert slept == [2.0, 2.0, 1.0]  # the last pause ends at the deadline, then one more look
    assert len([c for c in api.calls if JOB_ID in c.request.url]) == 4
    assert result.stdout.splitlines()[1:] == [f"{OTHER_ID}\tCOMPLETED\t"]
    assert f"Timed out after 5s: 1 of 2 jobs still running: {JOB_ID} (RUNNING)" in result.stderr


def test_wait_json_after_a_timeout_prints_every_job_as_it_is(cli, api, logged_in, monkeypatch):
    now = [0.0]
    monkeypatch.setattr("hfjobs_cli.commands.wait._clock", lambda: now[0])
    monkeypatch.setattr("hfjobs_cli.commands.wait._sleep", lambda s: now.__setitem__(0, now[0] + s))
    api.get(f"{JOBS}/{JOB_ID}", json=make_job(id=JOB_ID, stage="SCHEDULING"))
    result = cli("wait", "--json", "--timeout", "1m", "--interval", "30", f"alice/{JOB_ID}")
    assert result.exit_code == 124
    assert [j["status"]["stage"] for j in json.loads(result.stdout)] == ["SCHEDULING"]
    assert "Timed out after 1m" in result.stderr
    assert len(api.calls) == 3


def test_wait_json_prints_the_final_objects(cli, api, logged_in):
    stub_job(api, JOB_ID, "RUNNING")
    stub_job(api, JOB_ID, "COMPLETED", labels={"team": "ml"})
    result = cli("wait", "--json", f"alice/{JOB_ID}")
    assert result.exit_code == 0
    jobs = json.loads(result.stdout)
    assert [j["status"]["stage"] for j in jobs] == ["COMPLETED"]
    assert jobs[0]["labels"] == {"team": "ml"}


def test_wait_quiet_prints_nothing(cli, api, logged_in):
    stub_job(api, JOB_ID, "ERROR", message="boom")
    result = cli("wait", "-q", f"alice/{JOB_ID}")
    assert (result.exit_code, result.stdout, result.stderr) == (1, "", "")


def test_wait_by_label_counts_every_matching_job_ended_ones_included(cli, api, logged_in):
    """A sweep whose jobs already failed does not exit 0: every matching job counts with its
    outcome, running or ended."""
    api.get(
        JOBS,
        json=[
            make_job(id=JOB_ID, stage="RUNNING", labels={"sweep": "lr"}),
            make_job(id=JOB_ID2, stage="ERROR", labels={"sweep": "lr"}),
            make_job(id="f" * 24, stage="COMPLETED", labels={"sweep": "other"}),
        ],
        match=[matchers.query_string_matcher("label=sweep%3Dlr")],
    )
    stub_job(api, JOB_ID, "COMPLETED")
    result = cli("wait", "-l", "sweep=lr", "--namespace", "alice")
    assert result.exit_code == 1, result.stderr
    rows = sorted(result.stdout.splitlines()[1:])
    assert [r.split("\t")[:2] for r in rows] == sorted([[JOB_ID, "COMPLETED"], [JOB_ID2, "ERROR"]])
    assert "1 of 2 jobs did not complete" in result.stderr


def test_wait_by_label_with_only_ended_jobs_exits_with_their_outcome(cli, api, logged_in):
    api.get(JOBS, json=[make_job(id=JOB_ID, stage="CANCELED", labels={"sweep": "lr"})])
    result = cli("wait", "-q", "-l", "sweep=lr", "--namespace", "alice")
    assert (result.exit_code, result.stdout, result.stderr) == (3, "", "")


def test_wait_by_name_with_no_matching_job_exits_5(cli, api, logged_in):
    api.get(f"{ENDPOINT}/api/whoami-v2", json=whoami())
    api.get(JOBS, json=[], match=[matchers.query_string_matcher("label=name%3Dnightly")])
    result = cli("wait", "--name", "nightly")
    assert result.exit_code == 5
    assert result.stdout == ""
    assert "Error: No job in alice matches name=nightly: nothing to wait for" in result.stderr
    assert "Hint: Check the label and the namespace: hfjobs ps -a -l name=nightly" in result.stderr


def test_wait_survives_a_flaky_network(cli, api, logged_in):
    stub_job(api, JOB_ID, "RUNNING")
    api.get(f"{JOBS}/{JOB_ID}", status=503, body="upstream unavailable")
    stub_job(api, JOB_ID, "COMPLETED")
    result = cli("wait", f"alice/{JOB_ID}")
    assert result.exit_code == 0, result.stderr
    assert "HTTP 503; retrying" in result.stderr


def test_wait_for_a_job_that_cannot_be_read_exits_6(cli, api, logged_in, monkeypatch):
    monkeypatch.setenv("HFJOBS_RETRIES", "2")
    stub_job(api, JOB_ID, "RUNNING")
    api.get(f"{JOBS}/{JOB_ID}", status=503, body="upstream unavailable")
    result = cli("wait", f"alice/{JOB_ID}")
    assert result.exit_code == 6
    assert "Traceback" not in result.stderr


def test_wait_for_a_job_that_vanishes_counts_it_deleted(cli, api, logged_in):
    stub_job(api, JOB_ID, "RUNNING")
    api.get(f"{JOBS}/{JOB_ID}", status=404, json={"error": "Job not found"})
    result = cli("wait", f"alice/{JOB_ID}")
    assert result.exit_code == 3
    assert result.stdout.splitlines()[1] == f"{JOB_ID}\tDELETED\tthe job no longer exists"


def test_wait_for_an_unknown_job_exits_5_before_waiting(cli, api, logged_in, no_sleeping):
    stub_job(api, JOB_ID, "RUNNING")
    api.get(f"{JOBS}/{OTHER_ID}", status=404, json={"error": "Job not found"})
    result = cli("wait", f"alice/{JOB_ID}", f"alice/{OTHER_ID}")
    assert result.exit_code == 5
    assert f"Job alice/{OTHER_ID} not found" in result.stderr
    assert no_sleeping == []


def test_wait_ctrl_c_exits_130_and_leaves_the_jobs(cli, api, logged_in, monkeypatch):
    def interrupt(seconds):
        raise KeyboardInterrupt

    monkeypatch.setattr("hfjobs_cli.commands.wait._sleep", interrupt)
    stub_job(api, JOB_ID, "RUNNING")
    result = cli("wait", f"alice/{JOB_ID}")
    assert result.exit_code == 130
    assert "the jobs keep running" in result.stderr
    assert "Traceback" not in result.stderr
    assert all(c.request.method == "GET" for c in api.calls)  # nothing cancelled


@pytest.mark.parametrize(
    "args,message",
    [
        ((), "Give the jobs to wait for"),
        ((JOB_ID, "-l", "a=b"), "Use either job ids or -l/--label/--name, not both"),
        ((JOB_ID, "--name", "x"), "Use either job ids or -l/--label/--name, not both"),
        (("--timeout", "soon", JOB_ID), "Invalid --timeout 'soon'"),
        (("--interval", "0.1", JOB_ID), "Invalid --interval '0.1': it must be at least 0.5s"),
        (("-l", "novalue"), "Invalid --label 'novalue': expected KEY=VALUE"),
        (("--json", "-q", JOB_ID), "Use either --json or -q/--quiet"),
    ],
)
def test_wait_bad_input_exits_2_and_sends_nothing(cli, api, logged_in, args, message):
    result = cli("wait", *args)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Error: {message}")
    assert len(result.stderr.splitlines()) == 1
    assert len(api.calls) == 0


# -- ssh --------------------------------------------------------------------------------------

SSH_URL = f"ssh://{JOB_ID}@ssh.hf.jobs"


def ssh_job(stage="RUNNING", ssh_url=SSH_URL, **kw):
    status = {"stage": stage, "message": None}
    if ssh_url:
        status["sshUrl"] = ssh_url
    return make_job(id=JOB_ID, status=status, ssh={"enabled": bool(ssh_url)}, **kw)


@pytest.fixture
def fake_ssh(monkeypatch):
    """`ssh` on PATH, and exec recorded instead of replacing the test process."""
    calls = []
    monkeypatch.setattr("shutil.which", lambda name: "/usr/bin/ssh" if name == "ssh" else None)

    def execvp(program, argv):
        calls.append((program, argv))
        raise SystemExit(0)

    monkeypatch.setattr("os.execvp", execvp)
    return calls


def test_ssh_waits_for_the_job_to_run_then_hands_over(cli, api, logged_in, fake_ssh, no_sleeping):
    api.get(f"{JOBS}/{JOB_ID}", json=ssh_job("SCHEDULING"))
    api.get(f"{JOBS}/{JOB_ID}", json=ssh_job("RUNNING"))
    result = cli("ssh", f"alice/{JOB_ID}")
    assert result.exit_code == 0, result.stderr
    assert fake_ssh == [("/usr/bin/ssh", ["ssh", f"{JOB_ID}@ssh.hf.jobs"])]
    assert no_sleeping == [2.0]
    assert f"Running: ssh {JOB_ID}@ssh.hf.jobs" in result.stderr


def test_ssh_dry_run_prints_the_command_with_port_and_key(
    cli, api, logged_in, tmp_path, monkeypatch
):
    monkeypatch.setattr("shutil.which", lambda name: None)  # not needed for a dry run
    key = tmp_path / "id_ed25519"
    key.write_text("key")
    api.get(f"{JOBS}/{JOB_ID}", json=ssh_job(ssh_url="ssh://user1@jobs.example:2222"))
    result = cli("ssh", "--dry-run", "-i", str(key), f"alice/{JOB_ID}")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == f"ssh -i {key} -p 2222 user1@jobs.example\n"


def test_ssh_returns_the_exit_code_of_ssh_when_exec_is_not_possible(
    cli, api, logged_in, monkeypatch
):
    monkeypatch.setattr("shutil.which", lambda name: "/usr/bin/ssh")

    def execvp(program, argv):
        raise OSError(8, "Exec format error")

    monkeypatch.setattr("os.execvp", execvp)
    ran = []
    monkeypatch.setattr(
        "subprocess.run", lambda argv: ran.append(argv) or subprocess.CompletedProcess(argv, 255)
    )
    api.get(f"{JOBS}/{JOB_ID}", json=ssh_job())
    result = cli("ssh", f"alice/{JOB_ID}")
    assert result.exit_code == 255
    assert ran == [["/usr/bin/ssh", f"{JOB_ID}@ssh.hf.jobs"]]


def test_ssh_to_a_job_without_ssh_is_a_one_line_error(cli, api, logged_in, fake_ssh):
    api.get(f"{JOBS}/{JOB_ID}", json=ssh_job(ssh_url=None))
    result = cli("ssh", f"alice/{JOB_ID}")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == f"Error: SSH is not enabled for job alice/{JOB_ID}"
    assert "hfjobs run --ssh" in result.stderr
    assert fake_ssh == []


def test_ssh_to_an_emulator_job_started_with_ssh_says_the_emulator_has_no_ssh_server(
    cli, api, logged_in, fake_ssh
):
    job = make_job(id=JOB_ID, status={"stage": "RUNNING", "message": None}, ssh={"enabled": True})
    for args in ([], ["--dry-run"]):
        api.get(f"{JOBS}/{JOB_ID}", json=job)
        api.get(f"{ENDPOINT}/api/emulator/health", json={"status": "ok", "runtime": "process"})
        result = cli("ssh", *args, f"alice/{JOB_ID}")
        assert result.exit_code == 1 and result.stdout == ""
        assert result.stderr.splitlines() == [
            f"Error: Job alice/{JOB_ID} was started with --ssh, but the local emulator has no SSH "
            "server: there is nothing to connect to",
            f"Hint: Follow its log with hfjobs logs -f alice/{JOB_ID}; run the job on Hugging "
            "Face to use SSH",
        ]
    assert fake_ssh == []


def test_ssh_dry_run_of_a_job_still_starting_says_it_has_no_address_yet(cli, api, logged_in):
    job = make_job(
        id=JOB_ID, status={"stage": "SCHEDULING", "message": None}, ssh={"enabled": True}
    )
    api.get(f"{JOBS}/{JOB_ID}", json=job)
    api.get(f"{ENDPOINT}/api/emulator/health", status=404, json={"error": "Not found"})
    result = cli("ssh", "--dry-run", f"alice/{JOB_ID}")
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr.splitlines()[0] == (
        f"Error: Job alice/{JOB_ID} has no SSH address yet (SCHEDULING): the server gives it "
        "once the job runs"
    )
    assert f"hfjobs ssh alice/{JOB_ID}" in result.stderr


def test_ssh_to_a_finished_job_is_an_error(cli, api, logged_in, fake_ssh):
    api.get(f"{JOBS}/{JOB_ID}", json=ssh_job("COMPLETED"))
    result = cli("ssh", f"alice/{JOB_ID}")
    assert result.exit_code == 1
    assert f"Error: Job alice/{JOB_ID} has finished (COMPLETED)" in result.stderr
    assert fake_ssh == []


def test_ssh_to_a_job_that_fails_while_starting(cli, api, logged_in, fake_ssh):
    api.get(f"{JOBS}/{JOB_ID}", json=ssh_job("SCHEDULING"))
    api.get(f"{JOBS}/{JOB_ID}", json=ssh_job("ERROR"))
    result = cli("ssh", f"alice/{JOB_ID}")
    assert result.exit_code == 1
    assert "ended before it ran (ERROR)" in result.stderr
    assert fake_ssh == []


def test_ssh_without_an_ssh_client_says_so_and_sends_nothing(cli, api, logged_in, monkeypatch):
    monkeypatch.setattr("shutil.which", lambda name: None)
    result = cli("ssh", f"alice/{JOB_ID}")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: ssh is not installed")
    assert len(api.calls) == 0


def test_ssh_with_a_missing_key_file_is_a_usage_error(cli, api, logged_in, fake_ssh, tmp_path):
    result = cli("ssh", "-i", str(tmp_path / "nope"), f"alice/{JOB_ID}")
    assert result.exit_code == 2
    assert "no such file" in result.stderr
    assert len(api.calls) == 0
