"""Helpers shared by commands: the context, job references and stage exit codes."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

import typer

from hfjobs_cli.errors import ExitCode
from hfjobs_cli.invocation import Invocation
from hfjobs_cli.parsing import parse_job_ref

T = TypeVar("T")
N = TypeVar("N", str, None)  # a namespace, or None where there is none (webhooks)


def app_context(ctx: typer.Context) -> Invocation:
    obj = ctx.find_root().obj
    if not isinstance(obj, Invocation):  # a command invoked without the root callback
        obj = Invocation()
        ctx.find_root().obj = obj
    return obj


def reject_option_word(ctx: typer.Context, word: str | None, *, before: str) -> None:
    """An option typed before IMAGE (or SCRIPT) that parsing passed through as a positional:
    `--flavr` gets "did you mean --flavor?" rather than a guess about where options go."""
    if not word or not word.startswith("-") or word == "-":
        return
    import difflib

    from hfjobs_cli.errors import UsageError

    names = sorted(
        {
            name
            for param in ctx.command.params
            for name in (*getattr(param, "opts", ()), *getattr(param, "secondary_opts", ()))
            if name.startswith("--")
        }
    )
    guess = difflib.get_close_matches(word.split("=", 1)[0], names, n=1, cutoff=0.6)
    hint = f"Did you mean {guess[0]}?" if guess else f"Options go before {before}"
    raise UsageError(f"No such option: {word}", hint=hint)


def stage_exit_code(stage: str) -> int:
    """0 for COMPLETED, 3 for CANCELED/DELETED, 1 for ERROR or anything else final."""
    if stage == "COMPLETED":
        return ExitCode.OK
    if stage in ("CANCELED", "DELETED"):
        return ExitCode.CANCELED
    return ExitCode.FAILURE


def worst_exit_code(codes: list[int]) -> int:
    """For several jobs: 1 beats 3 beats 0 (any failure wins over a cancellation)."""
    if ExitCode.FAILURE in codes:
        return ExitCode.FAILURE
    non_zero = [c for c in codes if c]
    return max(non_zero) if non_zero else ExitCode.OK


def resolve_refs(
    app: Invocation, refs: list[str], namespace: str | None, *, what: str = "job id"
) -> list[tuple[str, str]]:
    """(namespace, id) for each `ID` or `NAMESPACE/ID`; parsed before anything is sent."""
    parsed = [parse_job_ref(ref, namespace=namespace, what=what) for ref in refs]
    resolved = []
    default_ns: str | None = None
    for ns, ident in parsed:
        if ns is None:
            if default_ns is None:
                default_ns = app.namespace(namespace)
            ns = default_ns
        resolved.append((ns, ident))
    return resolved


def ref_text(namespace: str, ident: str) -> str:
    return f"{namespace}/{ident}"


def confirm(
    question: str | Callable[[], str],
    *,
    yes: bool,
    action: str = "go on",
    declined: str = "Nothing was done",
) -> None:
    """Ask on a terminal; without one, refuse unless -y/--yes was given (exit 2).

    `question` may be a function, called only when asking (e.g. to fetch what will be lost).
    Declining exits 1 with `declined`.
    """
    if yes:
        return
    from hfjobs_cli.errors import CliError, UsageError
    from hfjobs_cli.invocation import stdin_is_terminal

    if not stdin_is_terminal():
        raise UsageError(f"Refusing to {action} without confirmation", hint="Pass -y/--yes")
    text = question() if callable(question) else question
    if not typer.confirm(text, default=False, err=True):
        raise CliError(declined, code=ExitCode.FAILURE)


def act_on_each(
    app: Invocation,
    refs: Iterable[tuple[N, str]],
    act: Callable[[N, str], T],
    show: Callable[[Iterator[T]], Any],
    *,
    what: str = "Job",
    hint: str = "",
) -> None:
    """Act on each reference, in order, and show each result as it comes (`show` gets them
    as an iterator); a reference that is not found is reported (`<what> NS/ID not found`)
    and the others still go. Exit 5 at the end when any was not found, after `hint`."""
    from hfjobs_cli.api.errors import NotFoundError

    out = app.output
    missing = 0

    def results() -> Iterator[T]:
        nonlocal missing
        for ns, ident in refs:
            try:
                yield act(ns, ident)
            except NotFoundError:
                out.error(f"{what} {ident if ns is None else ref_text(ns, ident)} not found")
                missing += 1

    show(results())
    if missing:
        if hint:
            out.hint(hint)
        raise typer.Exit(ExitCode.NOT_FOUND)
