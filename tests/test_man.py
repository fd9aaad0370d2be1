"""The man page: generated from the command tree, committed in man/, printed by `hfjobs man`."""

from __future__ import annotations

import re
from pathlib import Path

from hfjobs_cli.fast_data import TREE
from hfjobs_cli.manpage import render

ROOT = Path(__file__).resolve().parent.parent
PAGE = ROOT / "man" / "hfjobs.1"


def test_the_committed_man_page_matches_the_command_tree():
    assert PAGE.read_text(encoding="utf-8") == render(), (
        "man/hfjobs.1 is stale: run python scripts/gen_fast.py, then python scripts/gen_man.py"
    )


def test_every_command_and_group_has_a_section():
    sections = set(re.findall(r'^\.SS "hfjobs (.*)"$', render(), re.M))
    every = {f"{path} {name}".strip() for path, names in TREE.items() for name in names}
    assert every == sections
    assert {"run", "schedule run", "webhook delete", "man"} <= sections


def test_no_line_is_read_as_a_roff_request_by_mistake():
    for line in render().splitlines():
        if line.startswith((".", "'")):
            assert re.match(r"^\.(\\\"|TH|SH|SS|B|nf|fi) ?", line), line


def test_hfjobs_man_prints_it(cli):
    result = cli("man")
    assert result.exit_code == 0
    assert result.stdout == PAGE.read_text(encoding="utf-8")
    assert result.stdout.startswith('.\\" Generated')
