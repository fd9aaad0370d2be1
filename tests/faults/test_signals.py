"""Ctrl-C and closed pipes, in real subprocesses: exit 130 without a traceback (and without
cancelling anything); `hfjobs logs ID | head -1` ends quietly."""

from __future__ import annotations

import signal

import pytest

from tests.faults.server import (
    Delay,
    FaultServer,
    Hangup,
    Respond,
    Stream,
    child_env,
    finish,
    log_lines,
    spawn,
    timestamp,
)


def interrupt(server: FaultServer, args: list[str], route: str, **knobs: str):
    """Start hfjobs, wait until it is blocked on `route`, press Ctrl-C; (code, out, err)."""
    proc = spawn(args, child_env(server, **knobs))
    try:
        server.wait_for(route)
    except AssertionError:
        proc.kill()
        raise AssertionError(f"hfjobs never called {route}: {finish(proc)[2]}") from None
    proc.send_signal(signal.SIGINT)
    return finish(proc, timeout=20)


def _job_running_forever(server: FaultServer) -> str:
    job = server.add_job(lines=log_lines(3), stages=["RUNNING"])
    server.script("logs", Stream(end="keepalive", hold=60, every=0.2), forever=True)
    return job.id


@pytest.mark.parametrize(
    "case",
    ["ps waiting for an answer", "inspect between retries", "logs snapshot", "wait polling"],
)
def test_ctrl_c_anywhere_exits_130_without_a_traceback(fault_server: FaultServer, case):
    job = fault_server.add_job(lines=log_lines(3), stages=["RUNNING"])
    if case == "ps waiting for an answer":
        fault_server.script("list", Delay(60, then=Hangup()))
        args, route = ["ps", "--namespace", "alice"], "list"
    elif case == "inspect between retries":
        fault_server.script("get", Respond(503, headers={"Retry-After": "30"}), forever=True)
        args, route = ["inspect", f"alice/{job.id}"], "get"
    elif case == "logs snapshot":
        fault_server.script("logs", Stream(end="silent", hold=60))
        args, route = ["logs", f"alice/{job.id}"], "logs"
    else:
        args, route = ["wait", "--interval", "30s", f"alice/{job.id}"], "get"
    code, _out, err = interrupt(fault_server, args, route)
    assert code == 130, err
    assert "Traceback" not in err
    assert "KeyboardInterrupt" not in err


@pytest.mark.parametrize("command", ["logs -f", "run"])
def test_ctrl_c_while_following_detaches_without_cancelling(fault_server: FaultServer, command):
    if command == "run":
        fault_server.create_lines, fault_server.create_stages = log_lines(3), ["RUNNING"]
        fault_server.script("logs", Stream(end="keepalive", hold=60, every=0.2))
        args = ["run", "--namespace", "alice", "python:3.12", "python", "train.py"]
    else:
        args = ["logs", "-f", f"alice/{_job_running_forever(fault_server)}"]
    code, out, err = interrupt(fault_server, args, "logs")
    assert code == 130, err
    assert "Traceback" not in err
    assert "keeps running (it was not cancelled)" in err
    [job] = fault_server.jobs.values()
    assert f"hfjobs logs -f alice/{job.id}" in err
    assert f"hfjobs cancel alice/{job.id}" in err
    assert fault_server.seen("cancel") == []


@pytest.mark.parametrize("args", [["logs"], ["logs", "-f"], ["logs", "-t"]])
def test_a_closed_pipe_ends_quietly(fault_server: FaultServer, args):
    """`hfjobs logs ID | head -1`: the reader goes away after one line of a 100,000-line log."""
    job = fault_server.add_job(lines=log_lines(100_000), stages=["COMPLETED"])
    proc = spawn([*args, f"alice/{job.id}"], child_env(fault_server))
    assert proc.stdout is not None
    first = proc.stdout.readline()
    proc.stdout.close()  # what `head -1` does after its line
    code, _out, err = finish(proc, timeout=30)
    assert first == (f"{timestamp(1)} \n" if "-t" in args else "\n").encode()  # line 1 is ""
    assert err == ""  # no BrokenPipeError trace, no "Exception ignored" line
    assert code == 1
