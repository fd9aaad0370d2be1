"""`hfjobs whoami`: who the token belongs to and where it came from."""

import json

from tests.conftest import auth_header
from tests.payloads import ENDPOINT, TOKEN, whoami


def test_token_precedence_env_then_config_then_hf_token_file(cli, api, tmp_path, monkeypatch):
    hf_home = tmp_path / "hf_home"
    hf_home.mkdir()
    (hf_home / "token").write_text("hf_fromhffile\n")
    api.get(f"{ENDPOINT}/api/whoami-v2", json=whoami(), match=[auth_header("hf_fromhffile")])
    assert "Hugging Face token file" in json.loads(cli("whoami", "--json").stdout)["tokenSource"]

    from hfjobs_cli import config

    config.save_config({"token": "hf_fromconfig"})
    api.get(f"{ENDPOINT}/api/whoami-v2", json=whoami(), match=[auth_header("hf_fromconfig")])
    assert "config file" in json.loads(cli("whoami", "--json").stdout)["tokenSource"]

    monkeypatch.setenv("HF_TOKEN", TOKEN)
    api.get(f"{ENDPOINT}/api/whoami-v2", json=whoami(), match=[auth_header(TOKEN)])
    assert (
        json.loads(cli("whoami", "--json").stdout)["tokenSource"] == "HF_TOKEN environment variable"
    )

    api.get(f"{ENDPOINT}/api/whoami-v2", json=whoami(), match=[auth_header("hf_flag")])
    assert (
        json.loads(cli("whoami", "--json", "--token", "hf_flag").stdout)["tokenSource"] == "--token"
    )


def test_whoami_human_never_prints_the_token(cli, api, logged_in):
    api.get(f"{ENDPOINT}/api/whoami-v2", json=whoami())
    result = cli("whoami")
    assert "alice" in result.stdout and "acme" in result.stdout
    assert "HF_TOKEN environment variable" in result.stdout
