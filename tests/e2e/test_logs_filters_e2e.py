"""logs --since/--until/--grep, ps --since/--sort, and many logs at once, with real processes."""

from __future__ import annotations

import json
import time

import pytest

from tests.e2e.conftest import wait_for_stage

PY = "python:3.12"
THREE_LINES = "import time; print('a1', flush=True); time.sleep(1.2); print('b2', flush=True); time.sleep(1.2); print('a3')"


def start(hfjobs, *args: str) -> str:
    result = hfjobs("run", "-d", "-q", *args)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_grep_since_and_until_on_one_job(hfjobs):
    job_id = start(hfjobs, PY, "python", "-c", THREE_LINES)
    wait_for_stage(hfjobs, job_id, ("COMPLETED",))
    assert hfjobs("logs", "--grep", "^a", job_id).stdout == "a1\na3\n"
    lines = [json.loads(line) for line in hfjobs("logs", "--json", job_id).stdout.splitlines()]
    assert [e["data"] for e in lines] == ["a1", "b2", "a3"]
    since = hfjobs("logs", "--since", lines[1]["timestamp"], job_id)
    assert since.stdout == "b2\na3\n"
    until = hfjobs("logs", "-f", "--until", lines[1]["timestamp"], job_id)
    assert until.returncode == 0 and until.stdout == "a1\nb2\n"
    assert hfjobs("logs", "--since", "1h", "--grep", "b|3", job_id).stdout == "b2\na3\n"
    assert hfjobs("logs", "--since", "2999-01-01T00:00:00Z", job_id).stdout == ""


def test_bad_filters_exit_2(hfjobs):
    assert "Invalid --grep '('" in hfjobs("logs", "--grep", "(", "x" * 24).stderr
    assert hfjobs("logs", "--since", "yesterday", "x" * 24).returncode == 2
    assert hfjobs("logs", "--prefix-format", "{nope}", "x" * 24).returncode == 2
    assert hfjobs("logs").returncode == 2


def test_follow_several_jobs_interleaved_with_tags(hfjobs):
    one = start(hfjobs, "--name", "first", PY, "python", "-c", THREE_LINES)
    two = start(hfjobs, "--name", "second", PY, "python", "-c", "print('only line')")
    result = hfjobs("logs", "-f", one, two)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    # distinct names: they are the tags, padded alike; each job's lines keep their order
    assert sorted(lines) == ["first  | a1", "first  | a3", "first  | b2", "second | only line"]
    assert [line for line in lines if line.startswith("first")] == [
        "first  | a1", "first  | b2", "first  | a3"
    ]  # fmt: skip
    three = start(hfjobs, "--name", "second", PY, "python", "-c", "print('same name')")
    same = hfjobs("logs", "-f", "--grep", "line|same", two, three).stdout.splitlines()
    # names alike: the ids' last 8 characters tell the jobs apart
    assert sorted(same) == sorted([f"{two[-8:]} | only line", f"{three[-8:]} | same name"])
    bare = hfjobs("logs", "--no-prefix", one, two).stdout.splitlines()
    assert sorted(bare) == ["a1", "a3", "b2", "only line"]
    custom = hfjobs("logs", "--prefix-format", "[{name}] ", "--grep", "only", one, two).stdout
    assert custom == "[second] only line\n"
    as_json = [json.loads(x) for x in hfjobs("logs", "--json", one, two).stdout.splitlines()]
    assert {e["job"] for e in as_json} == {one, two}


def test_follow_by_label_and_name_exits_by_the_worst_outcome(hfjobs):
    start(hfjobs, "-l", "set=mixed", "--name", "ok", PY, "python", "-c", "print('fine')")
    start(
        hfjobs,
        "-l",
        "set=mixed",
        "--name",
        "bad",
        PY,
        "python",
        "-c",
        "import sys; print('failing'); sys.exit(2)",
    )
    result = hfjobs("logs", "-f", "-l", "set=mixed")
    assert result.returncode == 1, result.stderr
    assert sorted(result.stdout.splitlines()) == ["bad | failing", "ok  | fine"]
    assert "ended with stage ERROR" in result.stderr and "completed" in result.stderr
    named = hfjobs("logs", "-f", "--name", "ok")
    assert named.returncode == 0 and named.stdout == "ok | fine\n"
    missing = hfjobs("logs", "-f", "-l", "set=none-such")
    assert missing.returncode == 5 and "No job" in missing.stderr


def test_a_cancelled_job_makes_the_set_exit_3(hfjobs):
    slow = start(
        hfjobs,
        "-l",
        "set=cancel",
        PY,
        "python",
        "-c",
        "import time; print('up', flush=True); time.sleep(60)",
    )
    start(hfjobs, "-l", "set=cancel", PY, "python", "-c", "print('quick')")
    wait_for_stage(hfjobs, slow, ("RUNNING",))
    follower = hfjobs.popen("logs", "-f", "--no-prefix", "-l", "set=cancel")
    time.sleep(1.0)
    assert hfjobs("cancel", slow).returncode == 0
    out, err = follower.communicate(timeout=60)
    assert follower.returncode == 3, err
    assert sorted(out.splitlines()) == ["quick", "up"]


def test_ps_since_and_sort(hfjobs):
    long = start(hfjobs, "-l", "set=ps-sort", PY, "python", "-c", "import time; time.sleep(2.5)")
    wait_for_stage(hfjobs, long, ("COMPLETED",))
    quick = start(hfjobs, "-l", "set=ps-sort", PY, "python", "-c", "print(1)")
    wait_for_stage(hfjobs, quick, ("COMPLETED",))
    newest_first = hfjobs("ps", "-a", "-q", "-l", "set=ps-sort").stdout.split()
    assert newest_first == [quick, long]
    by_duration = hfjobs("ps", "-a", "-q", "--sort", "duration", "-l", "set=ps-sort").stdout.split()
    assert by_duration == [long, quick]
    created = hfjobs("inspect", "--json", quick).json()[0]["createdAt"]
    since = hfjobs("ps", "-a", "--json", "--since", created, "-l", "set=ps-sort").json()
    assert [j["id"] for j in since] == [quick]
    assert hfjobs("ps", "-a", "-q", "--since", "1h", "-l", "set=ps-sort").stdout.split() == [
        quick,
        long,
    ]
    assert hfjobs("ps", "--sort", "size").returncode == 2


def test_the_readme_logs_and_ps_examples_run(hfjobs, tmp_path):
    from tests.readme_examples import PLACEHOLDER_ID, examples, run_example

    one = start(
        hfjobs, "-l", "sweep=readme17", "--name", "nightly", PY, "python", "-c", "print('loss 0.5')"
    )
    two = start(
        hfjobs, "-l", "sweep=readme17", "--name", "daily", PY, "python", "-c", "print('step')"
    )
    replace = {PLACEHOLDER_ID: one, "6650a1b2c3d4e5f60718294b": two, "3f9a2c1d": "readme17"}
    outputs = []
    for line in examples("#### Filters and many logs at once"):
        result = run_example(line, hfjobs.env(), tmp_path, replace=replace)
        assert result.returncode == 0, (line, result.stderr)
        outputs.append(result.stdout)
    assert outputs[0] == "loss 0.5\n"
    assert sorted(outputs[2].splitlines()) == ["daily   | step", "nightly | loss 0.5"]
    assert sorted(outputs[3].splitlines()) == ["daily: step", "nightly: loss 0.5"]
    assert outputs[4] == "loss 0.5\n"
    for line in examples("#### Recent jobs first, longest first: `--since`, `--sort`"):
        result = run_example(line, hfjobs.env(), tmp_path)
        assert result.returncode == 0, (line, result.stderr)


def _on_a_terminal(hfjobs, args, extra_env=None) -> str:
    """stdout of `hfjobs ARGS` written to a pseudo-terminal."""
    import os
    import subprocess

    pty = pytest.importorskip("pty")  # pseudo-terminals are POSIX-only

    from tests.e2e.conftest import HFJOBS

    leader, follower = pty.openpty()
    env = {**hfjobs.env(), "TERM": "xterm-256color", **(extra_env or {})}
    if "NO_COLOR" not in (extra_env or {}):
        env.pop("NO_COLOR", None)
    proc = subprocess.Popen(
        [HFJOBS, *args],
        stdout=follower,
        stderr=subprocess.DEVNULL,
        stdin=subprocess.DEVNULL,
        env=env,
    )
    os.close(follower)
    chunks = []
    while True:
        try:
            data = os.read(leader, 65536)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    proc.wait(30)
    os.close(leader)
    return b"".join(chunks).decode()


def test_tags_are_coloured_on_a_terminal_unless_no_color(hfjobs):
    one = start(hfjobs, "--name", "red", PY, "python", "-c", "print('x')")
    two = start(hfjobs, "--name", "blue", PY, "python", "-c", "print('y')")
    wait_for_stage(hfjobs, one, ("COMPLETED",))
    wait_for_stage(hfjobs, two, ("COMPLETED",))
    coloured = _on_a_terminal(hfjobs, ["logs", one, two])
    assert "\x1b[" in coloured and "red " in coloured and "blue" in coloured
    plain = _on_a_terminal(hfjobs, ["logs", one, two], {"NO_COLOR": "1"})
    assert "\x1b[" not in plain and "red  | x" in plain
