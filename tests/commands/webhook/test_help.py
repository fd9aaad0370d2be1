"""Every `webhook` subcommand's help."""

from __future__ import annotations


def test_every_subcommand_has_help_with_an_example(cli):
    for verb in ("create", "ls", "list", "inspect", "update", "enable", "disable", "delete"):
        result = cli("webhook", verb, "--help")
        assert result.exit_code == 0, verb
        assert "Example" in result.stdout, verb
