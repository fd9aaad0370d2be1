"""What people see of each resource, declared once: one module per resource (jobs, scheduled,
webhooks, stats, hardware, config), each with its table columns (by name, with their styles
and priorities), its detail fields and its JSON; `format` holds the shared text helpers.

Pure presentation: no I/O, no rich. `hfjobs_cli.output` renders these declarations in every
mode (human, `--json`, `-q`) and knows nothing of the domain.
"""

from hfjobs_cli.views.format import (
    command_text,
    env_text,
    format_bytes,
    format_duration,
    format_usd,
    iso,
    labels_text,
    relative_time,
)

__all__ = [
    "command_text",
    "env_text",
    "format_bytes",
    "format_duration",
    "format_usd",
    "iso",
    "labels_text",
    "relative_time",
]
