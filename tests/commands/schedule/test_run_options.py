"""`schedule run` moves the options typed after SCHEDULE in front of it. It reads them from
their public names and arities, without click's internal parser; this proves it reads them as
that parser does (the reference below), usage errors and Tab completion's reading included."""

import pytest
import typer
from typer.core import TyperCommand
from typer.main import get_command

from hfjobs_cli.commands.schedule.run import ScheduleRunCommand, schedule_run
from hfjobs_cli.errors import UsageError
from hfjobs_cli.options import RUN_CONTEXT


def _commands():
    app = typer.Typer()
    app.command("run", cls=ScheduleRunCommand, context_settings=RUN_CONTEXT)(schedule_run)
    app.command("other")(lambda: None)  # two commands: "run" stays a subcommand
    group = get_command(app)
    return group, group.commands["run"]


def _click_reads(command, ctx, args):
    """The leftover of click's own option parser (what the command used to call)."""
    options = [p for p in command.params if p.param_type_name == "option"]
    probe = TyperCommand(command.name, params=options, context_settings=command.context_settings)
    try:
        return probe.make_parser(ctx).parse_args(args=list(args))[1]
    except Exception as exc:  # click's BadOptionUsage
        return exc.format_message()


CASES = [
    [],
    ["@daily"],
    ["@daily", "python:3.12", "echo", "--flavor"],
    ["--flavor", "t4-small", "@daily", "img"],
    ["--flavor=t4-small", "@daily", "img"],
    ["--flavor=", "@daily"],
    ["-e", "A=1", "-eB=2", "-e=C", "@daily", "img"],
    ["-qs", "TOKEN", "@daily"],
    ["-qsTOKEN", "@daily"],
    ["-qz", "@daily"],
    ["-zq", "-y", "@daily"],
    ["--bogus", "@daily", "img"],
    ["--bogus=1", "@daily"],
    ["--", "@daily", "--flavor"],
    ["-", "@daily"],
    ["", "@daily"],
    ["--concurrency", "--no-concurrency", "--suspend", "@daily"],
    ["--help", "@daily"],
    ["--dry-run", "--json", "-q", "@daily", "img"],
    ["--attempts", "abc", "@daily"],
    ["--flavor"],
    ["--suspend", "--flavor"],
    ["--dry-run=1", "@daily"],
    ["--no-concurrency=0"],
    ["-e"],
    ["-qe"],
    ["-q", "-l"],
    ["--bogus", "-qe"],
]


@pytest.mark.parametrize("resilient", [False, True], ids=["run", "tab"])
@pytest.mark.parametrize("args", CASES, ids=" ".join)
def test_options_are_read_as_clicks_parser_reads_them(args, resilient):
    group, command = _commands()
    parent = group.context_class(group, info_name="hfjobs")
    ctx = command.context_class(
        command, info_name="run", parent=parent, resilient_parsing=resilient, **RUN_CONTEXT
    )
    expected = _click_reads(command, ctx, args)
    try:
        got = command._leftover(ctx, list(args))
    except UsageError as exc:
        assert exc.hint == "See `hfjobs --help`"
        got = exc.message
    assert got == expected


def test_a_value_missing_after_schedule_is_reported_as_before(cli):
    result = cli("schedule", "run", "@daily", "--flavor")
    assert result.exit_code == 2
    assert result.stderr == (
        "Error: Option '--flavor' requires an argument.\nHint: See `hfjobs --help`\n"
    )
