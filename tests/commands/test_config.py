"""hfjobs config: defaults with flag > environment > config file > built-in precedence."""

import json
import os
import stat

import pytest
from responses import matchers

from tests.commands.helpers import JOBS
from tests.payloads import ENDPOINT, make_job


def test_set_get_unset_list(cli, tmp_path):
    assert cli("config", "set", "namespace", "acme").stdout == "✓ namespace = acme\n"
    assert cli("config", "set", "timeout", "2h").exit_code == 0
    assert cli("config", "get", "namespace").stdout == "acme\n"
    listing = json.loads(cli("config", "list", "--json").stdout)
    assert listing["namespace"] == {"value": "acme", "source": "config file"}
    assert listing["flavor"] == {"value": "cpu-basic", "source": "default"}
    assert listing["endpoint"]["source"] == "HF_ENDPOINT environment variable"
    path = tmp_path / "config" / "config.toml"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert cli("config", "unset", "namespace").exit_code == 0
    assert cli("config", "get", "namespace").stdout == ""
    assert "was not set" in cli("config", "unset", "namespace").stderr


def test_list_human_names_each_source(cli, monkeypatch):
    cli("config", "set", "flavor", "t4-small")
    monkeypatch.setenv("HFJOBS_TIMEOUT", "45m")
    rows = [line.split("\t") for line in cli("config", "list").stdout.splitlines()]
    assert rows[0] == ["KEY", "VALUE", "SOURCE"]
    assert ["flavor", "t4-small", "config file"] in rows
    assert ["timeout", "45m", "HFJOBS_TIMEOUT environment variable"] in rows
    assert ["namespace", "--", "unset"] in rows


@pytest.mark.parametrize(
    "args,message",
    [
        (["config", "set", "colour", "red"], "Unknown setting 'colour'"),
        (["config", "set", "timeout", "soon"], "Invalid timeout 'soon'"),
        (["config", "set", "endpoint", "ftp://x"], "http:// or https://"),
        (["config", "set", "namespace", "a b"], "Invalid namespace"),
        (["config", "get", "token"], "Unknown setting 'token'"),
    ],
)
def test_bad_keys_and_values_exit_2(cli, args, message):
    result = cli(*args)
    assert result.exit_code == 2
    assert message in result.stderr


def test_precedence_flag_env_file_default(cli, api, logged_in, monkeypatch):
    """The namespace and flavor a run uses: flag, then environment, then file, then default."""
    cli("config", "set", "namespace", "from-file")
    cli("config", "set", "flavor", "a10g-small")
    cli("config", "set", "timeout", "10m")

    def expect(namespace, flavor, timeout):
        api.post(
            f"{ENDPOINT}/api/jobs/{namespace}",
            json=make_job(),
            match=[
                matchers.json_params_matcher(
                    {"flavor": flavor, "timeoutSeconds": timeout}, strict_match=False
                )
            ],
        )

    expect("from-file", "a10g-small", 600)
    assert cli("run", "-d", "-q", "python:3.12", "true").exit_code == 0
    monkeypatch.setenv("HFJOBS_NAMESPACE", "from-env")
    monkeypatch.setenv("HFJOBS_FLAVOR", "t4-small")
    expect("from-env", "t4-small", 600)
    assert cli("run", "-d", "-q", "python:3.12", "true").exit_code == 0
    expect("from-flag", "l4x1", 60)
    assert (
        cli(
            "run",
            "-d",
            "-q",
            "--namespace",
            "from-flag",
            "--flavor",
            "l4x1",
            "--timeout",
            "1m",
            "python:3.12",
            "true",
        ).exit_code
        == 0
    )


def test_endpoint_from_the_config_file(cli, api, logged_in, monkeypatch):
    monkeypatch.delenv("HF_ENDPOINT")
    cli("config", "set", "endpoint", "http://other.test/")
    api.get("http://other.test/api/jobs/alice", json=[])
    assert cli("ps", "--namespace", "alice").exit_code == 0


def test_config_never_shows_the_token(cli, api, tmp_path):
    from hfjobs_cli import config as cfg

    cfg.save_config({"token": "hf_savedtoken123", "namespace": "acme"})
    for args in (["config", "list"], ["config", "list", "--json"], ["config", "get", "namespace"]):
        assert "hf_savedtoken123" not in cli(*args).output
    # set/unset keep the saved token
    cli("config", "set", "flavor", "t4-small")
    assert cfg.load_config()["token"] == "hf_savedtoken123"


def test_a_broken_config_file_is_a_clear_error(cli, tmp_path):
    folder = tmp_path / "config"
    folder.mkdir()
    (folder / "config.toml").write_text("namespace = [unclosed\n")
    result = cli("config", "list")
    assert result.exit_code == 2
    assert "not valid TOML" in result.stderr


def test_config_readable_by_others_gets_a_warning(cli, api, logged_in, tmp_path):
    from hfjobs_cli import config

    path = config.save_config({"namespace": "alice"})
    os.chmod(path, 0o644)
    api.get(f"{JOBS}", json=[])
    result = cli("ps")
    assert "can be read by other users" in result.stderr
