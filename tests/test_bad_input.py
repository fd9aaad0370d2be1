"""The bad-input catalogue: every command fed its malformed inputs.

Each row must end with exit 2, nothing on stdout, one `Error:` line that names the bad input
(a `Hint:` or `Warning:` line may follow or precede it), no traceback, and no request sent:
the fault server behind HF_ENDPOINT records every request, and must record none.

Then property-based tests (hypothesis) for the parsers: no input crashes them (they return or
raise UsageError), and what they accept round-trips.
"""

from __future__ import annotations

import string
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hfjobs_cli import cron
from hfjobs_cli.commands.webhook._shared import parse_watch
from hfjobs_cli.errors import UsageError
from hfjobs_cli.parsing import (
    image_fields,
    parse_duration,
    parse_env_pairs,
    parse_job_ref,
    parse_label,
    parse_port,
    parse_volume,
    read_env_file,
)
from tests.faults import server as faults
from tests.faults.server import FaultServer

fault_server, hub = faults.fault_server, faults.hub  # the fault server's fixtures

JOB = "alice/0123456789abcdef01234567"
IMG = ["python:3.12", "true"]
UNSET = "HFJOBS_TEST_NOT_SET_ANYWHERE"

ENV_FILES = {  # name -> bytes; written to {dir}/name
    "open-quote.env": b"A=1\nB='open\n",
    "bad-name.env": b"GOOD=1\n1BAD=2\n",
    "bare-unset.env": f"A=1\n{UNSET}\n".encode(),
    "latin1.env": b"A=caf\xe9\n",
    "utf16.env": "A=1\n".encode("utf-16"),
    "cp1252-quotes.env": b"A=\x93quoted\x94\n",
}


def row(*argv: str, needle: str, env: dict[str, str] | None = None):
    return pytest.param(list(argv), needle, env or {}, id=" ".join(argv)[:70])


CATALOGUE = [
    # -- durations -------------------------------------------------------------------------
    row("run", "--timeout", "5x", *IMG, needle="'5x'"),
    row("run", "--timeout", "0", *IMG, needle="'0'"),
    row("run", "--timeout", "-1", *IMG, needle="'-1'"),
    row("run", "--timeout", "1h1h", *IMG, needle="'1h1h'"),
    row("run", "--timeout", "nan", *IMG, needle="'nan'"),
    row("run", "--timeout", "0.4s", *IMG, needle="'0.4s'"),
    row("run", "--timeout", "ten minutes", *IMG, needle="'ten minutes'"),
    row("schedule", "run", "--timeout", "-1", "@daily", *IMG, needle="'-1'"),
    row("uv", "run", "--timeout", "1.2.3", "lighteval", needle="'1.2.3'"),
    row("rerun", "--timeout", "abc", JOB, needle="'abc'"),
    row("wait", "--timeout", "forever", JOB, needle="'forever'"),
    row("wait", "--timeout", "-5m", JOB, needle="'-5m'"),
    row("wait", "--interval", "0", JOB, needle="'0'"),
    row("config", "set", "timeout", "5x", needle="'5x'"),
    row(
        "run",
        "--timeout",
        "",
        *IMG,
        needle="Invalid timeout ''",
    ),  # fmt: skip
    # -- env files, env pairs and secrets --------------------------------------------------
    row("run", "--env-file", "{dir}/open-quote.env", *IMG, needle="open-quote.env, line 2"),
    row("run", "--env-file", "{dir}/bad-name.env", *IMG, needle="line 2: '1BAD'"),
    row("run", "--env-file", "{dir}/bare-unset.env", *IMG, needle=f"line 2: {UNSET}"),
    row("run", "--env-file", "{dir}/latin1.env", *IMG, needle="latin1.env: not a UTF-8"),
    row("run", "--env-file", "{dir}/utf16.env", *IMG, needle="utf16.env: not a UTF-8"),
    row("run", "--env-file", "{dir}/cp1252-quotes.env", *IMG, needle="cp1252-quotes.env"),
    row("run", "--env-file", "{dir}", *IMG, needle="is a directory"),
    row("run", "--env-file", "{dir}/missing.env", *IMG, needle="missing.env: no such file"),
    row("run", "--secrets-file", "{dir}/open-quote.env", *IMG, needle="open-quote.env, line 2"),
    row("run", "--secrets-file", "{dir}/latin1.env", *IMG, needle="latin1.env: not a UTF-8"),
    row("schedule", "run", "--env-file", "{dir}/bad-name.env", "@daily", *IMG, needle="1BAD"),
    row("uv", "run", "--secrets-file", "{dir}/utf16.env", "lighteval", needle="utf16.env"),
    row("rerun", "--secrets-file", "{dir}/open-quote.env", JOB, needle="open-quote.env"),
    row("run", "--env-file", "-", "--secrets-file", "-", *IMG, needle="--env-file -"),
    row("run", "-e", "=x", *IMG, needle="'=x'"),
    row("run", "-e", "1A=2", *IMG, needle="'1A'"),
    row("run", "-e", "A B=1", *IMG, needle="'A B'"),
    row("run", "-e", UNSET, *IMG, needle=f"{UNSET} is not set"),
    row("run", "-s", UNSET, *IMG, needle=f"{UNSET} is not set"),
    row("run", "-s", "A-B=1", *IMG, needle="'A-B'"),
    row("rerun", "-e", "1A=2", JOB, needle="'1A'"),
    # -- labels and names --------------------------------------------------------------------
    row("run", "-l", "=x", *IMG, needle="'=x'"),
    row("run", "-l", "a b=c", *IMG, needle="'a b=c'"),
    row("run", "-l", "a=b=c", *IMG, needle="'a=b=c'"),
    row("run", "-l", "a=é", *IMG, needle="'a=é'"),
    row("run", "-l", "k" * 101 + "=1", *IMG, needle="k" * 101),
    row("run", "-l", "a=" + "v" * 101, *IMG, needle="v" * 101),
    row("run", "--name", "my job", *IMG, needle="'name=my job'"),
    row("run", "--name", "x", "-l", "name=y", *IMG, needle="--name or --label name"),
    row("ps", "-l", "a b=c", needle="'a b=c'"),
    row("ps", "-l", "team", needle="'team'"),
    row("ps", "--name", "bad name", needle="bad name"),
    row("cancel", "-y", "-l", "a b=c", needle="'a b=c'"),
    row("wait", "-l", "=x", needle="'=x'"),
    row("labels", JOB, "-l", "a b", needle="'a b'"),
    row("schedule", "labels", JOB, "-l", "a=b c", needle="'a=b c'"),
    row("schedule", "ls", "-l", "a b=c", needle="'a b=c'"),
    row("schedule", "run", "-l", "a=b c", "@daily", *IMG, needle="'a=b c'"),
    # -- job ids -----------------------------------------------------------------------------
    *[row("inspect", bad, needle=f"'{bad}'") for bad in ("a/b/c", "ns/", "/id", "", "a b")],
    row("inspect", "ns/../x", needle="'ns/../x'"),
    row("inspect", "--namespace", "bob", JOB, needle="--namespace is 'bob'"),
    *[
        row(*cmd, "a/b/c", *rest, needle="'a/b/c'")
        for cmd, rest in [
            (["logs"], []),
            (["logs", "-f"], []),
            (["cancel", "-y"], []),
            (["wait"], []),
            (["rerun"], []),
            (["stats"], []),
            (["labels"], []),
            (["expose"], ["80"]),
            (["ssh"], []),
            (["schedule", "inspect"], []),
            (["schedule", "trigger"], []),
            (["schedule", "suspend"], []),
            (["schedule", "resume"], []),
            (["schedule", "delete", "-y"], []),
            (["schedule", "history"], []),
            (["schedule", "reschedule"], ["@daily"]),
            (["schedule", "labels"], ["-l", "a=b"]),
        ]
    ],  # fmt: skip
    row("inspect", "a\nb", needle="'a\\nb'"),  # one line, even with a newline in the input
    row("run", "-l", "a\x1b[31m=x", *IMG, needle="'a\\x1b[31m=x'"),
    row("webhook", "inspect", "a/b", needle="'a/b'"),
    row("webhook", "create", "--watch", "model:a/b", "--job-id", "a/b/c", needle="'a/b/c'"),
    # -- cron expressions ------------------------------------------------------------------
    row("schedule", "run", "not a cron", *IMG, needle="'not a cron'"),
    row("schedule", "run", "* * * *", *IMG, needle="got 4"),
    row("schedule", "run", "* * * * * *", *IMG, needle="got 6"),
    row("schedule", "run", "61 * * * *", *IMG, needle="minute field '61'"),
    row("schedule", "run", "0 0 * * 8", *IMG, needle="day-of-week field '8'"),
    row("schedule", "run", "0 0 32 * *", *IMG, needle="day-of-month field '32'"),
    row("schedule", "run", "0 0 * 13 *", *IMG, needle="month field '13'"),
    row("schedule", "run", "@fortnightly", *IMG, needle="'@fortnightly'"),
    row("schedule", "run", "0 0 30 2 *", *IMG, needle="never fires"),
    row("schedule", "run", "", *IMG, needle="it is empty"),
    row("schedule", "reschedule", JOB, "0 25 * * *", needle="hour field '25'"),
    row("schedule", "next", "* * * * MON-FUNDAY", needle="'MON-FUNDAY'"),
    row("schedule", "next", "-n", "0", "@daily", needle="--count 0"),
    row("schedule", "next", "-n", "5000", "@daily", needle="--count 5000"),
    row("schedule", "next", "--tz", "Mars/Phobos", "@daily", needle="'Mars/Phobos'"),
    # -- flavors -----------------------------------------------------------------------------
    row("config", "set", "flavor", "no such flavor", needle="'no such flavor'"),
    row(
        "run",
        "--flavor",
        "a b",
        *IMG,
        needle="'a b'",
    ),  # fmt: skip
    # -- ports -------------------------------------------------------------------------------
    row("run", "--expose", "0", *IMG, needle="'0'"),
    row("run", "--expose", "70000", *IMG, needle="'70000'"),
    row("run", "--expose", "http", *IMG, needle="'http'"),
    row("run", "--expose-public", "-1", *IMG, needle="'-1'"),
    row("expose", JOB, "0", needle="'0'"),
    row("expose", JOB, "65536", needle="'65536'"),
    row("expose", JOB, "--public", "abc", needle="'abc'"),
    row("schedule", "run", "--expose", "x", "@daily", *IMG, needle="'x'"),
    # -- volumes -----------------------------------------------------------------------------
    row("run", "-v", "/local:/data", *IMG, needle="'/local:/data'"),
    row("run", "-v", "hf://a:/m", *IMG, needle="'hf://a:/m'"),
    row("run", "-v", "hf://model/a/b:/m", *IMG, needle="plural type"),
    row("run", "-v", "hf://a/b", *IMG, needle="'hf://a/b'"),
    row("run", "-v", "hf://buckets/a/b@rev:/m", *IMG, needle="buckets have no revision"),
    row("run", "-v", "hf://a/b:/m:rw", *IMG, needle="only buckets take :rw"),
    row("run", "-v", "hf://datasets/a/b:/m:ro:rw", *IMG, needle="'hf://datasets/a/b:/m:ro:rw'"),
    row("uv", "run", "-v", "hf://x:/m", "lighteval", needle="'hf://x:/m'"),
    # -- watch specs, domains, URLs ------------------------------------------------------------
    *[
        row("webhook", "create", "--watch", bad, "--job-id", JOB, needle=f"'{bad}'")
        for bad in ("model", "foo:a/b", "model:", "user:a/b", "model:a b", "dataset:a/b/c")
    ],
    row(
        "webhook",
        "create",
        "--watch",
        "model:a/b",
        "--job-id",
        JOB,
        "--domain",
        "issues",
        needle="'issues'",
    ),  # fmt: skip
    row("webhook", "create", "--watch", "model:a/b", "--url", "ftp://x", needle="'ftp://x'"),
    row("webhook", "create", "--watch", "model:a/b", needle="--job-id or --url"),
    row("webhook", "update", "hookid", "--watch", "nope", needle="'nope'"),
    # -- other values ------------------------------------------------------------------------
    row("run", "--attempts", "0", *IMG, needle="--attempts 0"),
    row("run", "--attempts", "x", *IMG, needle="'x'"),
    row("run", "python:3.12", needle="Missing COMMAND"),
    row("run", "hf.co/spaces/only-owner", "true", needle="'hf.co/spaces/only-owner'"),
    row("run", "--bogus", *IMG, needle="--bogus"),
    row("ps", "--status", "BOGUS", needle="'BOGUS'"),
    row("ps", "--limit", "-1", needle="-1"),
    row("ps", "--interval", "0.5", needle="0.5"),
    row("logs", "-n", "-1", JOB, needle="-1"),
    row("logs", "--tail", "x", JOB, needle="'x'"),
    row("hardware", "--max-price", "abc", needle="'abc'"),
    row("hardware", "--max-price", "-1", needle="'-1'"),
    row("ssh", "-i", "{dir}/missing_key", JOB, needle="missing_key"),
    row("config", "set", "nokey", "x", needle="'nokey'"),
    row("config", "set", "endpoint", "ftp://x", needle="'ftp://x'"),
    row("config", "get", "nokey", needle="'nokey'"),
    row("completion", "tcsh", needle="'tcsh'"),
    row("emulator", "serve", "--port", "70000", needle="70000"),
    row("emulator", "start", "--runtime", "bogus", needle="'bogus'"),
    row(
        "ps",
        "--namespace",
        "a b",
        needle="'a b'",
    ),  # fmt: skip
    # -- numbers with an upper bound (issue 12) ----------------------------------------------
    row("run", "--timeout", "99999999999999999999999d", "python:3.12", "true", needle="366 days"),
    row("run", "--timeout", "100000000w", "python:3.12", "true", needle="366 days"),
    row("run", "--timeout", "9" * 400, "python:3.12", "true", needle="366 days"),
    row("wait", "--timeout", "367d", JOB, needle="366 days"),
    row("wait", "--interval", "53w", JOB, needle="366 days"),
    row("ps", "--limit", "99999999999999999999999", needle="--limit"),
    row("ps", "-w", "--interval", "nan", needle="--interval"),
    row("logs", "-n", "99999999999999999999999", JOB, needle="--tail"),
    row("run", "--attempts", "1000", "python:3.12", "true", needle="--attempts"),
    # -- environment knobs -------------------------------------------------------------------
    *[
        row("ps", "--namespace", "alice", needle=f"{knob}='{value}'", env={knob: value})
        for knob, value in [
            ("HFJOBS_RETRIES", "abc"),
            ("HFJOBS_RETRY_BUDGET", "x"),
            ("HFJOBS_READ_TIMEOUT", "soon"),
            ("HFJOBS_CONNECT_TIMEOUT", "1s"),
            # zero, negatives, NaN, infinities and overflow never disable a bound (issue 12)
            *[("HFJOBS_READ_TIMEOUT", v) for v in ("0", "-1", "nan", "inf", "1e999")],
            *[("HFJOBS_CONNECT_TIMEOUT", v) for v in ("0", "-5", "NaN")],
            *[("HFJOBS_RETRIES", v) for v in ("nan", "0", "-2", "1.5", "1e9", "inf")],
            *[("HFJOBS_RETRY_BUDGET", v) for v in ("nan", "0", "-1", "inf", "1e999")],
        ]
    ],
    *[
        row(
            "logs",
            "-f",
            JOB,
            needle=f"HFJOBS_STREAM_TIMEOUT='{v}'",
            env={"HFJOBS_STREAM_TIMEOUT": v},
        )
        for v in ("0", "nan")
    ],
    row("logs", "-f", JOB, needle="HFJOBS_STREAM_TIMEOUT='-'", env={"HFJOBS_STREAM_TIMEOUT": "-"}),
]


@pytest.fixture
def bad_files(tmp_path) -> Path:
    folder = tmp_path / "inputs"
    folder.mkdir()
    for name, data in ENV_FILES.items():
        (folder / name).write_bytes(data)
        (folder / name).chmod(0o600)
    return folder


@pytest.mark.parametrize("argv,needle,env", CATALOGUE)
def test_bad_input_exits_2_with_one_line_naming_it_and_sends_nothing(
    cli, hub: FaultServer, bad_files, monkeypatch, argv, needle, env
):
    monkeypatch.delenv(UNSET, raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    result = cli(*[a.replace("{dir}", str(bad_files)) for a in argv], input="")
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    errors = [line for line in lines if line.startswith("Error:")]
    assert len(errors) == 1, result.stderr
    assert needle in errors[0]
    assert all(line.startswith(("Error:", "Hint:", "Warning:")) for line in lines), lines
    assert hub.seen() == []  # checked before anything was sent


ACCEPTED = [  # odd but valid: the same commands take them (dry runs send nothing)
    (["--env-file", "{dir}/bom-crlf.env"], {"environment": {"A": "1", "B": "2", "C": "x y"}}),
    (["--timeout", "1H30M"], {"timeoutSeconds": 5400}),
    (["--timeout", " 90 "], {"timeoutSeconds": 90}),
    (["-l", "k_1-x=v.1-2_3", "-l", "flag"], {"labels": {"k_1-x": "v.1-2_3", "flag": ""}}),
    (["--expose", "080"], {"expose": {"ports": [80], "portsPublic": []}}),
    (["-v", "hf://buckets/a/b:/m:rw"], {"volumes": [{"type": "bucket", "source": "a/b",
                                                     "mountPath": "/m", "readOnly": False}]}),
]  # fmt: skip


@pytest.mark.parametrize("extra,fields", ACCEPTED, ids=[" ".join(a) for a, _ in ACCEPTED])
def test_odd_but_valid_input_is_accepted(cli, hub: FaultServer, tmp_path, extra, fields):
    import json

    (tmp_path / "bom-crlf.env").write_bytes(
        b'\xef\xbb\xbfA=1\r\nexport B=2\r\n# note\r\nC="x y"\r\n'
    )
    args = [a.replace("{dir}", str(tmp_path)) for a in extra]
    result = cli("run", "--dry-run", "--json", *args, *IMG)
    assert result.exit_code == 0, result.stderr
    body = json.loads(result.stdout)
    for key, value in fields.items():
        if key == "labels":
            value = {**value, "hfjobs-request-id": "rid0"}
        assert body[key] == value
    assert hub.seen() == []


@pytest.mark.parametrize("schedule", ["@DAILY", "  0  9 * * 1 ", "*/15 * * * MON-FRI"])
def test_odd_but_valid_schedules_are_accepted(cli, hub: FaultServer, schedule):
    result = cli("schedule", "next", "-n", "1", schedule)
    assert result.exit_code == 0, result.stderr
    assert hub.seen() == []


# -- properties of the parsers --------------------------------------------------------------

KEY = st.from_regex(r"[A-Za-z0-9_-]{1,100}", fullmatch=True)
VALUE = st.from_regex(r"[A-Za-z0-9._-]{0,100}", fullmatch=True)
ENV_NAME = st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,30}", fullmatch=True)
ENV_VALUE = st.text(
    st.characters(blacklist_categories=("Cc", "Cs"), blacklist_characters="\u2028\u2029\x85"),
    max_size=40,
)
NAME = st.from_regex(r"[A-Za-z0-9_.-]{1,30}", fullmatch=True)
ANY = st.text(max_size=60)


def refuses_or_returns(parse, text):
    try:
        return parse(text)
    except UsageError as exc:
        assert exc.message
        return None


@given(ANY)
def test_no_text_crashes_the_single_value_parsers(text):
    refuses_or_returns(parse_label, text)
    refuses_or_returns(lambda t: parse_port(t, option="--expose"), text)
    refuses_or_returns(parse_volume, text)
    refuses_or_returns(parse_watch, text)
    refuses_or_returns(parse_job_ref, text)
    refuses_or_returns(image_fields, text)
    refuses_or_returns(parse_duration, text)
    refuses_or_returns(lambda t: parse_env_pairs([t], option="-e", environ={}), text)


@settings(deadline=None, max_examples=150)
@given(
    st.one_of(
        ANY,
        st.lists(
            st.sampled_from(["*", "0", "5", "*/7", "1-5", "MON", "JAN", "L", "?", "#", ","]),
            max_size=7,
        ).map(" ".join),
    )
)
def test_no_text_crashes_the_schedule_parser(text):  # fmt: skip
    refuses_or_returns(cron.validate, text)


@settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=200))
def test_no_bytes_crash_the_env_file_reader(tmp_path, data):
    path = tmp_path / "any.env"
    path.write_bytes(data)
    refuses_or_returns(lambda p: read_env_file(p, option="--env-file", environ={}), str(path))


@given(KEY, VALUE)
def test_labels_round_trip(key, value):
    assert parse_label(f"{key}={value}") == (key, value)


@given(st.integers(1, 65535))
def test_ports_round_trip(port):
    assert parse_port(str(port), option="--expose") == port


@given(st.integers(min_value=-(10**6), max_value=0) | st.integers(min_value=65536))
def test_ports_out_of_range_are_refused(port):
    assert refuses_or_returns(lambda t: parse_port(t, option="--expose"), str(port)) is None


@given(st.integers(0, 3), st.integers(0, 23), st.integers(0, 59), st.integers(0, 59))
def test_compound_durations_add_up(d, h, m, s):
    text = "".join(f"{n}{u}" for n, u in [(d, "d"), (h, "h"), (m, "m"), (s, "s")] if n)
    total = d * 86400 + h * 3600 + m * 60 + s
    if total:
        assert parse_duration(text or "0") == total


@given(st.sampled_from(["model", "dataset", "space", "bucket"]), NAME, NAME)
def test_repository_watch_specs_round_trip(kind, owner, name):
    assert parse_watch(f"{kind.upper()}:{owner}/{name}") == {
        "type": kind,
        "name": f"{owner}/{name}",
    }


@given(st.sampled_from(["user", "org"]), NAME)
def test_account_watch_specs_round_trip(kind, name):
    assert parse_watch(f"{kind}:{name}") == {"type": kind, "name": name}


VOLUME_TYPES = {"models": "model", "datasets": "dataset", "spaces": "space", "buckets": "bucket"}


@given(
    st.sampled_from(["", *VOLUME_TYPES]),
    NAME.filter(
        lambda n: n not in VOLUME_TYPES and n not in ("model", "dataset", "space", "bucket")
    ),
    st.from_regex(r"[A-Za-z0-9_.-]{1,30}", fullmatch=True),
    st.one_of(st.none(), st.from_regex(r"[A-Za-z0-9_.-]{1,12}", fullmatch=True)),
    st.one_of(st.none(), st.from_regex(r"[a-z0-9_]{1,8}(/[a-z0-9_]{1,8}){0,2}", fullmatch=True)),
    st.from_regex(r"/[a-z0-9_]{1,12}(/[a-z0-9_]{1,8}){0,2}", fullmatch=True),
    st.sampled_from(["", ":ro", ":rw"]),
)
def test_volumes_round_trip(prefix, owner, name, revision, path, mount, flag):
    kind = VOLUME_TYPES.get(prefix, "model")
    if kind == "bucket":
        revision = None
    elif flag == ":rw":
        flag = ":ro"
    spec = "hf://" + (f"{prefix}/" if prefix else "") + f"{owner}/{name}"
    spec += (f"@{revision}" if revision else "") + (f"/{path}" if path else "") + f":{mount}{flag}"
    volume = parse_volume(spec)
    assert volume["type"] == kind and volume["source"] == f"{owner}/{name}"
    assert volume["mountPath"] == mount
    assert volume.get("revision") == revision and volume.get("path") == path
    assert volume.get("readOnly") == ({":ro": True, ":rw": False}.get(flag))


@settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.dictionaries(ENV_NAME, ENV_VALUE, max_size=6))
def test_env_files_round_trip(tmp_path, values):
    def quoted(value: str) -> str:
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'

    path = tmp_path / "round.env"
    path.write_text("".join(f"{k}={quoted(v)}\n" for k, v in values.items()), encoding="utf-8")
    assert read_env_file(str(path), option="--env-file", environ={}) == values


@given(st.dictionaries(ENV_NAME, ENV_VALUE, max_size=6))
def test_env_pairs_round_trip(values):
    items = [f"{k}={v}" for k, v in values.items()]
    assert parse_env_pairs(items, option="-e", environ={}) == values


FIELD = {
    "minute": st.sampled_from(["*", "0", "59", "*/5", "1-30", "0,15,30"]),
    "hour": st.sampled_from(["*", "0", "23", "*/6", "9-17"]),
    "dom": st.sampled_from(["*", "1", "15", "28", "1-7"]),
    "month": st.sampled_from(["*", "1", "12", "JAN", "*/3", "6-8"]),
    "dow": st.sampled_from(["*", "0", "6", "MON-FRI", "SUN", "1,3,5"]),
}


@settings(deadline=None)
@given(*FIELD.values(), st.sampled_from([" ", "  ", "\t"]))
def test_valid_schedules_are_accepted_and_normalised_once(m, h, dom, mon, dow, sep):
    text = sep.join([m, h, dom, mon, dow])
    normalised = cron.validate(f" {text} ")
    assert normalised == " ".join([m, h, dom, mon, dow])
    assert cron.validate(normalised) == normalised


@given(st.sampled_from(list(cron.ALIASES)), st.booleans())
def test_schedule_aliases_in_any_case(alias, upper):
    assert cron.validate(alias.upper() if upper else alias) == alias


@given(
    st.from_regex(r"[a-z0-9][a-z0-9-]{0,19}", fullmatch=True), st.text(string.hexdigits, min_size=1)
)
def test_job_refs_with_a_namespace_round_trip(ns, ident):
    assert parse_job_ref(f"{ns}/{ident}", namespace=ns) == (ns, ident)


# -- the token is a secret or nothing (issue 12) --------------------------------------------
@pytest.mark.parametrize(
    "args",
    [
        ["run", "--dry-run", "-e", "HF_TOKEN", "python:3.12", "true"],
        ["run", "-d", "-e", "HF_TOKEN", "python:3.12", "true"],
        ["run", "-d", "-e", "HF_TOKEN=hf_testtokenvalue1234567890", "python:3.12", "true"],
        ["run", "-d", "-e", "HUGGING_FACE_HUB_TOKEN", "python:3.12", "true"],
        ["run", "-d", "--env-file", "{envfile}", "python:3.12", "true"],
        ["uv", "run", "-d", "-e", "HF_TOKEN", "script.py"],
        ["schedule", "run", "--dry-run", "-e", "HF_TOKEN", "@daily", "python:3.12", "true"],
    ],
    ids=["dry-run", "run", "run-value", "hub-token", "env-file", "uv", "schedule"],
)
def test_the_token_in_the_plain_environment_is_refused(
    cli, hub: FaultServer, tmp_path, monkeypatch, args
):
    """A bare HF_TOKEN in -e or an env file would copy the token where --dry-run and inspect
    show it: exit 2, a hint to use -s HF_TOKEN, the value nowhere, nothing sent."""
    envfile = tmp_path / "job.env"
    envfile.write_text("MODE=fast\nHF_TOKEN\n")
    (tmp_path / "script.py").write_text("print(1)\n")
    monkeypatch.chdir(tmp_path)
    result = cli(*[a.replace("{envfile}", str(envfile)) for a in args])
    assert result.exit_code == 2, result.output
    assert "would put a token in the job's plain environment" in result.stderr
    assert "Hint: Pass it as a secret: -s " in result.stderr
    assert "hf_testtoken" not in result.output
    assert result.stdout == ""
    assert not [r for r in hub.seen() if r.method == "POST"]


def test_the_token_as_a_secret_is_still_forwarded(cli, hub: FaultServer):
    result = cli("run", "--dry-run", "-s", "HF_TOKEN", "python:3.12", "true")
    assert result.exit_code == 0, result.stderr
    assert '"HF_TOKEN": "***"' in result.stdout
