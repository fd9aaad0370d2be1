"""`hfjobs schedule run`: create a scheduled job from run-style options."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from hfjobs_cli import completion, cron, hints
from hfjobs_cli.commands._common import app_context, reject_option_word
from hfjobs_cli.commands._emulator_gaps import warn_emulator_gaps
from hfjobs_cli.commands._hardware import launch_summary
from hfjobs_cli.commands._spec import build_spec, masked, show_dry_run, spec_options
from hfjobs_cli.commands.schedule._shared import ScheduleArg, scheduled_api
from hfjobs_cli.errors import UsageError
from hfjobs_cli.options import (
    RUN_CONTEXT,
    AttemptsOpt,
    CommandArg,
    DryRunOpt,
    EnvFileOpt,
    EnvOpt,
    ExposeOpt,
    ExposePublicOpt,
    FileOpt,
    FlavorOpt,
    ImageArg,
    JsonOpt,
    LabelOpt,
    NameOpt,
    NamespaceOpt,
    QuietOpt,
    SecretsFileOpt,
    SecretsOpt,
    StopsAtImage,
    TimeoutOpt,
    TokenOpt,
    VolumeOpt,
)
from hfjobs_cli.views.scheduled import SCHEDULED, next_run, schedule_text, when_text

if TYPE_CHECKING:
    from hfjobs_cli.api.models import ScheduledJob


def _suffix(seq: list[str], of: list[str]) -> bool:
    return not seq or of[-len(seq) :] == seq


def _usage(message: str) -> UsageError:
    """As hfjobs_cli/main.py reports click's option errors, which name no command."""
    return UsageError(message, hint="See `hfjobs --help`")


def _take(rest: list[str], name: str, count: int) -> None:
    """Consume the `count` values of option `name` from `rest`."""
    if len(rest) < count:
        values = "an argument" if count == 1 else f"{count} arguments"
        raise _usage(f"Option {name!r} requires {values}.")
    del rest[:count]


class ScheduleRunCommand(StopsAtImage):
    """Accept options between SCHEDULE and IMAGE too: `schedule run '@daily' --flavor X IMAGE`.

    Parsing stops at the first positional (everything after IMAGE belongs to the job), which
    would make SCHEDULE that first positional. When options follow it, they are moved in front
    of it before the normal parse; whatever follows IMAGE is never looked at.
    """

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        return super().parse_args(ctx, self._hoist(ctx, list(args)))

    def _leftover(self, ctx: Any, args: list[str]) -> list[str]:
        """What option parsing leaves: the unknown options, then the tokens from the first
        positional on (a `--` dropped). Read as click reads options, from their public names
        and arities: `--opt=VALUE`, `-oVALUE` and `-dq` included; a missing value is click's
        usage error (under Tab completion, what was left when it stopped)."""
        long, short = self._arities(ctx)
        rest, unknown = list(args), []
        try:
            while rest:
                arg = rest.pop(0)
                if arg == "--":
                    break
                if not arg.startswith("-") or arg == "-":
                    rest.insert(0, arg)
                    break
                name, equals, value = arg.partition("=")
                if name in long:
                    if equals and not long[name]:
                        raise _usage(f"Option {name!r} does not take a value.")
                    if equals:
                        rest.insert(0, value)
                    _take(rest, name, long[name])
                elif arg.startswith("--"):
                    unknown.append(arg)
                else:
                    unknown_letters = []
                    for end, letter in enumerate(arg[1:], start=2):
                        if f"-{letter}" not in short:
                            unknown_letters.append(letter)
                        elif short[f"-{letter}"]:  # takes a value: the rest of arg, or the next
                            if end < len(arg):
                                rest.insert(0, arg[end:])
                            _take(rest, f"-{letter}", short[f"-{letter}"])
                            break
                    if unknown_letters:
                        unknown.append("-" + "".join(unknown_letters))
        except UsageError:
            if not ctx.resilient_parsing:
                raise
            return unknown
        return unknown + rest

    def _arities(self, ctx: Any) -> tuple[dict[str, int], dict[str, int]]:
        """Values each option takes (0 for a flag), by long name and by short name."""
        long: dict[str, int] = {}
        short: dict[str, int] = {}
        for param in self.get_params(ctx):  # --help included
            if param.param_type_name != "option":
                continue
            flag = getattr(param, "is_flag", False) or getattr(param, "count", False)
            for name in (*param.opts, *param.secondary_opts):
                short_name = len(name) == 2 and name[1] != "-"
                (short if short_name else long)[name] = 0 if flag else param.nargs
        return long, short

    def _hoist(self, ctx: Any, args: list[str]) -> list[str]:
        rest = self._leftover(ctx, args)
        if len(rest) < 2 or not _suffix(rest, args) or rest[0].startswith("-"):
            return args
        schedule, tail = rest[0], rest[1:]
        if not tail[0].startswith("-") or tail[0] == "-":
            return args
        after = self._leftover(ctx, tail)
        if not _suffix(after, tail):
            return args  # an unknown option in between: let the normal parse report it
        before = args[: len(args) - len(rest)]
        moved = tail[: len(tail) - len(after)]
        return [*before, *moved, schedule, *after]


def schedule_run(
    ctx: typer.Context,
    schedule: ScheduleArg,
    image: ImageArg = None,
    command: CommandArg = None,
    file: FileOpt = None,
    env: EnvOpt = None,
    env_file: EnvFileOpt = None,
    secrets: SecretsOpt = None,
    secrets_file: SecretsFileOpt = None,
    flavor: FlavorOpt = None,
    timeout: TimeoutOpt = None,
    label: LabelOpt = None,
    name: NameOpt = None,
    attempts: AttemptsOpt = None,
    volume: VolumeOpt = None,
    expose: ExposeOpt = None,
    expose_public: ExposePublicOpt = None,
    suspend: Annotated[
        bool, typer.Option("--suspend", help="Create it suspended: no run until resumed.")
    ] = False,
    concurrency: Annotated[
        bool | None,
        typer.Option(
            "--concurrency/--no-concurrency",
            help="Start a run even while the previous one is still going (server default: no).",
            show_default=False,
        ),
    ] = None,
    namespace: NamespaceOpt = None,
    token: TokenOpt = None,
    dry_run: DryRunOpt = False,
    json: JsonOpt = False,
    quiet: QuietOpt = False,
) -> None:
    """Create a job that runs on a cron schedule (in UTC).

    The schedule is checked before anything is sent. Takes the options of `hfjobs run` except
    -d and --ssh; options go before IMAGE and everything after IMAGE is the job's command.
    Quote the schedule: the shell expands `*`.

    Examples:

      hfjobs schedule run @daily python:3.12 python -c "print('nightly')"

      hfjobs schedule run '0 9 * * 1-5' --flavor a10g-small -s HF_TOKEN pytorch/pytorch python eval.py

      hfjobs schedule run --suspend --no-concurrency '*/30 * * * *' ubuntu ./sync.sh

      hfjobs schedule run -f job.toml @daily
    """
    app = app_context(ctx)
    out = app.set_output(json=json, quiet=quiet)
    reject_option_word(ctx, schedule, before="IMAGE")  # passed through as a positional
    reject_option_word(ctx, image, before="IMAGE")
    schedule = cron.validate(schedule)
    opts = spec_options(ctx.params)
    if opts.ssh or opts.network_group or opts.network_aliases:
        raise UsageError(
            f"{file}: scheduled jobs take no 'ssh' or 'network' (the Hub refuses them)"
        )
    spec = build_spec(app, opts)
    body: dict[str, Any] = {"jobSpec": spec, "schedule": schedule}
    if suspend:
        body["suspend"] = True
    if concurrency is not None:
        body["concurrency"] = concurrency
    if dry_run:
        show_dry_run(app, "/api/scheduled-jobs", {**body, "jobSpec": masked(spec)}, namespace)
        return
    api = scheduled_api(app, token)
    ns = app.namespace(namespace)
    out.note(lambda: launch_summary(app, app.client(token), spec, verb="Scheduling") + " per run")
    warn_emulator_gaps(app, app.client(token), spec)
    sj = api.create(ns, body)
    completion.forget("scheduled")  # so that Tab offers it at once

    def when(sj: ScheduledJob) -> None:
        ref = f"{sj.owner or ns}/{sj.id}"
        out.line(f"Schedule: {schedule_text(sj.schedule or schedule)}")
        if sj.suspend or suspend:
            out.line("Next run: none while suspended")
            out.hint(f"Start it with: {hints.command('schedule', 'resume', ref)}")
        else:
            out.line(f"Next run: {when_text(next_run(sj))}")
            out.hint(f"Run it now: {hints.command('schedule', 'trigger', ref)}")

    out.change(SCHEDULED, sj, lambda sj: f"Scheduled job {sj.id} created", then=when)


def register(app: typer.Typer) -> None:
    for name, hidden in (("run", False), ("create", True)):
        app.command(name, cls=ScheduleRunCommand, context_settings=RUN_CONTEXT, hidden=hidden)(
            schedule_run
        )
