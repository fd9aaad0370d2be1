"""`Invocation`: what every command needs (settings, the API client, output), built lazily.

Like gh's Factory: commands ask for a client and get one with the right endpoint and token,
and tests replace nothing but the HTTP boundary.
"""

from __future__ import annotations

import os
import platform
import sys
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from hfjobs_cli import __version__, config
from hfjobs_cli.config import Setting, TokenInfo
from hfjobs_cli.errors import CliError, ExitCode, UsageError
from hfjobs_cli.hints import command
from hfjobs_cli.output import Mode, Output

if TYPE_CHECKING:
    from hfjobs_cli.api.client import JobsClient
    from hfjobs_cli.ci import CiStep


def user_agent() -> str:
    parts = [f"hfjobs/{__version__}", f"python/{platform.python_version()}"]
    try:
        from importlib.metadata import version

        parts.append(f"requests/{version('requests')}")
    except Exception:  # pragma: no cover - metadata missing in odd installs
        pass
    origin = os.environ.get("HF_HUB_USER_AGENT_ORIGIN")
    if origin:
        parts.append(f"origin/{origin}")
    return "; ".join(parts)


def _float_env(
    name: str, default: float, *, integer: bool = False, maximum: float = 86400.0
) -> float:
    """A positive number from the environment: zero, negatives, NaN, infinities, overflow and
    values past `maximum` are a usage error (exit 2) naming the variable."""
    import math

    value = os.environ.get(name)
    if not value or not value.strip():
        return default
    try:
        number = float(value)
    except (ValueError, OverflowError):
        raise UsageError(f"{name}={value!r} is not a number") from None
    what = "a whole number" if integer else "a number of seconds"
    if not math.isfinite(number) or number <= 0 or number > maximum:
        raise UsageError(f"{name}={value!r}: use {what} greater than 0 and at most {maximum:g}")
    if integer and number != int(number):
        raise UsageError(f"{name}={value!r}: use {what} greater than 0 and at most {maximum:g}")
    return number


@dataclass
class Invocation:
    local: bool = False
    profile: str | None = None
    output: Output = field(default_factory=Output)
    ci_choice: str | None = None  # --ci
    ci_dotenv: str | None = None  # --ci-dotenv
    cancel_on_exit: bool = False  # --cancel-on-exit on an attached command
    _config: dict[str, str] | None = None
    _client: JobsClient | None = None
    _warned_config: bool = False
    _skipped_token_for: str | None = None
    _emulator: tuple[str, str] | None = None
    _ci: CiStep | None = None

    # -- settings ----------------------------------------------------------------------
    @property
    def config(self) -> dict[str, str]:
        if self._config is None:
            self._config = config.load_config()
        return self._config

    @property
    def profile_name(self) -> str:
        """The profile in effect: `local`, a saved one (--profile, HFJOBS_PROFILE), or default."""
        if self.local:
            return config.LOCAL_PROFILE
        return self.profile or config.DEFAULT_PROFILE

    def profile_values(self) -> dict[str, str]:
        """The saved values of the named profile in effect ({} for default and local)."""
        if self.local or not self.profile or self.profile == config.DEFAULT_PROFILE:
            return {}
        profiles = config.load_profiles()
        if self.profile not in profiles:
            saved = ", ".join(sorted(profiles)) or "none yet"
            raise UsageError(
                f"No profile named '{self.profile}' (saved profiles: {saved}; built in: "
                "default, local)",
                hint=f"Create it: hfjobs login --profile {self.profile}",
            )
        return profiles[self.profile]

    def setting(self, key: str, flag_value: str | None = None) -> Setting:
        if self.local and key == "endpoint":
            return config.Setting(None, "--local")
        values = self.profile_values()
        if key == "endpoint" and values.get("endpoint"):
            # A profile is a whole login: its endpoint, whatever HF_ENDPOINT says.
            return config.Setting(values["endpoint"], f"profile {self.profile}")
        if key == "namespace" and values:
            # The default profile's namespace belongs to its endpoint, not to this one.
            chosen = config.resolve_setting(key, flag_value, {})
            if chosen.value or not values.get("namespace"):
                return chosen
            return config.Setting(values["namespace"], f"profile {self.profile}")
        return config.resolve_setting(key, flag_value, self.config)

    def token_info(self, token_flag: str | None = None) -> TokenInfo:
        """The token for the endpoint in effect, never one saved for another endpoint."""
        if self.local:
            _endpoint, token = self._local_emulator()
            return config.TokenInfo(token, "the local emulator")
        values = self.profile_values()
        if values and not config.clean_token(token_flag):
            saved = config.clean_token(values.get(config.TOKEN_KEY))
            if saved:
                return config.TokenInfo(saved, f"profile {self.profile} ({config.config_path()})")
        cfg = self.config
        saved_for = cfg.get(config.TOKEN_ENDPOINT_KEY)
        endpoint = config.endpoint_from(self.setting("endpoint").value)
        if saved_for and cfg.get(config.TOKEN_KEY) and not config.same_origin(saved_for, endpoint):
            # A token saved by `login` belongs to the endpoint it was checked with.
            self._skipped_token_for = saved_for
            cfg = {k: v for k, v in cfg.items() if k != config.TOKEN_KEY}
        return config.resolve_token(token_flag, cfg)

    def set_output(
        self, *, json: bool = False, quiet: bool = False, no_trunc: bool = False
    ) -> Output:
        if json and quiet:
            raise UsageError("Use either --json or -q/--quiet, not both")
        self.output.mode = Mode.JSON if json else Mode.QUIET if quiet else Mode.HUMAN
        self.output.no_trunc = no_trunc
        return self.output

    @property
    def ci(self) -> CiStep:
        """The CI this runs in (`--ci` > HFJOBS_CI > config `ci` > detected), and its files."""
        if self._ci is None:
            from hfjobs_cli.ci import CiStep, detect

            choice = self.setting("ci", self.ci_choice).value
            self._ci = CiStep(detect(choice), dotenv=self.ci_dotenv)
        return self._ci

    @property
    def cancels_on_signal(self) -> bool:
        """Whether SIGINT/SIGTERM cancel an attached job: in CI, or with --cancel-on-exit."""
        return self.cancel_on_exit or self.ci.active

    # -- the API client ----------------------------------------------------------------
    def client(self, token_flag: str | None = None, *, require_token: bool = True) -> JobsClient:
        if self._client is not None:
            return self._client
        token: str | None
        if self.local:
            endpoint, token = self._local_emulator()
            source = "the local emulator"
        else:
            if os.environ.get("HF_HUB_OFFLINE") and config.is_truthy(os.environ["HF_HUB_OFFLINE"]):
                raise CliError(
                    "Offline mode is enabled (HF_HUB_OFFLINE): hfjobs cannot reach the Hub",
                    hint="Unset HF_HUB_OFFLINE, or use --local to run jobs on this machine",
                    code=ExitCode.UNREACHABLE,
                )
            if token_flag:
                self.output.warn(
                    "--token puts your token in your shell history and process list; "
                    "prefer HF_TOKEN or `hfjobs login`"
                )
            info = self.token_info(token_flag)
            self._warn_config_permissions()
            endpoint = config.endpoint_from(self.setting("endpoint").value)
            token, source = info.token, info.source
            if require_token and not token:
                if self._skipped_token_for:
                    raise CliError(
                        f"Not logged in to {endpoint}: the saved token belongs to "
                        f"{self._skipped_token_for} and is sent nowhere else",
                        hint=f"Run `{command('login')}` for {endpoint}, set HF_TOKEN, or unset "
                        "HF_ENDPOINT",
                        code=ExitCode.AUTH,
                    )
                raise CliError(
                    "Not logged in: no Hugging Face token found",
                    hint=f"Run `{command('login')}`, set HF_TOKEN, or try `hfjobs --local ...` "
                    "to run jobs on this machine without an account",
                    code=ExitCode.AUTH,
                )
        self._client = self.make_client(endpoint, token, source)
        return self._client

    def make_client(self, endpoint: str, token: str | None, source: str) -> JobsClient:
        from hfjobs_cli.api.client import JobsClient
        from hfjobs_cli.api.http import RetryPolicy, Transport

        retry = RetryPolicy(
            attempts=int(_float_env("HFJOBS_RETRIES", 5, integer=True, maximum=100)),
            budget=_float_env("HFJOBS_RETRY_BUDGET", 60.0),
        )
        timeout = (
            _float_env("HFJOBS_CONNECT_TIMEOUT", 5.0),
            _float_env("HFJOBS_READ_TIMEOUT", 30.0),
        )
        transport = Transport(
            endpoint,
            token,
            user_agent=user_agent(),
            timeout=timeout,
            retry=retry,
            on_wait=lambda message: self.output.warn(message),
            local=self.local,
        )
        return JobsClient(transport, token_source=source)

    def _warn_config_permissions(self) -> None:
        if self._warned_config:
            return
        self._warned_config = True
        warning = config.config_permission_warning()
        if warning:
            self.output.warn(warning)

    def _local_emulator(self) -> tuple[str, str]:
        if self._emulator is None:
            self._emulator = self._start_emulator()
        return self._emulator

    def _start_emulator(self) -> tuple[str, str]:
        from hfjobs_cli.emulator import control

        try:
            info = control.start_background()
        except control.UnsupportedPlatform as exc:  # native Windows: one line, no hint
            raise CliError(str(exc)) from None
        except Exception as exc:  # the emulator could not start: say why, in one line
            raise CliError(
                f"Could not start the local emulator: {exc}",
                hint="Run `hfjobs emulator serve` in another terminal to see its log",
                code=ExitCode.UNREACHABLE,
            ) from exc
        if not info.already_running:
            self.output.info(f"Started the local emulator at {info.url} ({info.runtime} runtime)")
        return info.url, info.token

    def namespace(self, flag_value: str | None = None) -> str:
        """--namespace > HFJOBS_NAMESPACE > config > the token's user (one whoami call)."""
        from hfjobs_cli.parsing import check_name

        if flag_value is not None:
            check_name(flag_value, option="--namespace")
        setting = self.setting("namespace", flag_value)
        if setting.value and not self.local:
            return setting.value
        if flag_value:
            return flag_value
        return self.client().namespace()

    @property
    def stream_timeout(self) -> float:
        return _float_env("HFJOBS_STREAM_TIMEOUT", 75.0)


def stdin_is_terminal() -> bool:
    try:
        return sys.stdin.isatty()
    except (AttributeError, ValueError):
        return False
