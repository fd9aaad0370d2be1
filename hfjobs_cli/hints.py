"""Every command hfjobs prints for the user to run is built here, so it works when copied.

The root command records the global options in effect (`--local` or `HFJOBS_LOCAL=1`,
`--profile` or `HFJOBS_PROFILE`); `command()` puts them back in front of the words, quoted for
a POSIX shell. The token is never carried: it belongs in HF_TOKEN or the config file, not in
a line that lands in shell history.
"""

from __future__ import annotations

import re
import shlex

_state: dict[str, object] = {"local": False, "profile": None}
_PLAIN = re.compile(r"^[A-Za-z0-9_@%+=:,./-]+$")


def set_globals(*, local: bool = False, profile: str | None = None) -> None:
    """Called by the root command on every invocation (and by tests)."""
    _state["local"] = bool(local)
    _state["profile"] = profile or None


def global_options() -> list[str]:
    """The global options a printed command needs to reach the same endpoint and token."""
    if _state["local"]:
        return ["--local"]
    profile = _state["profile"]
    return ["--profile", str(profile)] if profile else []


def quote(word: str) -> str:
    return word if _PLAIN.match(word) else shlex.quote(word)


def command(*words: str, namespace: str | None = None) -> str:
    """`hfjobs [global options] WORDS... [--namespace NS]`, ready to paste into a shell.

    `namespace` is for commands that take no NAMESPACE/ID (ps, schedule ls...): give it when
    the namespace was chosen explicitly, so the copied command looks in the same place.
    """
    parts = ["hfjobs", *global_options(), *words]
    if namespace:
        parts += ["--namespace", namespace]
    return " ".join(quote(part) for part in parts)
