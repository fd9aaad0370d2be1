"""Where hfjobs keeps its settings and finds the token.

Token precedence: `--token` > `HF_TOKEN` (then the legacy `HUGGING_FACE_HUB_TOKEN`) > the
hfjobs config file > the Hugging Face token file that `hf auth login` writes. Values for
`namespace`, `flavor`, `timeout`, `endpoint` and `ci`: flag > environment variable > config file >
built-in default. The config file is TOML, written 0600 in a 0700 folder.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from hfjobs_cli.errors import UsageError

DEFAULT_ENDPOINT = "https://huggingface.co"
DEFAULT_FLAVOR = "cpu-basic"
TRUTHY = {"1", "on", "yes", "true"}

# Settings `hfjobs config` manages; the token is kept by `login` in the same file.
CONFIG_KEYS = {
    "namespace": "HFJOBS_NAMESPACE",
    "flavor": "HFJOBS_FLAVOR",
    "timeout": "HFJOBS_TIMEOUT",
    "endpoint": "HF_ENDPOINT",
    "max_cost": "HFJOBS_MAX_COST",
    "ci": "HFJOBS_CI",
}
TOKEN_KEY = "token"


def is_truthy(value: str | None) -> bool:
    return (value or "").strip().lower() in TRUTHY


def config_dir() -> Path:
    override = os.environ.get("HFJOBS_CONFIG_DIR")
    if override:
        return Path(override).expanduser()
    import platformdirs  # deferred: --help and completion never need it

    return Path(platformdirs.user_config_dir("hfjobs", appauthor=False))


def config_path() -> Path:
    return config_dir() / "config.toml"


def cache_dir() -> Path:
    override = os.environ.get("HFJOBS_CACHE_DIR")
    if override:
        return Path(override).expanduser()
    import platformdirs

    return Path(platformdirs.user_cache_dir("hfjobs", appauthor=False))


def load_config(path: Path | None = None) -> dict[str, str]:
    """The config file's string values ({} when there is none)."""
    path = path or config_path()
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return {}
    except OSError as exc:
        raise UsageError(f"Cannot read the config file {path}: {exc.strerror}") from None
    try:
        parsed = tomllib.loads(data.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise UsageError(
            f"The config file {path} is not valid TOML: {exc}",
            hint=f"Fix or delete {path}",
        ) from None
    return {str(k): str(v) for k, v in parsed.items() if isinstance(v, str | int | float)}


def config_permission_warning(path: Path | None = None) -> str | None:
    """A warning when the config file (which may hold the token) is readable by others."""
    path = path or config_path()
    if os.name != "posix":
        return None
    try:
        mode = path.stat().st_mode
    except OSError:
        return None
    if mode & 0o077:
        return (
            f"The config file {path} can be read by other users (mode {mode & 0o777:o}); "
            f"run 'chmod 600 {path}'"
        )
    return None


def write_private_file(path: Path, text: str) -> None:
    """Write `text` atomically with mode 0600 in a folder with mode 0700."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    with contextlib.suppress(OSError):
        os.chmod(path.parent, 0o700)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def load_profiles(path: Path | None = None) -> dict[str, dict[str, str]]:
    """The saved profiles (`[profiles.NAME]` tables: endpoint, token, namespace)."""
    path = path or config_path()
    try:
        parsed = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError):
        load_config(path)  # raises the same clear error as for the settings
        return {}
    tables = parsed.get("profiles")
    if not isinstance(tables, dict):
        return {}
    return {
        str(name): {str(k): str(v) for k, v in table.items() if isinstance(v, str)}
        for name, table in tables.items()
        if isinstance(table, dict)
    }


def save_config(
    values: dict[str, str],
    path: Path | None = None,
    *,
    profiles: dict[str, dict[str, str]] | None = None,
) -> Path:
    """Write the settings, and the profiles (the saved ones unless `profiles` is given)."""
    path = path or config_path()
    if profiles is None:
        profiles = load_profiles(path)
    lines = ["# hfjobs settings; edit with `hfjobs config` and `hfjobs login`.\n"]
    for key in sorted(values):
        # A JSON string is a valid TOML basic string (the same escapes).
        lines.append(f"{key} = {json.dumps(values[key], ensure_ascii=False)}\n")
    for name in sorted(profiles):
        lines.append(f"\n[profiles.{json.dumps(name, ensure_ascii=False)}]\n")
        for key in sorted(profiles[name]):
            lines.append(f"{key} = {json.dumps(profiles[name][key], ensure_ascii=False)}\n")
    write_private_file(path, "".join(lines))
    return path


# -- profiles: a saved login is an endpoint, its token and a default namespace -------------
DEFAULT_PROFILE = "default"  # the top-level token and settings of the config file
LOCAL_PROFILE = "local"  # built in: the local emulator and its own token
TOKEN_ENDPOINT_KEY = "token_endpoint"  # the endpoint the top-level token was checked with
_PROFILE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


def check_profile_name(name: str) -> str:
    if not _PROFILE_NAME.match(name):
        raise UsageError(
            f"Invalid profile name '{name}': use letters, digits, '-', '_' and '.' (up to 64)"
        )
    return name


def origin(url: str) -> str:
    """scheme://host[:port], lowercased: what a token is tied to."""
    from urllib.parse import urlsplit

    parts = urlsplit(url.strip())
    return f"{parts.scheme.lower()}://{(parts.netloc or '').lower()}"


def same_origin(a: str, b: str) -> bool:
    return origin(a) == origin(b)


def hf_token_path() -> Path:
    """The token file of `hf auth login`: HF_TOKEN_PATH, else $HF_HOME/token."""
    if os.environ.get("HF_TOKEN_PATH"):
        return Path(os.path.expandvars(os.environ["HF_TOKEN_PATH"])).expanduser()
    if os.environ.get("HF_HOME"):
        home = Path(os.path.expandvars(os.environ["HF_HOME"])).expanduser()
    else:
        cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
        home = Path(cache).expanduser() / "huggingface"
    return home / "token"


def clean_token(value: str | None) -> str | None:
    if value is None:
        return None
    token = value.replace("\r", "").replace("\n", "").strip()
    return token or None


@dataclass(frozen=True)
class TokenInfo:
    """A token and a description of where it came from (safe to print; the token is not)."""

    token: str | None
    source: str

    def __repr__(self) -> str:  # never let a token reach a traceback or a log
        return f"TokenInfo(token={'***' if self.token else None}, source={self.source!r})"


def resolve_token(flag_token: str | None, config: dict[str, str] | None = None) -> TokenInfo:
    token = clean_token(flag_token)
    if token:
        return TokenInfo(token, "--token")
    if is_truthy(os.environ.get("HF_HUB_DISABLE_IMPLICIT_TOKEN")):
        return TokenInfo(None, "none (HF_HUB_DISABLE_IMPLICIT_TOKEN is set)")
    for var in ("HF_TOKEN", "HUGGING_FACE_HUB_TOKEN"):
        token = clean_token(os.environ.get(var))
        if token:
            return TokenInfo(token, f"{var} environment variable")
    config = load_config() if config is None else config
    token = clean_token(config.get(TOKEN_KEY))
    if token:
        return TokenInfo(token, f"hfjobs config file ({config_path()})")
    path = hf_token_path()
    try:
        token = clean_token(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError):
        token = None
    if token:
        return TokenInfo(token, f"Hugging Face token file ({path})")
    return TokenInfo(None, "none")


@dataclass(frozen=True)
class Setting:
    value: str | None
    source: str


def resolve_setting(key: str, flag_value: str | None, config: dict[str, str]) -> Setting:
    """flag > environment variable > config file > built-in default, with the winner's name."""
    if flag_value is not None:
        return Setting(flag_value, "flag")
    env_var = CONFIG_KEYS[key]
    if os.environ.get(env_var):
        return Setting(os.environ[env_var], f"{env_var} environment variable")
    if config.get(key):
        return Setting(config[key], "config file")
    default = {"endpoint": DEFAULT_ENDPOINT, "flavor": DEFAULT_FLAVOR}.get(key)
    return Setting(default, "default" if default else "unset")


def endpoint_from(value: str | None) -> str:
    url = (value or DEFAULT_ENDPOINT).strip().rstrip("/")
    if not url.startswith(("http://", "https://")):
        raise UsageError(f"Invalid endpoint '{value}': it must start with http:// or https://")
    return url
