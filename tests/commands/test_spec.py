"""The run-style commands name the job's options alike: `spec_options(ctx.params)` and
`launch` read them by parameter name, so a flag named otherwise in one command would be lost."""

import pytest
from typer.main import get_command

from hfjobs_cli.commands._spec import SPEC_PARAMS, spec_options
from hfjobs_cli.registry import make_app

RUN_STYLE = [("uv", "run"), ("schedule", "run"), ("rerun",), ("webhook", "create")]
# what spec_options and launch read from the parameters
READ_BY_NAME = {
    *SPEC_PARAMS,
    *("image", "command", "file", "matrix"),
    *("namespace", "token", "detach", "if_running", "max_cost", "yes"),
}


def _command(path):
    command = get_command(make_app())
    for word in path:
        command = command.commands[word]
    return command


def _flags(command):
    return {flag: p.name for p in command.params for flag in (*p.opts, *p.secondary_opts)}


def test_run_takes_every_parameter_read_by_name():
    assert READ_BY_NAME <= {p.name for p in _command(("run",)).params}


@pytest.mark.parametrize("path", RUN_STYLE, ids=" ".join)
def test_a_flag_has_runs_parameter_name_in_every_run_style_command(path):
    run_flags = _flags(_command(("run",)))
    renamed = {
        flag: name
        for flag, name in _flags(_command(path)).items()
        if run_flags.get(flag) in READ_BY_NAME and name != run_flags[flag]
    }
    assert not renamed


def test_parameters_absent_or_unset_are_the_defaults():
    """A command without --ssh (schedule run), or typer's empty tuple for a list option."""
    opts = spec_options({"image": "python:3.12", "command": ("true",), "env": (), "label": None})
    assert (opts.image, opts.command, opts.env, opts.labels) == ("python:3.12", ["true"], [], [])
    assert (opts.ssh, opts.dry_run, opts.flavor, opts.volumes) == (False, False, None, [])
