"""Answers that are not what the API returns: malformed JSON, HTML pages, empty bodies and
unexpected shapes. Each gives one `Error:` line with the HTTP status and the request id (when
there is one), no traceback, and a traceback only with HFJOBS_DEBUG=1."""

from __future__ import annotations

import pytest

from tests.faults.server import FaultServer, Respond

HTML = "<!DOCTYPE html>\n<html>\n<head><title>Oops</title></head>\n<body>Nope</body>\n</html>\n"
BODIES = {
    "malformed JSON": Respond(200, '{"id": "abc", "status": {', content_type="application/json"),
    "HTML page": Respond(200, HTML, content_type="text/html"),
    "empty body": Respond(200, b"", content_type="application/json"),
    "unexpected shape": Respond(200, {"data": {"items": []}}),
    "JSON scalar": Respond(200, "42", content_type="application/json"),
}
WORDS = {
    "malformed JSON": "a body that is not JSON",
    "HTML page": "an HTML page",
    "empty body": "an empty body",
    "unexpected shape": "Unexpected answer from the server",
    "JSON scalar": "Unexpected answer from the server",
}
COMMANDS = {  # route the fault hits -> the command line
    "get": ["inspect", "alice/{job}"],
    "list": ["ps", "--namespace", "alice"],
    "create": ["run", "-d", "--namespace", "alice", "python:3.12", "true"],
    "labels": ["labels", "alice/{job}", "-l", "team=a"],
}


def args_for(route: str, job_id: str) -> list[str]:
    return [a.replace("{job}", job_id) for a in COMMANDS[route]]


def error_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("Error:")]


@pytest.mark.parametrize("route", list(COMMANDS))
@pytest.mark.parametrize("kind", list(BODIES))
def test_a_bad_success_body_is_one_line_with_status_and_request_id(
    cli, hub: FaultServer, route, kind
):
    job = hub.add_job(stages=["RUNNING"])
    hub.script(route, BODIES[kind])
    result = cli(*args_for(route, job.id))
    if route == "create":  # a 200 may mean a created job: looked up, never resent (exit 6)
        assert result.exit_code == 6, result.stderr
        [error] = error_lines(result.stderr)
        assert "The job may have been created (200 " in error
        assert "hfjobs ps -a -l hfjobs-request-id=rid0 --namespace alice" in error
        assert len(hub.seen("create")) == 1
        return
    assert result.exit_code == 1, result.stderr
    [error] = error_lines(result.stderr)
    assert error.startswith("Error: 200 ")
    assert error.endswith(f"(request id req-{len(hub.seen())})")
    if kind == "empty body" and route in ("create", "labels"):
        assert "Unexpected answer from the server: not a job object" in error
    else:
        assert WORDS[kind] in error
    assert "Traceback" not in result.stderr
    if route == "create":
        assert len(hub.seen("create")) == 1  # a 200, even garbled, is never resent


@pytest.mark.parametrize(
    "answer,status,words,code",
    [
        (Respond(404, HTML, content_type="text/html"), 404, "an HTML page (Not Found)", 5),
        (Respond(404, b""), 404, "Not Found", 5),
        (Respond(400, "{not json", content_type="application/json"), 400, "{not json", 2),
        (Respond(403, {"unexpected": ["shape"]}), 403, '{"unexpected": ["shape"]}', 4),
        (Respond(401, {"error": "bad\ntoken\r\nhere"}), 401, "bad token here", 4),
        (Respond(502, HTML, content_type="text/html"), 502, "an HTML page (Bad Gateway)", 6),
    ],
)
def test_a_bad_error_body_is_one_line_with_status_and_request_id(
    cli, hub: FaultServer, answer, status, words, code
):
    hub.script("list", answer, forever=True)
    result = cli("ps", "--namespace", "alice")
    assert result.exit_code == code
    [error] = error_lines(result.stderr)
    assert f" {status} " in error
    assert words in error
    assert error.endswith(f"(request id req-{len(hub.seen())})")
    assert "Traceback" not in result.stderr


def test_no_request_id_no_mention(cli, hub: FaultServer):
    job = hub.add_job()
    hub.script("get", Respond(200, HTML, content_type="text/html", request_id=False))
    result = cli("inspect", f"alice/{job.id}")
    assert result.exit_code == 1
    [error] = error_lines(result.stderr)
    assert error == "Error: 200 The server answered an HTML page where JSON was expected"


@pytest.mark.parametrize("kind", ["malformed JSON", "unexpected shape"])
def test_hfjobs_debug_shows_the_traceback(cli, hub: FaultServer, monkeypatch, kind):
    monkeypatch.setenv("HFJOBS_DEBUG", "1")
    job = hub.add_job()
    hub.script("get", BODIES[kind])
    result = cli("inspect", f"alice/{job.id}")
    assert result.exit_code == 1
    assert len(error_lines(result.stderr)) == 1
    assert "Traceback (most recent call last)" in result.stderr
    assert "ResponseError" in result.stderr
