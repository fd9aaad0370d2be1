"""Every `schedule` subcommand's help."""

from __future__ import annotations

# -- the group -------------------------------------------------------------------------------


def test_every_subcommand_has_an_example_in_its_help(cli):
    names = ["run", "ls", "inspect", "next", "history", "trigger", "suspend", "resume",
             "reschedule", "labels", "delete"]  # fmt: skip
    group = cli("schedule", "--help")
    assert group.exit_code == 0
    for name in names:
        assert f"\n  {name} " in group.stdout
        result = cli("schedule", name, "--help")
        assert result.exit_code == 0
        assert "Examples:" in result.stdout and f"hfjobs schedule {name}" in result.stdout
