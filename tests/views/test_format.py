"""The views' shared text helpers (`views/format.py`): commands, durations, amounts, times."""

import shlex
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hfjobs_cli.views import command_text, format_duration, format_usd, relative_time


@given(
    st.lists(
        st.text(
            alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
            max_size=12,
        ),
        max_size=6,
    )
)
def test_command_text_pastes_back_into_a_shell(args):
    assert shlex.split(command_text(args)) == args


@pytest.mark.parametrize(
    "command,text",
    [
        (["python", "-c", "print('hi')"], "python -c \"print('hi')\""),
        (["echo", "$HOME"], "echo '$HOME'"),
        (["ls", "-l", "/tmp"], "ls -l /tmp"),
        (["echo", ""], 'echo ""'),
    ],
)
def test_command_text_reads_like_typed(command, text):
    assert command_text(command) == text


@pytest.mark.parametrize(
    "seconds,text",
    [
        (None, "--"),
        (0, "0s"),
        (45, "45s"),
        (92, "1m 32s"),
        (1800, "30m"),
        (5400, "1h 30m"),
        (7200, "2h"),
        (93600, "1d 2h"),
    ],
)
def test_durations(seconds, text):
    assert format_duration(seconds) == text


@pytest.mark.parametrize(
    "amount,text",
    [(None, "--"), (0, "$0.00"), (0.0042, "$0.0042"), (12.5, "$12.50"), (1234.5, "$1,234.50")],
)
def test_usd(amount, text):
    assert format_usd(amount) == text


def test_relative_times():
    now = datetime(2026, 1, 1, tzinfo=UTC)
    assert relative_time(now - timedelta(seconds=10), now) == "just now"
    assert relative_time(now - timedelta(minutes=5), now) == "5 minutes ago"
    assert relative_time(now + timedelta(hours=3), now) == "in 3 hours"
    assert relative_time(now - timedelta(days=1), now) == "1 day ago"
    assert relative_time(None, now) == "--"
