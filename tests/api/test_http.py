"""The transport: retries, Retry-After, budgets, redirects, netrc and error messages."""

import pytest
import requests
import responses

from hfjobs_cli.api import errors
from hfjobs_cli.api.http import RetryPolicy, Transport

URL = "http://hub.test/api/jobs/alice"


def transport(waits=None, **policy):
    return Transport(
        "http://hub.test",
        "hf_secret",
        user_agent="hfjobs/test",
        retry=RetryPolicy(**policy),
        sleep=(waits.append if waits is not None else lambda s: None),
    )


@responses.activate
def test_get_retries_5xx_and_429_honouring_retry_after():
    responses.get(URL, status=503)
    responses.get(URL, status=429, headers={"Retry-After": "7"})
    responses.get(URL, json=[])
    waits = []
    response = transport(waits).request("GET", URL)
    assert response.status_code == 200
    assert len(waits) == 2 and waits[1] == 7


@responses.activate
def test_retry_after_is_capped():
    responses.get(URL, status=429, headers={"Retry-After": "3600"})
    responses.get(URL, json=[])
    waits = []
    transport(waits, retry_after_cap=30).request("GET", URL)
    assert waits == [30]


@responses.activate
def test_gives_up_within_the_budget_with_a_clear_message():
    responses.get(URL, status=503, json={"error": "overloaded"})
    waits = []
    with pytest.raises(errors.ServerError) as err:
        transport(waits, attempts=4).request("GET", URL)
    assert len(waits) == 3
    assert "overloaded (after 4 attempts)" in str(err.value)


@responses.activate
def test_post_is_never_retried_on_5xx():
    responses.post(URL, status=503)
    with pytest.raises(errors.ServerError):
        transport().request("POST", URL, json_body={})
    assert len(responses.calls) == 1


@responses.activate
def test_post_after_a_read_timeout_is_ambiguous_not_retried():
    responses.post(URL, body=requests.exceptions.ReadTimeout("read timed out"))
    with pytest.raises(errors.ConnectionFailure, match="after it was sent"):
        transport().request("POST", URL, json_body={})
    assert len(responses.calls) == 1


@responses.activate
def test_post_is_retried_when_the_connection_never_opened():
    responses.post(URL, body=requests.exceptions.ConnectTimeout("connect timed out"))
    responses.post(URL, json={"id": "x"})
    assert transport().request("POST", URL, json_body={}).status_code == 200


@responses.activate
def test_connection_errors_exhaust_into_connection_failure():
    responses.get(URL, body=requests.exceptions.ConnectionError("Connection refused"))
    with pytest.raises(errors.ConnectionFailure, match="connection refused"):
        transport(attempts=3).request("GET", URL)
    assert len(responses.calls) == 3


@responses.activate
def test_no_token_after_a_redirect_to_another_host():
    responses.get(URL, status=302, headers={"Location": "http://evil.test/steal"})
    with pytest.raises(errors.ResponseError, match="another host"):
        transport().request("GET", URL)
    assert len(responses.calls) == 1


@responses.activate
def test_same_origin_redirect_on_get_keeps_the_token():
    responses.get(URL, status=307, headers={"Location": "/api/jobs/alice2"})
    responses.get(
        "http://hub.test/api/jobs/alice2",
        json=[],
        match=[responses.matchers.header_matcher({"authorization": "Bearer hf_secret"})],
    )
    assert transport().request("GET", URL).status_code == 200


@responses.activate
def test_redirect_on_post_is_an_error():
    responses.post(URL, status=307, headers={"Location": "/api/jobs/other"})
    with pytest.raises(errors.ResponseError, match="does not follow redirects"):
        transport().request("POST", URL, json_body={})


@responses.activate
def test_netrc_cannot_replace_the_token(tmp_path, monkeypatch):
    netrc = tmp_path / "netrc"
    netrc.write_text("machine hub.test login someone password netrc-password\n")
    netrc.chmod(0o600)
    monkeypatch.setenv("NETRC", str(netrc))
    responses.get(
        URL,
        json=[],
        match=[responses.matchers.header_matcher({"authorization": "Bearer hf_secret"})],
    )
    transport().request("GET", URL)


@pytest.mark.parametrize(
    "kwargs,expected",
    [
        ({"json": {"error": "Bad flavor"}}, "Bad flavor"),
        ({"json": {"error": ["a", "b"]}}, "a; b"),
        (
            {"json": {"error": "invalid_grant", "error_description": "expired"}},
            "invalid_grant: expired",
        ),
        ({"json": {"errors": [{"message": "nope"}]}}, "nope"),
        (
            {"body": "<html><body>502 Bad Gateway</body></html>", "content_type": "text/html"},
            "HTML page",
        ),
        ({"body": "plain words"}, "plain words"),
        ({"body": ""}, "Bad Request"),
        (
            {"json": {"error": "ignored"}, "headers": {"X-Error-Message": "from header"}},
            "from header",
        ),
    ],
)
@responses.activate
def test_error_messages_keep_the_servers_words(kwargs, expected):
    responses.get(
        URL, status=400, headers={"X-Request-Id": "r-1", **kwargs.pop("headers", {})}, **kwargs
    )
    with pytest.raises(errors.BadRequestError) as err:
        transport().request("GET", URL)
    assert expected in str(err.value)
    assert "r-1" in str(err.value)


@pytest.mark.parametrize("body", ["not json", "", "<!doctype html><p>hi</p>"])
@responses.activate
def test_malformed_success_bodies_are_response_errors(body):
    responses.get(URL, body=body, headers={"X-Request-Id": "r-2"})
    t = transport()
    with pytest.raises(errors.ResponseError) as err:
        t.json(t.request("GET", URL))
    assert err.value.status == 200 and err.value.request_id == "r-2"


def test_the_auth_object_never_shows_the_token():
    t = transport()
    assert "hf_secret" not in repr(t.auth)


@responses.activate
def test_post_is_sent_again_only_when_the_connection_was_refused_on_another_host():
    responses.post(URL, body=requests.exceptions.ConnectionError("[Errno 111] Connection refused"))
    responses.post(URL, json={"id": "x"})
    assert transport().request("POST", URL, json_body={}).status_code == 200
    assert len(responses.calls) == 2


@responses.activate
def test_a_refused_connection_on_this_machine_is_reported_at_once():
    url = "http://127.0.0.1:9/api/jobs/alice"
    responses.get(url, body=requests.exceptions.ConnectionError("[Errno 111] Connection refused"))
    waits = []
    t = Transport("http://127.0.0.1:9", None, user_agent="t", sleep=waits.append)
    with pytest.raises(errors.ConnectionFailure) as err:
        t.request("GET", url)
    assert waits == [] and len(responses.calls) == 1
    assert "Nothing listens at 127.0.0.1:9" in err.value.hint
    local = Transport("http://127.0.0.1:9", None, user_agent="t", sleep=waits.append, local=True)
    with pytest.raises(errors.ConnectionFailure) as err:
        local.request("GET", url)
    assert "`hfjobs emulator start`" in err.value.hint


@pytest.mark.parametrize("status", [408, 425, 429, 500, 502, 503, 504])
@responses.activate
def test_every_transient_status_is_retried(status):
    responses.get(URL, status=status)
    responses.get(URL, json=[])
    waits = []
    assert transport(waits).request("GET", URL).status_code == 200
    assert len(waits) == 1


@responses.activate
def test_userinfo_in_the_endpoint_is_dropped_and_never_shown():
    url = "http://hub.test/api/jobs/alice"
    responses.get(url, body=requests.exceptions.ConnectionError("reset by peer"))
    t = Transport("http://bob:pa55word@hub.test", None, user_agent="t", sleep=lambda s: None)
    assert t.endpoint == "http://hub.test"
    with pytest.raises(errors.ConnectionFailure) as err:
        t.request("GET", t.url("/api/jobs/alice"), attempts=1)
    assert "pa55word" not in str(err.value) and "bob" not in str(err.value)
    assert "authorization" not in {k.lower() for k in responses.calls[0].request.headers}


@responses.activate
def test_a_certificate_failure_names_the_reason_and_the_fix():
    responses.get(
        URL,
        body=requests.exceptions.SSLError(
            "HTTPSConnectionPool(host='hub.test', port=443): Max retries exceeded (Caused by "
            "SSLError(SSLCertVerificationError(1, '[SSL: CERTIFICATE_VERIFY_FAILED] certificate "
            "verify failed: self-signed certificate (_ssl.c:1006)')))"
        ),
    )
    waits = []
    with pytest.raises(errors.ConnectionFailure) as err:
        transport(waits).request("GET", URL)
    assert "TLS error: certificate verify failed: self-signed certificate" in str(err.value)
    assert "REQUESTS_CA_BUNDLE" in err.value.hint
    assert waits == []  # not retried: asking again cannot fix a certificate
