"""`AppContext`: what every command needs (settings, the API client, output), built lazily.

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
from hfjobs_cli.errors import CliError, ExitCode, UsageError
from hfjobs_cli.hints import command
from hfjobs_cli.output import Output

if TYPE_CHECKING:
    from hfjobs_cli.api.client import JobsClient


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


def _float_env(name: str, default: float) -> float:
    value = os.environ.get(name)
    if not value:
        return default
    try:
        return float(value)
    except ValueError:
        raise UsageError(f"{name}={value!r} is not a number") from None


@dataclass
class AppContext:
    local: bool = False
    profile: str | None = None
    output: Output = field(default_factory=Output)
    _config: dict[str, str] | None = None
    _client: JobsClient | None = None
    _warned_config: bool = False

    # -- settings ----------------------------------------------------------------------
    @property
    def config(self) -> dict[str, str]:
        if self._config is None:
            self._config = config.load_config()
        return self._config

    def setting(self, key: str, flag_value: str | None = None) -> config.Setting:
        if self.local and key == "endpoint":
            return config.Setting(None, "--local")
        return config.resolve_setting(key, flag_value, self.config)

    def set_output(self, *, json: bool = False, quiet: bool = False) -> Output:
        if json and quiet:
            raise UsageError("Use either --json or -q/--quiet, not both")
        self.output.mode = "json" if json else "quiet" if quiet else "human"
        return self.output

    # -- the API client ----------------------------------------------------------------
    def client(self, token_flag: str | None = None, *, require_token: bool = True) -> JobsClient:
        if self._client is not None:
            return self._client
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
            info = config.resolve_token(token_flag, self.config)
            self._warn_config_permissions()
            endpoint = config.endpoint_from(self.setting("endpoint").value)
            token, source = info.token, info.source
            if require_token and not token:
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
            attempts=max(1, int(_float_env("HFJOBS_RETRIES", 5))),
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
        from hfjobs_cli.emulator import control

        try:
            info = control.start_background()
        except Exception as exc:  # the emulator could not start: say why, in one line
            raise CliError(
                f"Could not start the local emulator: {exc}",
                hint="Run `hfjobs emulator serve` in another terminal to see its log",
                code=ExitCode.UNREACHABLE,
            ) from exc
        if not info.already_running:
            self.output.info(f"Started the local emulator at {info.url}")
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
