"""`python -m hfjobs_cli` runs the CLI."""

import sys

from hfjobs_cli.main import main

sys.exit(main())
