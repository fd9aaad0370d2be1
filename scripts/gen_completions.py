"""Regenerate completions/ from the real command tree: `python scripts/gen_completions.py`.

The scripts are small stubs that call `hfjobs` back on every Tab press, so they change only
when typer's templates do; tests/test_completion.py fails when the committed copies drift.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

FILES = {"bash": "hfjobs.bash", "zsh": "_hfjobs", "fish": "hfjobs.fish", "powershell": "hfjobs.ps1"}


def generate() -> dict[str, str]:
    from hfjobs_cli.completion import completion_script

    return {name: completion_script(shell) for shell, name in FILES.items()}


def main() -> int:
    for name, text in generate().items():
        (ROOT / "completions" / name).write_text(text, encoding="utf-8", newline="\n")
        print(f"wrote completions/{name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
