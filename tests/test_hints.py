"""The one builder of printed commands: global options carried, words quoted, never a token."""

from __future__ import annotations

import shlex

import pytest

from hfjobs_cli import hints


@pytest.fixture(autouse=True)
def reset():
    yield
    hints.set_globals()


def test_a_plain_command():
    hints.set_globals()
    assert hints.command("logs", "-f", "alice/abc") == "hfjobs logs -f alice/abc"


def test_local_is_carried():
    hints.set_globals(local=True)
    assert hints.command("cancel", "local/abc") == "hfjobs --local cancel local/abc"


def test_a_profile_is_carried():
    hints.set_globals(profile="work")
    assert hints.command("inspect", "acme/abc") == "hfjobs --profile work inspect acme/abc"


def test_the_namespace_is_carried_when_given():
    hints.set_globals()
    assert hints.command("ps", "-a", namespace="acme") == "hfjobs ps -a --namespace acme"


def test_words_are_quoted_for_a_shell():
    hints.set_globals(profile="my team")
    line = hints.command("run", "python:3.12", "python", "-c", "print('x y')")
    assert shlex.split(line) == [
        "hfjobs", "--profile", "my team", "run", "python:3.12", "python", "-c", "print('x y')"
    ]  # fmt: skip


def test_the_root_command_records_local(cli, monkeypatch):
    """`--local` and HFJOBS_LOCAL=1 both reach the hints; a later plain run forgets them.

    `config get` runs the root command (a `--help` is answered by the fast path, which does not).
    """
    cli("--local", "config", "get", "flavor")
    assert hints.global_options() == ["--local"]
    monkeypatch.setenv("HFJOBS_LOCAL", "1")
    cli("config", "get", "flavor")
    assert hints.global_options() == ["--local"]
    monkeypatch.delenv("HFJOBS_LOCAL")
    cli("config", "get", "flavor")
    assert hints.global_options() == []
