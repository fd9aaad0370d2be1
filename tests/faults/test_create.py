"""Job creation is never duplicated. Every created job carries a client-generated
`hfjobs-request-id` label; after an ambiguous failure (reset, timeout, 5xx after sending) the
client looks the job up by that label before it decides to send again."""

from __future__ import annotations

import pytest

from tests.faults.server import Apply, Delay, FaultServer, Hangup, Reset, Respond

RUN = ["run", "-d", "-q", "--namespace", "alice", "python:3.12", "python", "train.py"]
LABEL = "hfjobs-request-id"


def routes(server: FaultServer) -> list[str]:
    return [r.route for r in server.seen() if r.route in ("create", "list")]


@pytest.mark.parametrize(
    "fault",
    [
        Apply(Respond(500, {"error": "internal error"})),
        Apply(Respond(502, "<html>Bad Gateway</html>", content_type="text/html")),
        Apply(Reset()),
        Apply(Hangup()),
    ],
    ids=["500", "502-html", "reset", "hangup"],
)
def test_a_job_created_before_the_failure_is_found_not_resent(cli, hub: FaultServer, fault):
    hub.script("create", fault)
    result = cli(*RUN)
    assert result.exit_code == 0, result.stderr
    [job] = hub.jobs.values()  # one job on the server
    assert result.stdout == f"{job.id}\n"
    assert routes(hub) == ["create", "list"]  # looked up, not resent
    assert job.data["labels"][LABEL] == "rid0"
    assert hub.seen("list")[0].query["label"] == [f"{LABEL}=rid0"]


def test_a_job_created_before_a_read_timeout_is_found_not_resent(
    cli, hub: FaultServer, monkeypatch
):
    monkeypatch.setenv("HFJOBS_READ_TIMEOUT", "0.3")
    hub.script("create", Apply(Delay(5, then=Hangup())))
    result = cli(*RUN)
    assert result.exit_code == 0, result.stderr
    assert len(hub.jobs) == 1
    assert routes(hub) == ["create", "list"]


@pytest.mark.parametrize(
    "fault",
    [Respond(503, {"error": "try later"}), Reset(), Hangup()],
    ids=["503", "reset", "hangup"],
)
def test_a_create_that_may_have_arrived_is_never_sent_again(cli, hub: FaultServer, fault):
    """Bytes sent and no clear answer: look it up over the grace window, never post again,
    then exit 6 naming the command that tells whether it exists."""
    hub.script("create", fault)
    result = cli(*RUN)
    assert result.exit_code == 6, result.stderr
    assert len(hub.seen("create")) == 1
    assert len(hub.jobs) == 0
    assert routes(hub)[:3] == ["create", "list", "list"]  # looked up again and again
    [error] = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert "The job may have been created" in error
    assert f"`hfjobs ps -a -l {LABEL}=rid0 --namespace alice`" in error
    assert "did not send it again" in result.stderr
    assert result.stdout == ""


def test_the_lookups_fit_in_the_retry_budget(cli, hub: FaultServer, monkeypatch):
    waits: list[float] = []
    monkeypatch.setattr("hfjobs_cli.clock.sleep", waits.append)
    monkeypatch.setenv("HFJOBS_RETRY_BUDGET", "10")
    hub.script("create", Reset())
    result = cli(*RUN)
    assert result.exit_code == 6
    assert waits == [1.0, 2.0, 4.0]  # a fourth wait (8 s) would pass the 10 s window
    assert len(hub.seen("list")) == 4
    assert result.stderr.count("looking for it by its request id") == 1  # announced once


def test_a_slow_create_that_commits_after_the_read_timeout_is_found_not_resent(
    cli, hub: FaultServer, monkeypatch
):
    """The server commits the job 1.5 s after the client stopped waiting for the answer: the
    first lookups find nothing, a later one finds it. One job, exit 0, its id."""
    import time

    monkeypatch.setattr("hfjobs_cli.clock.sleep", time.sleep)
    monkeypatch.setenv("HFJOBS_READ_TIMEOUT", "0.3")
    monkeypatch.setattr("hfjobs_cli.api.resource.LOOKUP_PAUSES", (0.5,))
    hub.script("create", Delay(1.5, then=Apply(Hangup())))
    result = cli(*RUN)
    assert result.exit_code == 0, result.stderr
    [job] = hub.jobs.values()
    assert result.stdout == f"{job.id}\n"
    assert len(hub.seen("create")) == 1
    assert len(hub.seen("list")) >= 2  # not found at first, found later


@pytest.mark.parametrize(
    "answer",
    [
        Respond(200, '{"id": "abc", "status": {', content_type="application/json"),
        Respond(200, "<html>ok</html>", content_type="text/html"),
        Respond(200, b"", content_type="application/json"),
        Respond(200, {"data": "not a job"}),
    ],
    ids=["truncated-json", "html", "empty", "wrong-shape"],
)
def test_a_created_job_with_an_unreadable_answer_is_reported_started(cli, hub, answer):
    """The Hub created the job but its answer cannot be read: found by its request id, the
    job is reported as started (exit 0, its id), not as a failure a script would retry."""
    hub.script("create", Apply(answer))
    result = cli(*RUN)
    assert result.exit_code == 0, result.stderr
    [job] = hub.jobs.values()
    assert result.stdout == f"{job.id}\n"
    assert len(hub.seen("create")) == 1


def test_an_attached_run_with_an_unreadable_answer_follows_the_found_job(cli, hub):
    hub.script("create", Apply(Respond(200, "not json", content_type="application/json")))
    result = cli("run", "--namespace", "alice", "python:3.12", "python", "train.py")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "hello\n"
    assert len(hub.seen("create")) == 1


def test_the_lookup_reads_every_page_and_checks_the_label_itself(cli, hub: FaultServer):
    """A server that ignores ?label= and pages its list: the client walks the Link headers
    and matches the label on its side."""
    for n in range(25):
        hub.add_job(labels={LABEL: f"other{n}"}, stages=["COMPLETED"])
    hub.page_size, hub.filter_labels, hub.newest_first = 10, False, False  # ours comes last
    hub.script("create", Apply(Respond(504)))
    result = cli(*RUN)
    assert result.exit_code == 0, result.stderr
    assert len(hub.jobs) == 26
    created = list(hub.jobs.values())[-1]
    assert result.stdout == f"{created.id}\n"
    assert [r.query.get("page") for r in hub.seen("list")] == [None, ["1"], ["2"]]
    assert len(hub.seen("create")) == 1


def test_when_the_lookup_fails_too_nothing_is_resent_and_the_user_is_told(cli, hub: FaultServer):
    hub.script("create", Apply(Reset()))
    hub.script("list", Respond(503, {"error": "list unavailable"}), forever=True)
    result = cli(*RUN)
    assert result.exit_code == 6
    assert len(hub.seen("create")) == 1
    assert len(hub.jobs) == 1
    [error] = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert "The job may have been created" in error
    assert f"hfjobs ps -a -l {LABEL}=rid0" in error
    assert "may have reached the server" in result.stderr
    assert "then try again" not in result.stderr


def test_a_server_that_keeps_failing_gets_one_post(cli, hub: FaultServer):
    hub.script("create", Respond(500, {"error": "broken"}), forever=True)
    result = cli(*RUN)
    assert result.exit_code == 6
    assert len(hub.seen("create")) == 1
    assert set(routes(hub)[1:]) == {"list"}
    assert len(hub.jobs) == 0
    assert "500 broken" in result.stderr


def test_a_post_is_not_retried_on_429(cli, hub: FaultServer):
    """A 429 is a refusal: nothing was created, nothing is looked up; the hint is about the
    rate limit, not the network."""
    hub.script("create", Respond(429, {"error": "slow down"}, headers={"Retry-After": "1"}))
    result = cli(*RUN)
    assert result.exit_code == 6
    assert routes(hub) == ["create"]
    assert "rate-limiting" in result.stderr
    assert "network" not in result.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["run", "-d", "--namespace", "alice", "python:3.12", "true"],
        ["run", "-d", "--namespace", "alice", "-l", "team=a", "--name", "x", "python:3.12", "true"],
        ["uv", "run", "-d", "--namespace", "alice", "--with", "rich", "lighteval", "--help"],
    ],
    ids=["run", "run-labels", "uv-run"],
)
def test_every_created_job_carries_the_request_id_label(cli, hub: FaultServer, args):
    result = cli(*args)
    assert result.exit_code == 0, result.stderr
    [post] = hub.seen("create")
    assert post.json["labels"][LABEL] == "rid0"


def test_rerun_is_never_resent_after_an_ambiguous_failure(cli, hub: FaultServer):
    """`rerun` as is uses the Hub's duplicate call, which carries no request id: after a reset
    the client cannot know, so it says so and does not try again."""
    job = hub.add_job(stages=["COMPLETED"])
    hub.script("duplicate", Apply(Reset()))
    result = cli("rerun", "-d", f"alice/{job.id}")
    assert result.exit_code == 6
    assert len(hub.seen("duplicate")) == 1
    assert "may have reached the server" in result.stderr
