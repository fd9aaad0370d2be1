"""`python -m hfjobs_cli` runs the CLI, as the `hfjobs` command does."""

from hfjobs_cli.entry import run

run()
