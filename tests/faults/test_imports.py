"""What the installed command imports, in real subprocesses (PYTHONPROFILEIMPORTTIME lists
every module): piped output never loads rich, and --help and Tab never load typer."""

from __future__ import annotations

import pytest

from tests.faults.server import FaultServer, child_env, finish, log_lines, spawn


def imported(stderr: str) -> set[str]:
    return {
        line.rsplit("|", 1)[-1].strip()
        for line in stderr.splitlines()
        if line.startswith("import time:")
    }


@pytest.mark.parametrize(
    "args",
    [
        ["ps", "-a"],
        ["ps", "-a", "--json"],
        ["logs", "{job}"],
        ["logs", "-f", "-t", "{job}"],
        ["inspect", "{job}"],
    ],
)
def test_piped_commands_do_not_load_rich(fault_server: FaultServer, args):
    job = fault_server.add_job(lines=log_lines(5), stages=["COMPLETED"])
    argv = [a.format(job=f"alice/{job.id}") for a in args] + (
        ["--namespace", "alice"] if args[0] == "ps" else []
    )
    proc = spawn(argv, child_env(fault_server, PYTHONPROFILEIMPORTTIME="1"))
    code, out, err = finish(proc)
    assert code == 0, err[-2000:]
    assert out
    modules = imported(err)
    assert "requests" in modules  # the import list was read
    assert not {m for m in modules if m == "rich" or m.startswith("rich.")}


@pytest.mark.parametrize(
    "args,env",
    [
        (["--help"], {}),
        (["schedule", "run", "--help"], {}),
        ([], {"_HFJOBS_COMPLETE": "complete_bash", "COMP_WORDS": "hfjobs sc", "COMP_CWORD": "1"}),
        ([], {"_HFJOBS_COMPLETE": "complete_zsh", "_TYPER_COMPLETE_ARGS": "hfjobs "}),
    ],
)
def test_help_and_name_completion_do_not_load_typer(fault_server: FaultServer, args, env):
    proc = spawn(args, child_env(fault_server, PYTHONPROFILEIMPORTTIME="1", **env))
    code, out, err = finish(proc)
    assert code == 0, err[-2000:]
    assert out
    modules = imported(err)
    assert "hfjobs_cli.fast_data" in modules
    assert not {m for m in modules if m.split(".")[0] in ("typer", "click", "rich", "requests")}
