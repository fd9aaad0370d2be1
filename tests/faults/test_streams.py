"""Log streams over real sockets: cuts, resets, silences, keep-alives, and stages that cannot
be read. Every line is printed exactly once, in order; the exit code is the final stage's;
nothing waits forever."""

from __future__ import annotations

import functools

import pytest

from tests.faults.server import (
    Delay,
    FaultServer,
    Hangup,
    Reset,
    Respond,
    Stream,
    child_env,
    finish,
    log_lines,
    spawn,
)

FINAL = [("COMPLETED", 0), ("ERROR", 1), ("CANCELED", 3)]
BIG = 100_000
THREE_CUTS = [  # each connection replays from the start; the 4th one reaches the end
    Stream(upto=25_000, end="cut", partial=True),  # half an event, then FIN mid-body
    Stream(upto=50_000, end="reset"),  # TCP RST
    Stream(upto=75_000, end="cut"),  # FIN on an event boundary (the job is over by then)
]


def printed(lines: list[str]) -> str:
    return "".join(f"{line}\n" for line in lines)


@pytest.mark.parametrize("stage,code", FINAL)
def test_logs_follow_survives_three_cuts_of_a_100k_line_log(cli, hub: FaultServer, stage, code):
    lines = log_lines(BIG)
    # RUNNING until the third connection: the last cut happens after the job has ended, so
    # the client must drain the rest instead of trusting the stage.
    job = hub.add_job(lines=lines, stages=[stage], final_after_logs=3)
    hub.script("logs", *THREE_CUTS)
    result = cli("logs", "-f", f"alice/{job.id}")
    assert result.exit_code == code, result.stderr
    assert result.stdout == printed(lines)  # every line once, in order, none partial
    assert job.log_connections == 4
    assert "Traceback" not in result.stderr


def test_attached_run_survives_three_cuts_and_exits_with_the_final_stage(cli, hub: FaultServer):
    """The lie the issue warns of: a failed job must not exit 0 because the stream was cut."""
    lines = log_lines(BIG)
    hub.create_lines, hub.create_stages, hub.create_final_after_logs = lines, ["ERROR"], 3
    hub.script("logs", *THREE_CUTS)
    result = cli("run", "--namespace", "alice", "python:3.12", "python", "train.py")
    assert result.exit_code == 1, result.stderr
    assert result.stdout == printed(lines)
    [job] = hub.jobs.values()
    assert job.log_connections == 4
    assert "ended with stage ERROR" in result.stderr


def test_tail_then_a_cut_resumes_after_the_last_line_shown(cli, hub: FaultServer):
    lines = log_lines(50)
    job = hub.add_job(lines=lines, stages=["COMPLETED"], final_after_logs=2)
    hub.script("logs", Stream(upto=4, end="cut", partial=True))  # 4 of the last 10
    result = cli("logs", "-f", "-n", "10", f"alice/{job.id}")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == printed(lines[-10:])
    tails = [r.query.get("tail") for r in hub.seen("logs")]
    assert tails == [["10"], None]  # only the first connection asks for the tail


def test_a_silent_stream_is_treated_as_dropped(cli, hub: FaultServer, monkeypatch):
    """No byte, not even a keep-alive, for longer than the stream timeout: reconnect.

    The server then ends that stream cleanly as if the log were complete, so a client that
    waited instead would print 5 lines and stop."""
    monkeypatch.setenv("HFJOBS_STREAM_TIMEOUT", "0.5")
    lines = log_lines(20)
    job = hub.add_job(lines=lines, stages=["COMPLETED"])
    hub.script("logs", Stream(upto=6, end="silent", hold=10, then="close"))
    result = cli("logs", "-f", f"alice/{job.id}")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == printed(lines)
    assert job.log_connections == 2


def test_keep_alives_keep_a_quiet_stream_alive(cli, hub: FaultServer, monkeypatch):
    """Keep-alives more often than the stream timeout: one connection, no reconnect."""
    monkeypatch.setenv("HFJOBS_STREAM_TIMEOUT", "0.6")
    lines = log_lines(20)
    job = hub.add_job(lines=lines, stages=["COMPLETED"], live=True)
    hub.script("logs", Stream(upto=6, end="keepalive", hold=1.5, every=0.1))
    result = cli("logs", "-f", f"alice/{job.id}")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == printed(lines)
    assert job.log_connections == 1


def test_a_stream_of_keep_alives_after_the_job_ended_does_not_hang(fault_server: FaultServer):
    """After a failed image pull the Hub can keep a stream open forever with nothing but
    keep-alives. The client checks the stage once the stream has been quiet for the stream
    timeout, and ends with the job's exit code instead of waiting."""
    lines = log_lines(5)
    job = fault_server.add_job(lines=lines, stages=["ERROR"])
    fault_server.script("logs", Stream(end="keepalive", hold=120, every=0.1), forever=True)
    env = child_env(fault_server, HFJOBS_STREAM_TIMEOUT="1")
    code, out, err = finish(spawn(["logs", "-f", f"alice/{job.id}"], env), timeout=30)
    assert code == 1, err
    assert out == printed(lines)
    assert "Traceback" not in err


def test_a_stream_that_keeps_breaking_after_the_job_ended_gives_up_with_exit_6(
    cli, hub: FaultServer
):
    lines = log_lines(10)
    job = hub.add_job(lines=lines, stages=["COMPLETED"])
    hub.script("logs", Stream(upto=4, end="cut"), forever=True)
    result = cli("logs", "-f", f"alice/{job.id}")
    assert result.exit_code == 6, result.stderr
    assert result.stdout == printed(lines[:3])  # what came through, once
    assert "could not be read to its end" in result.stderr
    assert "stage COMPLETED" in result.stderr
    assert 2 <= job.log_connections <= 10


def test_a_stage_that_cannot_be_read_ends_with_exit_6(cli, hub: FaultServer):
    job = hub.add_job(lines=log_lines(10), stages=["RUNNING"])
    hub.script("logs", Stream(upto=4, end="cut"))
    hub.script("get", Respond(503, {"error": "upstream unavailable"}), forever=True)
    result = cli("logs", "-f", f"alice/{job.id}")
    assert result.exit_code == 6, result.stderr
    assert "upstream unavailable (after 5 attempts)" in result.stderr
    assert len(hub.seen("get")) == 5


def test_a_stage_that_never_answers_ends_with_exit_6_in_bounded_time(fault_server: FaultServer):
    """`run` attached, the job's GET hangs: read timeouts, retries inside the budget, exit 6.

    The budget is wall time: 1.2 s per timed-out attempt plus a 0.25-0.5 s backoff leaves
    room for a second attempt in 2 s, not a third (counting only the waits would allow 3-4)."""
    fault_server.script("get", Delay(60, then=Hangup()), forever=True)
    env = child_env(
        fault_server,
        HFJOBS_READ_TIMEOUT="1.2",
        HFJOBS_RETRY_BUDGET="2",
        HFJOBS_RETRIES="20",
    )
    proc = spawn(["run", "--namespace", "alice", "python:3.12", "true"], env)
    code, _out, err = finish(proc, timeout=40)
    assert code == 6, err
    assert "no answer within the read timeout" in err
    assert 1 <= len(fault_server.seen("get")) <= 2  # the budget, not the 20 attempts, decided
    assert "Traceback" not in err


def test_a_log_endpoint_that_keeps_resetting_ends_with_exit_6(cli, hub: FaultServer):
    job = hub.add_job(lines=log_lines(3), stages=["RUNNING"])
    hub.script("logs", Reset(), forever=True)
    result = cli("logs", "-f", f"alice/{job.id}")
    assert result.exit_code == 6, result.stderr
    assert "the connection was reset" in result.stderr
    assert "failed after it was sent" not in result.stderr  # a GET is not an ambiguous send
    assert "may have reached the server" not in result.stderr


def test_a_cut_snapshot_says_the_log_is_incomplete(cli, hub: FaultServer):
    lines = log_lines(30)
    job = hub.add_job(lines=lines, stages=["COMPLETED"])
    hub.script("logs", Stream(upto=11, end="cut", partial=True))
    result = cli("logs", f"alice/{job.id}")
    assert result.exit_code == 6, result.stderr
    assert result.stdout == printed(lines[:10])
    assert "broke off after 10 lines" in result.stderr


def test_a_snapshot_of_a_running_job_ends_when_the_stream_goes_quiet(
    cli, hub: FaultServer, monkeypatch
):
    """Snapshot mode: a read timeout means the history is drained, not a failure."""
    from hfjobs_cli.api import logs

    monkeypatch.setattr(logs, "snapshot", functools.partial(logs.snapshot, read_timeout=0.5))
    lines = log_lines(30)
    job = hub.add_job(lines=lines, stages=["RUNNING"])
    hub.script("logs", Stream(end="silent", hold=10))
    result = cli("logs", f"alice/{job.id}")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == printed(lines)
    assert job.log_connections == 1
