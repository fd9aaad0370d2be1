"""Transient is transient everywhere (issue 12): one 408, 425, 429 or 5xx on the log stream of
`logs -f`, an attached `run`, `wait`, `stats -f` or a snapshot is retried within the budget,
honouring `Retry-After`; past the budget the command exits 6 saying what was tried, and a
follower says the job was not touched. Answers that trickle in and page chains that never end
are bounded too."""

from __future__ import annotations

import pytest

from tests.faults.server import (
    FaultServer,
    Respond,
    Stream,
    Trickle,
    child_env,
    finish,
    log_lines,
    spawn,
)


def printed(lines: list[str]) -> str:
    return "".join(f"{line}\n" for line in lines)


TRANSIENT = [
    Respond(408, {"error": "request timeout"}),
    Respond(425, {"error": "too early"}),
    Respond(429, {"error": "slow down"}, headers={"Retry-After": "3"}),
    Respond(500, {"error": "oops"}),
    Respond(502, "<html>Bad Gateway</html>", content_type="text/html"),
    Respond(503, {"error": "overloaded"}),
    Respond(504, {"error": "gateway timeout"}),
]
IDS = ["408", "425", "429", "500", "502", "503", "504"]


@pytest.mark.parametrize("answer", TRANSIENT, ids=IDS)
def test_logs_follow_rides_out_a_transient_answer(cli, hub: FaultServer, waits, answer):
    lines = log_lines(20)
    job = hub.add_job(lines=lines, stages=["RUNNING", "ERROR"], final_after_logs=2)
    hub.script("logs", Stream(upto=8, end="cut"), answer)  # the reconnect is refused once
    result = cli("logs", "-f", f"alice/{job.id}")
    assert result.exit_code == 1, result.stderr  # the job's outcome: ERROR
    assert result.stdout == printed(lines)
    if answer.status == 429:
        assert 3.0 in waits  # Retry-After honoured
        assert "rate limited; retrying in 3.0s" in result.stderr


@pytest.mark.parametrize("answer", TRANSIENT, ids=IDS)
def test_attached_run_rides_out_a_transient_answer_on_its_first_stream(
    cli, hub: FaultServer, waits, answer
):
    hub.create_lines, hub.create_stages = ["one", "two"], ["COMPLETED"]
    hub.script("logs", answer, answer)
    result = cli("run", "--namespace", "alice", "python:3.12", "python", "train.py")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "one\ntwo\n"
    assert len(hub.seen("create")) == 1


@pytest.mark.parametrize("answer", TRANSIENT, ids=IDS)
def test_a_log_snapshot_rides_out_a_transient_answer(cli, hub: FaultServer, waits, answer):
    lines = log_lines(5)
    job = hub.add_job(lines=lines, stages=["COMPLETED"])
    hub.script("logs", answer)
    result = cli("logs", f"alice/{job.id}")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == printed(lines)


def test_a_follower_that_runs_out_of_budget_exits_6_and_says_the_job_was_not_touched(
    cli, hub: FaultServer, waits, monkeypatch
):
    monkeypatch.setenv("HFJOBS_RETRY_BUDGET", "10")
    job = hub.add_job(lines=log_lines(5), stages=["RUNNING"])
    hub.script("logs", Respond(429, headers={"Retry-After": "4"}), forever=True)
    result = cli("logs", "-f", f"alice/{job.id}")
    assert result.exit_code == 6, result.stderr
    assert waits == [4.0, 4.0]
    [error] = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert f"Stopped following job alice/{job.id}, which was not cancelled" in error
    assert "(after 3 attempts)" in error
    assert f"Hint: Follow it again: hfjobs logs -f alice/{job.id}" in result.stderr
    assert not hub.seen("cancel")


def test_a_408_after_the_retries_exits_6_not_1(cli, hub: FaultServer, waits):
    job = hub.add_job(stages=["RUNNING"])
    hub.script("get", Respond(408, {"error": "request timeout"}), forever=True)
    result = cli("inspect", f"alice/{job.id}")
    assert result.exit_code == 6, result.stderr
    assert "408 request timeout (after 5 attempts)" in result.stderr


def test_wait_rides_out_transient_answers_while_polling(cli, hub: FaultServer, waits):
    job = hub.add_job(stages=["RUNNING", "RUNNING", "COMPLETED"])
    hub.script("get", Respond(429, headers={"Retry-After": "2"}), Respond(408))
    result = cli("wait", "-q", f"alice/{job.id}", "--interval", "1")
    assert result.exit_code == 0, result.stderr


# -- bounded in total time ---------------------------------------------------------------


@pytest.mark.parametrize("command", [["whoami"], ["ps", "--namespace", "alice"]])
def test_a_trickling_answer_ends_within_the_budget(fault_server: FaultServer, command):
    """One byte every 0.2 s: every read is within the read timeout, the whole answer is not
    within the 2 s budget. The call gives up (exit 6) instead of hanging."""
    route = "whoami" if command == ["whoami"] else "list"
    fault_server.script(route, Trickle(every=0.2), forever=True)
    env = child_env(fault_server, HFJOBS_RETRY_BUDGET="2", HFJOBS_READ_TIMEOUT="1")
    code, out, err = finish(spawn(command, env), timeout=20)
    assert code == 6, err
    assert "no complete answer within the 2s budget" in err
    assert out == ""
    assert len(fault_server.seen(route)) == 1


def test_a_slow_but_steady_answer_within_the_budget_is_read(fault_server: FaultServer):
    fault_server.script("whoami", Trickle(every=0.001))
    env = child_env(fault_server, HFJOBS_RETRY_BUDGET="20")
    code, out, err = finish(spawn(["whoami"], env), timeout=30)
    assert code == 0, err
    assert "alice" in out


@pytest.mark.parametrize("kind", ["same-url", "new-url"])
def test_a_page_chain_that_never_ends_stops(cli, hub: FaultServer, kind):
    for _ in range(3):
        hub.add_job(stages=["COMPLETED"])
    hub.endless_pages = kind
    result = cli("ps", "-a", "-q", "--limit", "0", "--namespace", "alice")
    assert result.exit_code == 0, result.stderr
    assert len(result.stdout.split()) == 3  # each job once
    assert len(hub.seen("list")) <= 2


def test_an_endless_chain_of_empty_pages_stops(cli, hub: FaultServer):
    hub.endless_pages = "new-url"  # no job: every page is empty, every next URL new
    result = cli("ps", "-a", "-q", "--limit", "0", "--namespace", "alice")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert len(hub.seen("list")) == 5


def test_wait_by_label_stops_an_endless_page_chain(cli, hub: FaultServer):
    hub.add_job(stages=["COMPLETED"], labels={"sweep": "a"})
    hub.endless_pages = "new-url"
    result = cli("wait", "-q", "-l", "sweep=a", "--namespace", "alice")
    assert result.exit_code == 0, result.stderr
    assert len(hub.seen("list")) <= 2


def test_a_next_page_on_another_host_is_refused(cli, hub: FaultServer):
    hub.add_job(stages=["COMPLETED"])
    hub.endless_pages = "other-origin"
    result = cli("ps", "-a", "--limit", "0", "--namespace", "alice")
    assert result.exit_code == 1, result.stderr
    assert "next page is on another host" in result.stderr
    assert len(hub.seen("list")) == 1


# -- logs -n -----------------------------------------------------------------------------


@pytest.mark.parametrize("n", [1, 3])
def test_logs_tail_prints_exactly_n_lines_of_a_running_job(cli, hub: FaultServer, n):
    """The stream goes on with new lines after the tail: they are not part of `-n N`."""
    lines = log_lines(10)
    job = hub.add_job(lines=lines, stages=["RUNNING"])
    hub.script("logs", Stream(live=["new 1", "new 2", "new 3"]))
    result = cli("logs", "-n", str(n), f"alice/{job.id}")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines() == (lines + ["new 1", "new 2", "new 3"])[-n:]


# -- messages that help -------------------------------------------------------------------


def test_a_dead_local_emulator_is_reported_at_once_with_how_to_start_it(cli, monkeypatch, waits):
    """The emulator died after it was found: a refused connection on this machine is said at
    once (no 5 s of retries), and the hint is about the emulator, not HF_ENDPOINT."""
    import socket
    from types import SimpleNamespace

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    info = SimpleNamespace(
        url=f"http://127.0.0.1:{port}", token="hfjobs_local", already_running=True, runtime="x"
    )
    monkeypatch.setattr("hfjobs_cli.emulator.control.start_background", lambda *a, **k: info)
    result = cli("--local", "ps", "-a")
    assert result.exit_code == 6, result.stderr
    assert waits == []
    assert "connection refused (1 attempt)" in result.stderr
    assert "Hint: The local emulator is not running" in result.stderr
    assert "`hfjobs emulator start`" in result.stderr
    assert "HF_ENDPOINT" not in result.stderr


def test_credentials_in_the_endpoint_are_never_printed(cli, hub: FaultServer, monkeypatch, waits):
    from tests.faults.server import Reset

    monkeypatch.setenv("HF_ENDPOINT", hub.url.replace("http://", "http://bob:s3cr3tpw@"))
    hub.script("list", Reset(), forever=True)
    result = cli("ps", "--namespace", "alice")
    assert result.exit_code == 6
    assert f"Could not reach 127.0.0.1:{hub.port}" in result.stderr
    assert "s3cr3tpw" not in result.output and "bob" not in result.output
    result = cli("run", "-d", "--namespace", "alice", "python:3.12", "true")
    assert result.exit_code == 0, result.stderr
    assert f"{hub.url}/jobs/alice/" in result.stdout  # the job's page, without the userinfo
    assert "s3cr3tpw" not in result.output and "bob" not in result.output
    assert not [r for r in hub.seen() if "Basic" in r.headers.get("authorization", "")]


def test_a_reset_on_webhook_create_does_not_point_at_ps(cli, hub: FaultServer, waits):
    """Hints name the command that fits the operation: webhooks are checked with
    `webhook ls`, never `ps -a`."""
    from tests.faults.server import Reset

    source = hub.add_job(stages=["COMPLETED"])
    hub.script("POST /api/settings/webhooks", Reset())
    hub.script("GET /api/settings/webhooks", Respond(200, []), forever=True)
    result = cli("webhook", "create", "--watch", "model:alice/m", "--job-id", f"alice/{source.id}")
    assert result.exit_code == 6, result.stderr
    assert "`hfjobs webhook ls`" in result.stderr
    assert "ps -a" not in result.stderr
    assert len(hub.seen("POST /api/settings/webhooks")) == 1


def test_wait_past_the_budget_exits_6_and_says_how_to_wait_again(
    cli, hub: FaultServer, waits, monkeypatch
):
    monkeypatch.setenv("HFJOBS_RETRY_BUDGET", "10")
    job = hub.add_job(stages=["RUNNING"])
    hub.script("get", Respond(200, job.data), Respond(503, {"error": "down"}), forever=True)
    result = cli("wait", "--interval", "1", f"alice/{job.id}")
    assert result.exit_code == 6, result.stderr
    assert "Stopped waiting, 1 job not finished and not cancelled: 503 down" in result.stderr
    assert f"Hint: Wait again: hfjobs wait alice/{job.id}" in result.stderr
    assert not hub.seen("cancel")


def test_a_reset_on_cancel_points_at_inspect_not_ps(cli, hub: FaultServer, waits):
    from tests.faults.server import Apply, Reset

    job = hub.add_job(stages=["RUNNING"])
    hub.script("cancel", Apply(Reset()))
    result = cli("cancel", f"alice/{job.id}")
    assert result.exit_code == 6, result.stderr
    assert f"Hint: Check it with `hfjobs inspect alice/{job.id}`" in result.stderr
    assert "ps -a" not in result.stderr
    assert len(hub.seen("cancel")) == 1
