"""`hfjobs rerun` at the HTTP boundary: a duplicate as it was, or a new spec with overrides."""

from responses import matchers

from tests.commands.helpers import JOBS
from tests.conftest import auth_header
from tests.payloads import make_job


def test_rerun_without_overrides_duplicates(cli, api, logged_in):
    new = make_job(stage="SCHEDULING", initiator={"type": "duplicated-job", "id": "a" * 24})
    api.post(f"{JOBS}/{'a' * 24}/duplicate", json=new, match=[auth_header()])
    result = cli("rerun", "-d", "-q", f"alice/{'a' * 24}")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == f"{new['id']}\n"


def test_rerun_with_overrides_builds_a_new_spec(cli, api, logged_in, monkeypatch):
    old = make_job(
        id="b" * 24, environment={"A": "1"}, secrets=["DB"], flavor="cpu-basic", timeoutSeconds=600,
        labels={"name": "old", "team": "ml", "hfjobs-request-id": "previous"}, attempts=2,
    )  # fmt: skip
    api.get(f"{JOBS}/{'b' * 24}", json=old)
    monkeypatch.setenv("DB", "pw")
    body = {
        "dockerImage": "python:3.12", "command": ["python", "-c", "print(42)"], "arguments": [],
        "environment": {"A": "1", "B": "2"}, "secrets": {"DB": "pw"}, "flavor": "t4-small",
        "timeoutSeconds": 3600, "attempts": 2,
        "labels": {"team": "ml", "name": "bigger", "hfjobs-request-id": "rid0"},
    }  # fmt: skip
    api.post(JOBS, json=make_job(), match=[matchers.json_params_matcher(body)])
    result = cli(
        "rerun",
        "-d",
        "--flavor",
        "t4-small",
        "--timeout",
        "1h",
        "-e",
        "B=2",
        "-s",
        "DB",
        "--name",
        "bigger",
        f"alice/{'b' * 24}",
    )
    assert result.exit_code == 0, result.stderr
    assert "a rerun of" in result.stdout


def test_rerun_with_overrides_asks_for_the_secrets_again(cli, api, logged_in):
    old = make_job(id="c" * 24, secrets=["HF_TOKEN", "DB"])
    api.get(f"{JOBS}/{'c' * 24}", json=old)
    result = cli("rerun", "--flavor", "t4-small", f"alice/{'c' * 24}")
    assert result.exit_code == 2
    assert "HF_TOKEN, DB" in result.stderr and "-s HF_TOKEN -s DB" in result.stderr
    assert not any(c.request.method == "POST" for c in api.calls)
