"""Regenerate man/hfjobs.1 from the command tree: `python scripts/gen_man.py`.

Run it after scripts/gen_fast.py (the page is rendered from the help text that records);
tests/test_man.py fails when the committed page drifts.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGET = ROOT / "man" / "hfjobs.1"


def main() -> int:
    from hfjobs_cli.manpage import render

    TARGET.parent.mkdir(exist_ok=True)
    TARGET.write_text(render(), encoding="utf-8")
    print(f"wrote {TARGET.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
