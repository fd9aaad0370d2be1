"""Retries over real sockets: what is retried, how long it waits, when it gives up (exit 6),
and what the message says. In-process runs record the waits instead of sleeping."""

from __future__ import annotations

import socket
from email.utils import formatdate

import pytest

from tests.faults.server import (
    Delay,
    FaultServer,
    Hangup,
    Reset,
    Respond,
    child_env,
    finish,
    spawn,
)


def test_get_retries_5xx_and_429_with_jittered_backoff_then_succeeds(
    cli, hub: FaultServer, waits, monkeypatch
):
    draws = iter([0.0, 1.0])  # the jitter's random draws: 50 % then 100 % of the step
    monkeypatch.setattr("hfjobs_cli.api.http.random.random", lambda: next(draws))
    hub.add_job(stages=["RUNNING"])
    hub.script(
        "list",
        Respond(503, {"error": "overloaded"}),
        Respond(502, "<html><body>Bad Gateway</body></html>", content_type="text/html"),
        Respond(429, {"error": "slow down"}, headers={"Retry-After": "7"}),
    )
    result = cli("ps", "-q", "--namespace", "alice")
    assert result.exit_code == 0, result.stderr
    assert len(result.stdout.split()) == 1
    assert len(hub.seen("list")) == 4
    assert waits == [0.25, 1.0, 7.0]  # base 0.5 s doubling, jittered; then Retry-After
    assert result.stderr.count("retrying in") == 3
    assert "rate limited; retrying in 7.0s" in result.stderr


def test_retry_after_is_capped(cli, hub: FaultServer, waits):
    hub.script("list", Respond(429, headers={"Retry-After": "86400"}))
    result = cli("ps", "--namespace", "alice")
    assert result.exit_code == 0, result.stderr
    assert waits == [30.0]


def test_retry_after_as_an_http_date(cli, hub: FaultServer, waits):
    import time

    later = formatdate(time.time() + 5, usegmt=True)
    hub.script("list", Respond(503, headers={"Retry-After": later}))
    result = cli("ps", "--namespace", "alice")
    assert result.exit_code == 0, result.stderr
    assert len(waits) == 1 and 2 <= waits[0] <= 5


@pytest.mark.parametrize(
    "fault,reason",
    [
        (Reset(), "the connection was reset"),
        (Hangup(), "the connection was reset"),  # RemoteDisconnected
    ],
)
def test_connection_failures_on_get_are_retried(cli, hub: FaultServer, waits, fault, reason):
    job = hub.add_job(stages=["RUNNING"])
    hub.script("get", fault, fault)
    result = cli("inspect", f"alice/{job.id}")
    assert result.exit_code == 0, result.stderr
    assert len(hub.seen("get")) == 3
    assert result.stderr.count(reason) == 2


def test_a_slow_answer_is_retried_after_the_read_timeout(cli, hub: FaultServer, monkeypatch):
    monkeypatch.setenv("HFJOBS_READ_TIMEOUT", "0.3")
    job = hub.add_job(stages=["RUNNING"])
    hub.script("get", Delay(5, then=Hangup()))
    result = cli("inspect", f"alice/{job.id}")
    assert result.exit_code == 0, result.stderr
    assert "no answer within the read timeout; retrying" in result.stderr
    assert len(hub.seen("get")) == 2


def test_persistent_5xx_gives_up_with_exit_6_and_says_what_was_tried(cli, hub: FaultServer):
    hub.script("list", Respond(503, {"error": "overloaded"}), forever=True)
    result = cli("ps", "--namespace", "alice")
    assert result.exit_code == 6
    [error] = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert error == "Error: 503 overloaded (after 5 attempts) (request id req-5)"
    assert "Traceback" not in result.stderr
    assert len(hub.seen("list")) == 5


def test_persistent_resets_give_up_with_exit_6_and_say_what_was_tried(cli, hub: FaultServer):
    hub.script("list", Reset(), forever=True)
    result = cli("ps", "--namespace", "alice")
    assert result.exit_code == 6
    assert f"Could not reach 127.0.0.1:{hub.port}: the connection was reset (5 attempts)" in (
        result.stderr
    )
    assert len(hub.seen("list")) == 5


def test_hfjobs_retries_sets_the_number_of_attempts(cli, hub: FaultServer, monkeypatch):
    monkeypatch.setenv("HFJOBS_RETRIES", "2")
    hub.script("list", Respond(500), forever=True)
    result = cli("ps", "--namespace", "alice")
    assert result.exit_code == 6
    assert len(hub.seen("list")) == 2


def test_the_retry_budget_bounds_the_waits(cli, hub: FaultServer, waits, monkeypatch):
    monkeypatch.setenv("HFJOBS_RETRY_BUDGET", "10")
    hub.script("list", Respond(503, headers={"Retry-After": "4"}), forever=True)
    result = cli("ps", "--namespace", "alice")
    assert result.exit_code == 6
    assert waits == [4.0, 4.0]  # a third wait would pass the 10 s budget
    assert "(after 3 attempts)" in result.stderr


def test_the_retry_budget_holds_in_real_time(fault_server: FaultServer):
    """A subprocess that really sleeps: Retry-After 1 s and a 2.5 s budget leave room for two
    waits (at about 0 s and 1 s), not a third; 3 attempts, then exit 6."""
    fault_server.script("list", Respond(503, headers={"Retry-After": "1"}), forever=True)
    env = child_env(fault_server, HFJOBS_RETRY_BUDGET="2.5")
    code, out, err = finish(spawn(["ps", "--namespace", "alice"], env), timeout=30)
    assert code == 6, err
    assert len(fault_server.seen("list")) == 3
    assert "(after 3 attempts)" in err
    assert err.count("retrying in 1.0s") == 2
    assert out == ""


@pytest.mark.parametrize(
    "status,code",
    [(400, 2), (401, 4), (403, 4), (404, 5), (409, 1), (422, 2)],
)
def test_client_errors_are_not_retried(cli, hub: FaultServer, waits, status, code):
    hub.script("list", Respond(status, {"error": f"refused with {status}"}))
    result = cli("ps", "--namespace", "alice")
    assert result.exit_code == code
    assert len(hub.seen("list")) == 1
    assert waits == []
    assert f"{status} refused with {status}" in result.stderr


def test_an_unreachable_endpoint_exits_6(cli, monkeypatch, logged_in, waits):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv("HF_ENDPOINT", f"http://127.0.0.1:{port}")
    result = cli("ps", "--namespace", "alice")
    assert result.exit_code == 6
    # Nothing listens on this machine: said at once, not after 5 s of retries.
    assert f"Could not reach 127.0.0.1:{port}: connection refused (1 attempt)" in result.stderr
    assert f"Hint: Nothing listens at 127.0.0.1:{port}" in result.stderr
    assert waits == []
