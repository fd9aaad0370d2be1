"""A local Jobs server: the Hugging Face Jobs API, served on this machine, running jobs for real.

Start it with `python -m hfjobs_cli.emulator serve` (or `hfjobs emulator serve`), then point any
client at it with the two `export` lines it prints (`HF_ENDPOINT` and `HF_TOKEN`).

This package is imported lazily by the CLI: keep this module free of imports. The public entry
points live in `hfjobs_cli.emulator.control`.
"""
