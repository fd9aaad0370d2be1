"""`hfjobs logout`."""

from tests.payloads import ENDPOINT, TOKEN, whoami


def test_logout_removes_the_token(cli, api, tmp_path):
    api.get(f"{ENDPOINT}/api/whoami-v2", json=whoami())
    cli("login", input=TOKEN + "\n")
    result = cli("logout")
    assert result.exit_code == 0
    assert TOKEN not in (tmp_path / "config" / "config.toml").read_text()
    assert cli("whoami").exit_code == 4
