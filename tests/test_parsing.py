import pytest
from hypothesis import given
from hypothesis import strategies as st

from hfjobs_cli.errors import UsageError
from hfjobs_cli.parsing import (
    image_fields,
    parse_duration,
    parse_env_pairs,
    parse_job_ref,
    parse_label,
    parse_port,
    parse_timeout_seconds,
    read_env_file,
)


@pytest.mark.parametrize(
    "text,seconds",
    [("90", 90), ("90s", 90), ("5m", 300), ("1.5h", 5400), ("2d", 172800), ("1h30m", 5400),
     ("5M", 300), ("1w", 604800), (" 30m ", 1800), ("0.5h", 1800), ("1d2h3m4s", 93784), (".5m", 30)],
)  # fmt: skip
def test_durations(text, seconds):
    assert parse_duration(text) == seconds


@pytest.mark.parametrize(
    "text", ["", "5x", "-1", "0", "0s", "abc", "1h1h", "h", "1.2.3", "5 m x", "1m1h2", "--5"]
)
def test_bad_durations(text):
    with pytest.raises(UsageError) as err:
        parse_duration(text)
    assert "Invalid duration" in err.value.message


def test_timeouts_are_whole_seconds_at_least_one():
    assert parse_timeout_seconds("2.7") == 2
    with pytest.raises(UsageError):
        parse_timeout_seconds("0.4s")


@given(st.text(max_size=20))
def test_the_duration_parser_never_crashes(text):
    try:
        assert parse_duration(text) > 0
    except UsageError:
        pass


@given(st.integers(min_value=1, max_value=10**7), st.sampled_from(["", "s", "m", "h", "d", "w"]))
def test_durations_round_trip(number, unit):
    """Below the upper bound (366 days) a duration is what it says; above, a usage error."""
    factor = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}[unit]
    if number * factor <= 366 * 86400:
        assert parse_duration(f"{number}{unit}") == number * factor
    else:
        with pytest.raises(UsageError, match="at most 366 days"):
            parse_duration(f"{number}{unit}")


def test_env_pairs():
    env = {"HOME_VAR": "x"}
    assert parse_env_pairs(["A=1", "B=", "C=a=b", "HOME_VAR"], option="-e", environ=env) == {
        "A": "1", "B": "", "C": "a=b", "HOME_VAR": "x"}  # fmt: skip
    with pytest.raises(UsageError, match="MISSING is not set"):
        parse_env_pairs(["MISSING"], option="-e", environ=env)
    assert parse_env_pairs(["MISSING"], option="-e", environ=env, allow_missing=True) == {
        "MISSING": ""
    }
    with pytest.raises(UsageError, match="not a valid variable name"):
        parse_env_pairs(["=x"], option="-e", environ=env)


def test_env_files(tmp_path):
    path = tmp_path / "a.env"
    path.write_text(
        "\ufeff# comment\nexport A=1\nB='single $NOT'\nC=\"esc\\nline\"\nD=${HOME}\nE=plain # note\n\nFROM_ENV\n",
        encoding="utf-8",
    )
    values = read_env_file(str(path), option="--env-file", environ={"FROM_ENV": "yes"})
    assert values == {
        "A": "1",
        "B": "single $NOT",
        "C": "esc\nline",
        "D": "${HOME}",
        "E": "plain",
        "FROM_ENV": "yes",
    }


@pytest.mark.parametrize(
    "content,message",
    [
        ("A=1\nB='open\n", "line 2"),
        ("GOOD=1\n1BAD=2\n", "line 2"),
        ("A=1\nNOPE\n", "line 2: NOPE has no value"),
    ],
)
def test_env_file_errors_name_the_line(tmp_path, content, message):
    path = tmp_path / "bad.env"
    path.write_text(content)
    with pytest.raises(UsageError) as err:
        read_env_file(str(path), option="--env-file", environ={})
    assert message in err.value.message and str(path) in err.value.message


def test_env_file_not_utf8(tmp_path):
    path = tmp_path / "latin.env"
    path.write_bytes(b"A=caf\xe9\n")
    with pytest.raises(UsageError, match="not a UTF-8 text file"):
        read_env_file(str(path), option="--env-file")


@pytest.mark.parametrize(
    "item,expected",
    [("a=b", ("a", "b")), ("a", ("a", "")), ("k_1-x=v.1-2_3", ("k_1-x", "v.1-2_3"))],
)
def test_labels(item, expected):
    assert parse_label(item) == expected


@pytest.mark.parametrize(
    "item", ["=x", "a b=c", "a=b=c", "a=é", "x" * 101 + "=1", "a=" + "v" * 101]
)
def test_bad_labels(item):
    with pytest.raises(UsageError):
        parse_label(item)


@pytest.mark.parametrize(
    "text,namespace,expected",
    [
        ("abc", None, (None, "abc")),
        ("ns/abc", None, ("ns", "abc")),
        ("abc", "org", ("org", "abc")),
        ("org/abc", "org", ("org", "abc")),
    ],
)
def test_job_refs(text, namespace, expected):
    assert parse_job_ref(text, namespace=namespace) == expected


@pytest.mark.parametrize("text", ["a/b/c", "ns/", "/id", "", "a b", "ns/../x"])
def test_bad_job_refs(text):
    with pytest.raises(UsageError):
        parse_job_ref(text)


@given(
    st.from_regex(r"[a-z0-9][a-z0-9-]{0,19}", fullmatch=True),
    st.from_regex(r"[0-9a-f]{24}", fullmatch=True),
)
def test_job_refs_round_trip(ns, ident):
    assert parse_job_ref(f"{ns}/{ident}") == (ns, ident)


def test_ports():
    assert parse_port("8000", option="--expose") == 8000
    for bad in ("0", "70000", "http", "-1"):
        with pytest.raises(UsageError):
            parse_port(bad, option="--expose")


def test_images():
    assert image_fields("python:3.12") == {"dockerImage": "python:3.12"}
    assert image_fields("hf.co/spaces/a/b") == {"spaceId": "a/b"}
    with pytest.raises(UsageError):
        image_fields("hf.co/spaces/only-owner")


def test_env_file_with_nul_bytes(tmp_path):
    path = tmp_path / "bin.env"
    path.write_bytes(b"A=1\x00\n")
    with pytest.raises(UsageError, match="NUL bytes"):
        read_env_file(str(path), option="--env-file")
