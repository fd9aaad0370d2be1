"""The entry point and the error boundary: --version, --help, unknown commands, failures."""


def test_version_and_help(cli):
    from hfjobs_cli import __version__

    assert cli("--version").stdout == f"hfjobs {__version__}\n"
    result = cli("--help")
    assert result.exit_code == 0
    assert "Exit codes:" in result.stdout and "HF_TOKEN" in result.stdout
    assert cli().exit_code == 0  # no arguments: the help


def test_unknown_command_is_a_one_line_usage_error(cli):
    result = cli("lgos")
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0].startswith("Error: No such command 'lgos'")
    assert "Did you mean" in result.stderr or "hfjobs --help" in result.stderr


def test_unexpected_failures_are_one_line_unless_debugging(cli, api, logged_in, monkeypatch):
    def boom(*args, **kwargs):
        raise RuntimeError("kaboom")

    monkeypatch.setattr("hfjobs_cli.api.jobs.Jobs.list", boom)
    result = cli("ps", "--namespace", "alice")
    assert result.exit_code == 1
    assert "Unexpected failure: RuntimeError: kaboom" in result.stderr
    assert "Traceback" not in result.stderr
    result = cli("ps", "--namespace", "alice", env={"HFJOBS_DEBUG": "1"})
    assert "Traceback" in result.stderr
