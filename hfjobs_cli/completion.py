"""Dynamic Tab completion: job ids, namespaces and flavors.

Completion runs on every Tab press, so it must be fast and quiet: candidates come from a
short-lived cache, a network refresh is bounded to about a second, nothing is ever printed
but candidates, and without a token nothing is offered.
"""

from __future__ import annotations


def complete_job_id(incomplete: str) -> list[str]:
    return []


def complete_namespace(incomplete: str) -> list[str]:
    return []


def complete_flavor(incomplete: str) -> list[str]:
    return []
