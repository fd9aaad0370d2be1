"""A TLS endpoint whose certificate the client does not trust (issue 12): the error names the
reason and the fix (`REQUESTS_CA_BUNDLE`) at once, without retries; with that variable set
to the certificate, the same endpoint works. A real HTTPS server, a real self-signed
certificate (made with the openssl command)."""

from __future__ import annotations

import shutil
import ssl
import subprocess
from collections.abc import Iterator

import pytest

from tests.faults.server import FaultServer
from tests.payloads import TOKEN


@pytest.fixture
def tls_hub(tmp_path, monkeypatch) -> Iterator[tuple[FaultServer, str]]:
    if shutil.which("openssl") is None:  # pragma: no cover - every CI image has it
        pytest.fail("the openssl command is needed to make a test certificate")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    server = FaultServer()
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.httpd.socket = context.wrap_socket(server.httpd.socket, server_side=True)
    server.url = server.url.replace("http://", "https://")
    server.start()
    monkeypatch.setenv("HF_ENDPOINT", server.url)
    monkeypatch.setenv("HF_TOKEN", TOKEN)
    monkeypatch.delenv("REQUESTS_CA_BUNDLE", raising=False)
    monkeypatch.delenv("CURL_CA_BUNDLE", raising=False)
    try:
        yield server, str(cert)
    finally:
        server.stop()


def test_an_untrusted_certificate_names_the_reason_and_the_fix(cli, tls_hub, monkeypatch):
    server, cert = tls_hub
    waits: list[float] = []
    monkeypatch.setattr("hfjobs_cli.clock.sleep", waits.append)
    result = cli("ps", "--namespace", "alice")
    assert result.exit_code == 6, result.stderr
    assert "TLS error: certificate verify failed: self-signed certificate" in result.stderr
    assert "(1 attempt)" in result.stderr and waits == []  # asking again cannot fix it
    assert "REQUESTS_CA_BUNDLE" in result.stderr
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", cert)  # the fix the hint names
    server.add_job(stages=["RUNNING"])
    result = cli("ps", "-q", "--namespace", "alice")
    assert result.exit_code == 0, result.stderr
    assert len(result.stdout.split()) == 1
