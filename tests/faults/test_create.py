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
def test_a_job_not_created_is_sent_again_after_the_lookup(cli, hub: FaultServer, fault):
    hub.script("create", fault)
    result = cli(*RUN)
    assert result.exit_code == 0, result.stderr
    [job] = hub.jobs.values()
    assert result.stdout == f"{job.id}\n"
    assert routes(hub) == ["create", "list", "create"]
    bodies = [r.json for r in hub.seen("create")]
    assert bodies[0] == bodies[1]  # the same request id: a later lookup still finds it


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


def test_a_server_that_keeps_failing_gets_at_most_three_posts_each_after_a_lookup(
    cli, hub: FaultServer
):
    hub.script("create", Respond(500, {"error": "broken"}), forever=True)
    result = cli(*RUN)
    assert result.exit_code == 6
    assert routes(hub) == ["create", "list", "create", "list", "create"]
    assert len(hub.jobs) == 0
    assert "500 broken" in result.stderr


def test_a_post_is_not_retried_on_429(cli, hub: FaultServer):
    hub.script("create", Respond(429, {"error": "slow down"}, headers={"Retry-After": "1"}))
    result = cli(*RUN)
    assert result.exit_code == 6
    assert routes(hub) == ["create"]


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
