"""Profiles: saved logins (endpoint, token, namespace); a token goes only where it was saved for.

The `api` fixture fails on any request without a stub, so "nothing was sent to huggingface.co"
is checked by the absence of a stub for it.
"""

from __future__ import annotations

import json

from tests.conftest import auth_header
from tests.payloads import ENDPOINT, TOKEN, make_job, whoami

WORK = "http://work.test"
WORK_TOKEN = "hf_worktokenvalue0987654321"


def login_work(cli, api, *extra: str):
    api.get(f"{WORK}/api/whoami-v2", json=whoami(), match=[auth_header(WORK_TOKEN)])
    result = cli(
        "login", "--profile", "work", "--endpoint", WORK, "--namespace", "acme", *extra,
        input=WORK_TOKEN + "\n",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    return result


def test_a_single_token_file_from_before_profiles_keeps_working(cli, api, tmp_path):
    """A config file with a bare `token` (no endpoint recorded) is used as it always was."""
    folder = tmp_path / "config"
    folder.mkdir(mode=0o700)
    (folder / "config.toml").write_text(f'token = "{TOKEN}"\nnamespace = "alice"\n')
    (folder / "config.toml").chmod(0o600)
    api.get(f"{ENDPOINT}/api/whoami-v2", json=whoami(), match=[auth_header(TOKEN)])
    info = json.loads(cli("whoami", "--json").stdout)
    assert info["name"] == "alice" and info["profile"] == "default"
    assert info["tokenSource"].startswith("hfjobs config file")


def test_a_saved_token_is_not_sent_to_another_endpoint(cli, api, monkeypatch):
    """Logged in against one endpoint (the emulator, say), a plain whoami must not send that
    token to huggingface.co."""
    api.get(f"{ENDPOINT}/api/whoami-v2", json=whoami(), match=[auth_header(TOKEN)])
    assert cli("login", input=TOKEN + "\n").exit_code == 0
    monkeypatch.delenv("HF_ENDPOINT")  # now the default, https://huggingface.co
    result = cli("whoami")
    assert result.exit_code == 4
    assert "the saved token belongs to http://hub.test" in result.stderr
    assert len(api.calls) == 1  # the login's check only


def test_login_records_the_endpoint_and_the_token_works_there(cli, api, monkeypatch):
    api.get(f"{ENDPOINT}/api/whoami-v2", json=whoami(), match=[auth_header(TOKEN)])
    assert cli("login", input=TOKEN + "\n").exit_code == 0
    from hfjobs_cli import config

    assert config.load_config()["token_endpoint"] == ENDPOINT
    monkeypatch.delenv("HF_ENDPOINT")
    config.save_config({**config.load_config(), "endpoint": ENDPOINT})
    api.get(f"{ENDPOINT}/api/whoami-v2", json=whoami(), match=[auth_header(TOKEN)])
    assert cli("whoami").exit_code == 0


def test_a_profile_brings_its_endpoint_token_and_namespace(cli, api, monkeypatch):
    result = login_work(cli, api)
    assert "profile work" in result.stdout
    assert "hfjobs --profile work ps" in result.stderr
    monkeypatch.setenv("HF_TOKEN", TOKEN)  # another login's token: not sent to work.test
    api.get(f"{WORK}/api/jobs/acme", json=[make_job()], match=[auth_header(WORK_TOKEN)])
    result = cli("--profile", "work", "ps", "-q")
    assert result.exit_code == 0, result.stderr
    api.get(f"{WORK}/api/jobs/acme", json=[], match=[auth_header(WORK_TOKEN)])
    assert cli("ps", "-q", env={"HFJOBS_PROFILE": "work"}).exit_code == 0


def test_the_default_login_is_untouched_by_a_profile_login(cli, api, tmp_path):
    api.get(f"{ENDPOINT}/api/whoami-v2", json=whoami(), match=[auth_header(TOKEN)])
    assert cli("login", input=TOKEN + "\n").exit_code == 0
    login_work(cli, api)
    assert cli("config", "set", "flavor", "t4-small").exit_code == 0  # keeps the profiles
    from hfjobs_cli import config

    assert config.load_config()["token"] == TOKEN
    assert config.load_profiles()["work"] == {
        "endpoint": WORK, "namespace": "acme", "token": WORK_TOKEN
    }  # fmt: skip
    text = (tmp_path / "config" / "config.toml").read_text()
    assert '[profiles."work"]' in text


def test_config_list_shows_the_profile_endpoint_and_namespace_in_effect(cli, api):
    login_work(cli, api)
    listed = json.loads(cli("--profile", "work", "config", "list", "--json").stdout)
    assert listed["profile"] == {"value": "work", "source": "flag"}
    assert listed["endpoint"] == {"value": WORK, "source": "profile work"}
    assert listed["namespace"] == {"value": "acme", "source": "profile work"}
    human = cli("config", "list")
    assert "Profiles: default, local (built in), work" in human.stderr
    assert WORK_TOKEN not in human.output


def test_config_list_under_local(cli):
    listed = json.loads(cli("--local", "config", "list", "--json").stdout)
    assert listed["profile"]["value"] == "local"
    assert listed["namespace"]["value"] == "local"
    assert listed["endpoint"]["source"] == "--local"
    same = json.loads(cli("--profile", "local", "config", "list", "--json").stdout)
    assert same["profile"]["value"] == "local"


def test_an_unknown_profile_is_a_usage_error(cli, api):
    result = cli("--profile", "nope", "ps")
    assert result.exit_code == 2
    assert "No profile named 'nope'" in result.stderr
    assert "hfjobs login --profile nope" in result.stderr


def test_hints_carry_the_profile(cli, api):
    login_work(cli, api)
    job = make_job(stage="SCHEDULING", owner={"id": "x", "name": "acme", "type": "org"})
    api.post(f"{WORK}/api/jobs/acme", json=job, match=[auth_header(WORK_TOKEN)])
    result = cli("--profile", "work", "run", "-d", "python:3.12", "python", "-c", "print(1)")
    assert result.exit_code == 0, result.stderr
    assert f"Follow its log: hfjobs --profile work logs -f acme/{job['id']}" in result.stderr


def test_logout_of_a_profile_removes_it_only(cli, api):
    api.get(f"{ENDPOINT}/api/whoami-v2", json=whoami(), match=[auth_header(TOKEN)])
    assert cli("login", input=TOKEN + "\n").exit_code == 0
    login_work(cli, api)
    result = cli("logout", "--profile", "work")
    assert result.exit_code == 0 and "profile work was removed" in result.stdout
    from hfjobs_cli import config

    assert config.load_profiles() == {} and config.load_config()["token"] == TOKEN


def test_the_local_profile_needs_no_login(cli, api):
    result = cli("login", "--profile", "local", input=TOKEN + "\n")
    assert result.exit_code == 2
    assert "needs no login" in result.stderr
    assert not api.calls


def test_a_bad_profile_name_is_refused_before_anything_is_sent(cli, api):
    result = cli("login", "--profile", "a b", input=TOKEN + "\n")
    assert result.exit_code == 2 and "Invalid profile name" in result.stderr


def test_secrets_hf_token_falls_back_to_the_profile_token(cli, api):
    login_work(cli, api)
    job = make_job(stage="SCHEDULING")

    def has_token_secret(request):
        body = json.loads(request.body)
        ok = body.get("secrets") == {"HF_TOKEN": WORK_TOKEN}
        return ok, "" if ok else f"secrets were {body.get('secrets')}"

    api.post(f"{WORK}/api/jobs/acme", json=job, match=[has_token_secret])
    result = cli(
        "--profile", "work", "run", "-d", "-s", "HF_TOKEN", "python:3.12", "python", "-c", "1"
    )
    assert result.exit_code == 0, result.stderr
