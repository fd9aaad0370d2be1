"""What other platforms do to a command-line tool, simulated here: stdout in a legacy encoding
(Windows picks cp1252 for pipes), text streams that write `\\r\\n`, a closed pipe reported as
EINVAL, and the completion protocols of PowerShell, zsh and fish."""

from __future__ import annotations

import errno
import io
import subprocess
import sys
from pathlib import Path

import pytest

from hfjobs_cli.output import configure_streams
from tests.payloads import ENDPOINT, make_job, whoami

ROOT = Path(__file__).resolve().parent.parent
TEXT = "é 你好 ▕█▌▏ 🚀"

# `hfjobs ARGS` in a child whose stdout is a text stream that writes `\r\n`, as on Windows.
WINDOWS_TEXT_STDOUT = (
    "import sys; sys.stdout.reconfigure(newline='\\r\\n'); "
    "from hfjobs_cli.main import main; raise SystemExit(main(sys.argv[1:]))"
)


class _Pipe(io.RawIOBase):
    """A pipe whose reader may go away; writing to it then fails as `error` (EINVAL on Windows)."""

    def __init__(self, isatty: bool = False) -> None:
        self.data = bytearray()
        self.error: OSError | None = None
        self._isatty = isatty

    def writable(self) -> bool:
        return True

    def isatty(self) -> bool:
        return self._isatty

    def write(self, b) -> int:
        if self.error is not None:
            raise self.error
        self.data += bytes(b)
        return len(b)


def _text_stream(encoding: str, *, isatty: bool = False) -> tuple[io.TextIOWrapper, _Pipe]:
    raw = _Pipe(isatty)
    return io.TextIOWrapper(io.BufferedWriter(raw), encoding=encoding), raw


def test_a_pipe_in_a_legacy_encoding_gets_utf8_and_never_raises(monkeypatch):
    stdout, out_raw = _text_stream("cp1252")
    stderr, err_raw = _text_stream("cp1252")
    monkeypatch.setattr(sys, "stdout", stdout)
    monkeypatch.setattr(sys, "stderr", stderr)
    with pytest.raises(UnicodeEncodeError):  # what Windows would do without it
        stdout.write(TEXT)
    configure_streams()
    stdout.write(TEXT + "\n")
    stdout.write("lone surrogate: \ud800\n")  # e.g. from a badly encoded server answer
    stderr.write(TEXT + "\n")
    stdout.flush()
    stderr.flush()
    assert out_raw.data.decode("utf-8") == f"{TEXT}\nlone surrogate: ?\n"
    assert err_raw.data.decode("utf-8") == f"{TEXT}\n"


def test_a_console_keeps_its_encoding_and_replaces_what_it_cannot_show(monkeypatch):
    stdout, raw = _text_stream("ascii", isatty=True)
    monkeypatch.setattr(sys, "stdout", stdout)
    configure_streams()
    stdout.write("caf\u00e9\n")
    stdout.flush()
    assert stdout.encoding == "ascii"
    assert raw.data == b"caf?\n"


def _run_child(
    *args: str, code: str = WINDOWS_TEXT_STDOUT, input: bytes | None = None, **env: str
) -> subprocess.CompletedProcess:
    import os

    return subprocess.run(
        [sys.executable, "-c", code, *args],
        input=input,
        capture_output=True,
        env={**os.environ, **env},
        cwd=ROOT,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish", "powershell"])
def test_completion_scripts_are_written_with_lf_even_by_a_crlf_text_stdout(shell):
    control = _run_child("--version")
    assert control.stdout.endswith(b"\r\n")  # the simulation is real: text output gets \r\n
    result = _run_child("completion", shell)
    assert result.returncode == 0, result.stderr
    assert b"\r" not in result.stdout
    expected = (ROOT / "completions").glob("*")
    assert result.stdout.decode("utf-8") in {p.read_text(encoding="utf-8") for p in expected}


def test_committed_completion_scripts_have_lf_line_ends():
    for path in (ROOT / "completions").iterdir():
        assert b"\r" not in path.read_bytes(), path


def test_a_pipe_closed_with_einval_ends_quietly(cli, api, logged_in, monkeypatch, capsys):
    """Windows reports a reader that went away (`hfjobs ps --json | more`, quit) as EINVAL."""
    from hfjobs_cli.main import main

    api.get(f"{ENDPOINT}/api/jobs/alice", json=[make_job()])
    stdout, raw = _text_stream("utf-8")
    raw.error = OSError(errno.EINVAL, "Invalid argument")
    monkeypatch.setattr(sys, "stdout", stdout)
    try:
        code = main(["ps", "-a", "--json", "--namespace", "alice"])
    finally:
        raw.error = None  # let the stand-in be flushed and collected quietly
    assert code == 1
    err = capsys.readouterr().err
    assert "Unexpected failure" not in err and "Traceback" not in err
    assert err == ""


def test_an_einval_that_is_not_the_pipe_is_still_reported(cli, monkeypatch):
    def fails(*args, **kwargs):
        raise OSError(errno.EINVAL, "Invalid argument")

    monkeypatch.setattr("hfjobs_cli.config.save_config", fails)  # a file write, not stdout
    result = cli("config", "set", "namespace", "acme")
    assert result.exit_code == 1
    assert "Unexpected failure: OSError" in result.stderr


# -- completion, called the way each shell's script calls it ---------------------------------


def _complete(cli, **env: str) -> list[str]:
    result = cli(env=env)
    assert result.stderr == ""
    return result.stdout.split()


@pytest.fixture
def one_job(api, logged_in):
    api.get(f"{ENDPOINT}/api/whoami-v2", json=whoami())
    job = make_job(labels={"name": "train"}, stage="RUNNING")
    api.get(f"{ENDPOINT}/api/jobs/alice", json=[job])
    return job["id"]


def test_powershell_after_a_space_completes_the_commands_argument(cli, one_job):
    # PowerShell's script passes `$commandAst.ToString()` (no trailing space) and the word
    # under the cursor apart: an empty word after `logs`.
    out = _complete(
        cli,
        _HFJOBS_COMPLETE="complete_powershell",
        _TYPER_COMPLETE_ARGS="hfjobs logs",
        _TYPER_COMPLETE_WORD_TO_COMPLETE="",
    )
    assert any(line.startswith(one_job) for line in out), out


def test_powershell_in_a_word_completes_that_word(cli, one_job):
    out = _complete(
        cli,
        _HFJOBS_COMPLETE="complete_powershell",
        _TYPER_COMPLETE_ARGS=f"hfjobs logs {one_job[:4]}",
        _TYPER_COMPLETE_WORD_TO_COMPLETE=one_job[:4],
    )
    assert any(line.startswith(one_job) for line in out), out


def test_powershell_completes_command_names(cli):
    out = _complete(
        cli,
        _HFJOBS_COMPLETE="complete_powershell",
        _TYPER_COMPLETE_ARGS="hfjobs lo",
        _TYPER_COMPLETE_WORD_TO_COMPLETE="lo",
    )
    assert [line.split(":::")[0] for line in out] == ["logs", "login", "logout"]


@pytest.mark.parametrize("shell", ["zsh", "fish"])
def test_zsh_and_fish_pass_the_line_up_to_the_cursor(cli, one_job, shell):
    # zsh: `${words[1,$CURRENT]}`, fish: `commandline -cp`; an empty current word is a
    # trailing space.
    env = {"_HFJOBS_COMPLETE": f"complete_{shell}", "_TYPER_COMPLETE_ARGS": "hfjobs logs "}
    if shell == "fish":
        env["_TYPER_COMPLETE_FISH_ACTION"] = "get-args"
    out = cli(env=env).stdout
    assert one_job in out


def test_powershell_completes_an_options_value(cli, api):
    out = _complete(
        cli,
        _HFJOBS_COMPLETE="complete_powershell",
        _TYPER_COMPLETE_ARGS="hfjobs run --flavor",
        _TYPER_COMPLETE_WORD_TO_COMPLETE="",
    )
    assert "t4-small" in " ".join(out)
    assert len(api.calls) == 0  # no token: the built-in list, no request


# -- values that go into the job's shell line ------------------------------------------------


def test_uv_run_quotes_every_value_of_a_local_scripts_shell_line(cli, tmp_path):
    import json
    import shlex

    script = tmp_path / "train.py"
    script.write_text("print(1)\n")
    values = ["numpy>=1.26", "torch; sys_platform == 'linux'", '$(touch x) "y"']
    args = [a for v in values for a in ("--with", v)]
    result = cli("uv", "run", "--dry-run", "--json", *args, "-p", "3.12 ;", str(script), "a b")
    assert result.exit_code == 0, result.stderr
    body = json.loads(result.stdout)
    words = shlex.split(body["command"][2].split("&& exec ", 1)[1])
    assert words == ["uv", "run", *args, "--python", "3.12 ;", "$d/train.py", "$@"]
    assert body["command"][3:] == ["uv-run", "a b"]


# -- emulator env for each shell ---------------------------------------------------------------


@pytest.fixture
def running_emulator(monkeypatch):
    from types import SimpleNamespace

    from hfjobs_cli.emulator import control

    info = SimpleNamespace(url="http://127.0.0.1:8765", token="hfjobs_local_it's")
    monkeypatch.setattr(control, "status", lambda data_dir=None: info)
    return info


@pytest.mark.posix  # bash
def test_emulator_env_for_posix_shells_is_evaluated_by_bash(cli, running_emulator):
    result = cli("emulator", "env", "--shell", "posix")
    assert result.exit_code == 0, result.stderr
    shown = subprocess.run(
        [
            "bash",
            "-c",
            'eval "$1" && printf "%s\\n" "$HF_ENDPOINT" "$HF_TOKEN"',
            "-",
            result.stdout,
        ],
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    ).stdout
    assert shown == f"{running_emulator.url}\n{running_emulator.token}\n"


@pytest.mark.posix  # the emulator (natively on Windows: WSL, see README)
def test_emulator_env_for_powershell_and_cmd(cli, running_emulator):
    # No PowerShell or cmd here: the lines are checked against each shell's quoting rules
    # (PowerShell: a single-quoted string doubles its quotes; cmd: `set "NAME=value"`).
    powershell = cli("emulator", "env", "--shell", "powershell").stdout
    assert powershell == (
        "$Env:HF_ENDPOINT = 'http://127.0.0.1:8765'\n$Env:HF_TOKEN = 'hfjobs_local_it''s'\n"
    )
    cmd = cli("emulator", "env", "--shell", "cmd").stdout
    assert cmd == 'set "HF_ENDPOINT=http://127.0.0.1:8765"\nset "HF_TOKEN=hfjobs_local_it\'s"\n'
    bad = cli("emulator", "env", "--shell", "tcsh")
    assert bad.exit_code == 2 and "posix, powershell or cmd" in bad.stderr


@pytest.mark.parametrize(
    ("platform", "environ", "shell"),
    [
        ("linux", {}, "posix"),
        ("darwin", {"PSModulePath": r"C:\Users\ann\Documents\PowerShell\Modules"}, "posix"),
        ("win32", {"MSYSTEM": "MINGW64", "USERPROFILE": r"C:\Users\ann"}, "posix"),  # Git Bash
        (
            "win32",
            {
                "USERPROFILE": r"C:\Users\ann",
                "PSModulePath": r"C:\Users\ann\Documents\WindowsPowerShell\Modules;C:\Program Files\WindowsPowerShell\Modules",
            },
            "powershell",
        ),
        (
            "win32",
            {
                "USERPROFILE": r"C:\Users\ann",
                "PSModulePath": r"C:\Program Files\WindowsPowerShell\Modules",
            },
            "cmd",
        ),
    ],
)
def test_emulator_env_detects_the_shell(platform, environ, shell):
    from hfjobs_cli.commands.emulator import detect_shell

    assert detect_shell(environ, platform) == shell


@pytest.mark.posix  # the emulator (natively on Windows: WSL, see README)
def test_emulator_env_without_shell_uses_the_detected_one(cli, running_emulator, monkeypatch):
    monkeypatch.setattr("hfjobs_cli.commands.emulator.detect_shell", lambda: "powershell")
    assert cli("emulator", "env").stdout.startswith("$Env:HF_ENDPOINT = ")


# -- stdin and time zones ------------------------------------------------------------------------

PLAIN = "import sys; from hfjobs_cli.main import main; raise SystemExit(main(sys.argv[1:]))"


@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"])  # PowerShell pipes may add a BOM
def test_env_file_from_stdin_is_read_as_utf8_whatever_the_locale(bom):
    import json

    text = "GREETING=" + TEXT + "\n"
    for option in ("--env-file", "--secrets-file"):
        result = _run_child(
            "run", "--dry-run", "--json", option, "-", "python:3.12", "true",
            code=PLAIN, input=bom + text.encode(), PYTHONIOENCODING="cp1252",
        )  # fmt: skip
        assert result.returncode == 0, result.stderr.decode()
        body = json.loads(result.stdout.decode("utf-8"))
        if option == "--env-file":
            assert body["environment"] == {"GREETING": TEXT}
        else:
            assert body["secrets"] == {"GREETING": "***"}


def test_env_file_from_stdin_that_is_not_utf8_is_a_usage_error():
    result = _run_child(
        "run", "--dry-run", "--env-file", "-", "python:3.12", "true",
        code=PLAIN, input="GREETING=café\n".encode("cp1252"),
    )  # fmt: skip
    assert result.returncode == 2
    assert b"--env-file -: stdin is not UTF-8 text" in result.stderr


NO_SYSTEM_ZONES = "import os, zoneinfo; assert not any(map(os.listdir, zoneinfo.TZPATH)); " + PLAIN


def test_time_zones_work_without_a_system_database(tmp_path):
    """Windows has no /usr/share/zoneinfo: zoneinfo falls back to the tzdata package."""
    empty = tmp_path / "no-zoneinfo"
    empty.mkdir()
    result = _run_child(
        "schedule", "next", "--tz", "Europe/Paris", "-n", "1", "0 9 1 7 *",
        code=NO_SYSTEM_ZONES, PYTHONTZPATH=str(empty),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr.decode()
    header, row = result.stdout.decode().splitlines()[:2]
    assert header.split("\t")[1] == "EUROPE/PARIS"
    assert row.split("\t")[1].endswith("T11:00:00+02:00")  # 09:00 UTC in July, summer time


def test_without_any_time_zone_database_the_hint_names_tzdata(tmp_path):
    empty = tmp_path / "no-zoneinfo"
    empty.mkdir()
    code = "import sys; sys.modules['tzdata'] = None; " + NO_SYSTEM_ZONES
    result = _run_child(
        "schedule", "next", "--tz", "Europe/Paris", "0 9 * * *", code=code, PYTHONTZPATH=str(empty)
    )
    assert result.returncode == 2
    assert b"Unknown time zone 'Europe/Paris'" in result.stderr
    assert b"install the `tzdata` package" in result.stderr


def test_tzdata_is_required_on_windows():
    from importlib.metadata import requires

    from packaging.requirements import Requirement

    required = [Requirement(r) for r in requires("hfjobs-cli") or []]
    [tzdata] = [r for r in required if r.name == "tzdata" and "extra" not in str(r.marker)]
    assert tzdata.marker.evaluate({"sys_platform": "win32"})
    assert not tzdata.marker.evaluate({"sys_platform": "linux"})
