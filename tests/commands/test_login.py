"""`hfjobs login` at the HTTP boundary: the token is checked, then saved privately."""

import json
import stat

from tests.conftest import auth_header
from tests.payloads import ENDPOINT, TOKEN, whoami


def test_login_checks_the_token_and_saves_it_privately(cli, api, tmp_path):
    api.get(f"{ENDPOINT}/api/whoami-v2", json=whoami(), match=[auth_header()])
    result = cli("login", input=TOKEN + "\n")
    assert result.exit_code == 0, result.stderr
    assert "Logged in as alice" in result.stdout
    path = tmp_path / "config" / "config.toml"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert TOKEN in path.read_text()
    # the saved token is used next time, and whoami says where it came from
    api.get(f"{ENDPOINT}/api/whoami-v2", json=whoami(), match=[auth_header()])
    result = cli("whoami", "--json")
    info = json.loads(result.stdout)
    assert info["name"] == "alice" and info["orgs"] == ["acme"]
    assert info["tokenSource"].startswith("hfjobs config file")


def test_login_with_a_rejected_token_saves_nothing(cli, api, tmp_path):
    api.get(
        f"{ENDPOINT}/api/whoami-v2",
        status=401,
        json={"error": "Invalid credentials in Authorization header"},
    )
    result = cli("login", input="hf_bad\n")
    assert result.exit_code == 4
    assert not (tmp_path / "config" / "config.toml").exists()


def test_login_with_empty_input_is_a_usage_error(cli, api):
    assert cli("login", input="\n").exit_code == 2
