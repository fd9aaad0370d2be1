"""Fixtures shared by the command tests (requested by name, none automatic)."""

import pytest


@pytest.fixture
def no_sleeping(monkeypatch):
    """The commands' own waits (polls, redraws, reconnects) run instantly, and are recorded."""
    slept = []
    monkeypatch.setattr("hfjobs_cli.clock.sleep", slept.append)
    return slept


@pytest.fixture
def github(tmp_path, monkeypatch):
    """A GitHub Actions step: the runner's variables and files in a temp folder."""
    files = tmp_path / "runner"
    files.mkdir()
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    monkeypatch.setenv("GITHUB_OUTPUT", str(files / "output"))
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(files / "summary"))
    monkeypatch.setenv("RUNNER_TEMP", str(files))
    return files
