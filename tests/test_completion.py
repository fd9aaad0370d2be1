"""Shell completion: the shipped scripts, command names, and dynamic ids from the cache."""

from __future__ import annotations

import json
import socket
import threading
from pathlib import Path

import pytest

from scripts.gen_completions import FILES, generate
from tests.conftest import auth_header
from tests.payloads import ENDPOINT, make_job, whoami

ROOT = Path(__file__).resolve().parent.parent


def test_committed_completion_scripts_match_the_command_tree():
    for name, text in generate().items():
        committed = (ROOT / "completions" / name).read_text(encoding="utf-8")
        assert committed == text, (
            f"completions/{name} is stale: run python scripts/gen_completions.py"
        )
    assert (ROOT / "completions" / "_hfjobs").read_text().startswith("#compdef hfjobs")


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish", "powershell"])
def test_completion_command_prints_the_script(cli, shell):
    result = cli("completion", shell)
    assert result.exit_code == 0
    assert result.stdout == (ROOT / "completions" / FILES[shell]).read_text()


def test_completion_of_an_unknown_shell(cli):
    result = cli("completion", "tcsh")
    assert result.exit_code == 2
    assert "bash, zsh, fish, powershell" in result.stderr


def complete(cli, words: str, shell: str = "zsh"):
    """Drive typer's completion protocol in-process; return (value, help) pairs."""
    env = {"_HFJOBS_COMPLETE": f"complete_{shell}", "_TYPER_COMPLETE_ARGS": words}
    if shell == "bash":
        parts = words.split(" ")
        env = {
            "_HFJOBS_COMPLETE": "complete_bash",
            "COMP_WORDS": words,
            "COMP_CWORD": str(len(parts) - 1),
        }
    result = cli(env=env)
    assert result.stderr == ""
    # zsh: typer answers `_files` (fall back to file names) when it has no candidate
    return "" if result.stdout.strip() == "_files" else result.stdout


def test_command_names(cli):
    assert complete(cli, "hfjobs lo", shell="bash").split() == ["logs", "login", "logout"]


def test_flavors_fall_back_to_the_built_in_list_without_a_token(cli, api):
    out = complete(cli, "hfjobs run --flavor a100")
    assert "a100-large" in out and "a100x8" in out
    assert len(api.calls) == 0


def test_job_ids_come_from_the_api_then_from_the_cache(cli, api, logged_in):
    api.get(f"{ENDPOINT}/api/whoami-v2", json=whoami())
    job = make_job(labels={"name": "train"}, stage="RUNNING")
    api.get(f"{ENDPOINT}/api/jobs/alice", json=[job], match=[auth_header()])
    out = complete(cli, "hfjobs logs ")
    assert job["id"] in out and "train (running)" in out
    api.reset()  # no stubs now: a network call would fail, so candidates must come from the cache
    out = complete(cli, "hfjobs cancel 0")
    assert job["id"] in out


def test_no_token_offers_no_ids_and_makes_no_request(cli, api):
    assert complete(cli, "hfjobs logs ") == ""
    assert len(api.calls) == 0


def test_namespaces_are_the_user_and_their_orgs(cli, api, logged_in):
    api.get(f"{ENDPOINT}/api/whoami-v2", json=whoami(orgs=("acme", "beta")))
    out = complete(cli, "hfjobs ps --namespace ")
    assert "alice" in out and "acme" in out and "beta" in out


def test_a_silent_api_does_not_hang_completion(cli, logged_in, monkeypatch):
    """A server that accepts connections and never answers: completion gives up by itself."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    accepted = []
    threading.Thread(target=lambda: accepted.append(listener.accept()), daemon=True).start()
    monkeypatch.setenv("HF_ENDPOINT", f"http://127.0.0.1:{listener.getsockname()[1]}")
    try:
        assert complete(cli, "hfjobs logs ") == ""
        assert accepted  # it did try, within its own read timeout
    finally:
        listener.close()


def test_stale_cache_is_served_and_refreshed_in_the_background(cli, api, logged_in, monkeypatch):
    from hfjobs_cli import completion

    api.get(f"{ENDPOINT}/api/whoami-v2", json=whoami())
    job = make_job()
    api.get(f"{ENDPOINT}/api/jobs/alice", json=[job])
    complete(cli, "hfjobs logs ")
    started = []
    monkeypatch.setattr(completion, "TTL", -1.0)
    monkeypatch.setattr(
        completion, "_refresh_in_background", lambda kind, ns, params: started.append(kind)
    )
    api.reset()
    assert job["id"] in complete(cli, "hfjobs logs ")
    assert started == ["jobs"]


def test_cache_files_are_private(cli, api, logged_in, tmp_path):
    api.get(f"{ENDPOINT}/api/whoami-v2", json=whoami())
    complete(cli, "hfjobs ps --namespace ")
    files = list((tmp_path / "cache").glob("complete-whoami-*.json"))
    assert len(files) == 1
    assert files[0].stat().st_mode & 0o077 == 0
    assert json.loads(files[0].read_text())["items"][0] == ["alice", "you"]


def test_a_job_the_cli_just_started_is_offered_at_once(cli, api, logged_in):
    """The cache is fresh (under a minute old) but stale: the CLI itself dropped it."""
    old, new = make_job(), make_job(stage="SCHEDULING")
    api.get(f"{ENDPOINT}/api/whoami-v2", json=whoami())
    api.get(f"{ENDPOINT}/api/jobs/alice", json=[old])
    assert new["id"] not in complete(cli, "hfjobs logs ")
    api.post(f"{ENDPOINT}/api/jobs/alice", json=new)
    assert cli("run", "-d", "--namespace", "alice", "python:3.12", "true").exit_code == 0
    api.get(f"{ENDPOINT}/api/jobs/alice", json=[new, old])
    assert new["id"] in complete(cli, "hfjobs logs ")


def test_completion_under_local_without_a_running_emulator_offers_nothing_and_starts_none(cli, api):
    assert complete(cli, "hfjobs --local logs ") == ""
    from hfjobs_cli.emulator import control

    assert control.status() is None


@pytest.mark.parametrize(
    "words,offered",
    [
        ("hfjobs run --fl", True),
        ("hfjobs run python:3.12 --fl", False),
        ("hfjobs run -d python:3.12 python --fl", False),
        ("hfjobs schedule run @daily --fl", True),
        ("hfjobs schedule run @daily python:3.12 --fl", False),
        ("hfjobs uv run --wi", True),
        ("hfjobs uv run train.py --wi", False),
    ],
)
def test_after_image_the_options_belong_to_the_job(cli, words, offered):
    """Parsing stops at IMAGE (or SCRIPT): Tab must not offer `--flavor` where it would be the
    job's own argument."""
    out = complete(cli, words, shell="bash").split()
    expected = "--with" if "uv" in words else "--flavor"
    assert (expected in out) is offered, out
