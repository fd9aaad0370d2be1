"""Parsers for what users type: durations, KEY=VALUE pairs, env files, labels, job ids, ports.

Each parser raises `UsageError` with a one-line message that names the bad input, so every
command reports bad input the same way (exit 2, nothing sent).
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path

from hfjobs_cli.errors import UsageError

MAX_DURATION = 366 * 86400  # one year: an upper bound for every duration (the server decides below)
_DURATION_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
_DURATION_PART = re.compile(r"(\d+(?:\.\d+)?|\.\d+)([smhdw])", re.IGNORECASE)
_NUMBER = re.compile(r"\d+(?:\.\d+)?|\.\d+")


def parse_duration(text: str, *, what: str = "duration") -> float:
    """Seconds in `90`, `90s`, `5m`, `1.5h`, `2d`, `1w` or compounds such as `1h30m`.

    Units are case-insensitive; a bare number is seconds. Zero and negative values are refused.
    """
    raw = text.strip()
    value = raw.lower().replace(" ", "")
    if not value:
        raise UsageError(f"Invalid {what} '{text}': empty")
    if _NUMBER.fullmatch(value):
        seconds = float(value)
    else:
        pos = 0
        seconds = 0.0
        seen: set[str] = set()
        for match in _DURATION_PART.finditer(value):
            unit = match.group(2).lower()
            if match.start() != pos or unit in seen:
                break
            seen.add(unit)
            seconds += float(match.group(1)) * _DURATION_UNITS[unit]
            pos = match.end()
        if pos != len(value) or not seen:
            raise UsageError(
                f"Invalid {what} '{text}': use a number of seconds or a number with a unit "
                "s, m, h, d or w (for example 90, 90s, 5m, 1.5h, 2d, 1h30m)"
            )
    if seconds <= 0:
        raise UsageError(f"Invalid {what} '{text}': it must be greater than zero")
    if not seconds <= MAX_DURATION:  # also inf, from a number too long for a float
        raise UsageError(f"Invalid {what} '{text}': at most 366 days (366d)")
    return seconds


def parse_timeout_seconds(text: str) -> int:
    """A job timeout as whole seconds (the API's `timeoutSeconds`), at least 1."""
    seconds = parse_duration(text, what="timeout")
    if seconds < 1:
        raise UsageError(f"Invalid timeout '{text}': it must be at least one second")
    return int(seconds)


_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def _check_env_name(name: str, where: str) -> None:
    if not _ENV_NAME.match(name):
        raise UsageError(
            f"{where}: '{name}' is not a valid variable name "
            "(letters, digits and underscores, not starting with a digit)"
        )


def parse_env_pairs(
    items: Iterable[str],
    *,
    option: str,
    environ: Mapping[str, str] | None = None,
    fallbacks: Mapping[str, str] | None = None,
    allow_missing: bool = False,
) -> dict[str, str]:
    """`KEY=VALUE` or bare `KEY` items (from `-e` or `-s`) as a dict.

    A bare `KEY` copies the local value from `environ` (then `fallbacks`, e.g. the user's own
    token for `HF_TOKEN`); a bare KEY that is unset is an error, unless `allow_missing`
    (dry runs), where it maps to `""`.
    """
    env = os.environ if environ is None else environ
    result: dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition("=")
        _check_env_name(key, f"Invalid {option} '{item}'")
        if sep:
            result[key] = value
            continue
        if key in env:
            result[key] = env[key]
        elif fallbacks and key in fallbacks:
            result[key] = fallbacks[key]
        elif allow_missing:
            result[key] = ""
        else:
            raise UsageError(
                f"{option} {key}: the variable {key} is not set in your environment",
                hint=f"Set it first, or pass a value: {option} {key}=VALUE",
            )
    return result


def read_text_file(path: str, *, option: str) -> str:
    """A UTF-8 text file the user named with OPTION (a BOM is dropped); usage errors name both."""
    try:
        return Path(path).read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise UsageError(f"{option} {path}: no such file") from None
    except IsADirectoryError:
        raise UsageError(f"{option} {path}: is a directory, not a file") from None
    except UnicodeDecodeError:
        raise UsageError(f"{option} {path}: not a UTF-8 text file") from None
    except OSError as exc:
        raise UsageError(f"{option} {path}: cannot be read ({exc.strerror})") from None


def read_env_file(
    path: str,
    *,
    option: str,
    environ: Mapping[str, str] | None = None,
    fallbacks: Mapping[str, str] | None = None,
    allow_missing: bool = False,
    stdin_text: str | None = None,
) -> dict[str, str]:
    """Parse a dotenv file (`-` reads stdin) into a dict, reporting the file and line of errors.

    The dotenv rules are python-dotenv's (quotes, escapes in double quotes, `export`, comments),
    without `${VAR}` interpolation, so values are sent exactly as written.
    """
    from dotenv.parser import parse_stream  # deferred: only commands that read env files pay

    if path == "-":
        name = "<stdin>"
        try:
            text = sys.stdin.read() if stdin_text is None else stdin_text
        except UnicodeDecodeError:
            raise UsageError(f"{option} -: stdin is not UTF-8 text") from None
    else:
        name = path
        text = read_text_file(path, option=option)
    text = text.lstrip("\ufeff")
    if "\x00" in text:
        raise UsageError(f"{option} {name}: contains NUL bytes (is it a binary file?)")
    env = os.environ if environ is None else environ
    result: dict[str, str] = {}
    import io

    for binding in parse_stream(io.StringIO(text)):
        line = binding.original.line
        where = f"{option} {name}, line {line}"
        if binding.error:
            snippet = binding.original.string.strip().splitlines()[0][:40]
            raise UsageError(f"{where}: cannot parse '{snippet}' (expected KEY=VALUE)")
        if binding.key is None:
            continue  # blank line or comment
        _check_env_name(binding.key, where)
        if binding.value is not None:
            result[binding.key] = binding.value
        elif binding.key in env:
            result[binding.key] = env[binding.key]
        elif fallbacks and binding.key in fallbacks:
            result[binding.key] = fallbacks[binding.key]
        elif allow_missing:
            result[binding.key] = ""
        else:
            raise UsageError(
                f"{where}: {binding.key} has no value and is not set in your environment"
            )
    return result


def file_mode_warning(path: str) -> str | None:
    """A warning when a secrets file can be read by other users (POSIX only)."""
    if path == "-" or os.name != "posix":
        return None
    try:
        mode = Path(path).stat().st_mode
    except OSError:
        return None
    if mode & 0o077:
        return (
            f"{path} can be read by other users (mode {mode & 0o777:o}); "
            f"consider 'chmod 600 {path}'"
        )
    return None


_LABEL_KEY = re.compile(r"^[A-Za-z0-9_-]{1,100}$")
_LABEL_VALUE = re.compile(r"^[A-Za-z0-9._-]{0,100}$")


def parse_label(
    item: str, *, option: str = "--label", require_value: bool = False
) -> tuple[str, str]:
    """`KEY=VALUE` (or bare `KEY`, meaning an empty value) checked against the Hub's rules."""
    key, sep, value = item.partition("=")
    if require_value and not sep:
        raise UsageError(f"Invalid {option} '{item}': expected KEY=VALUE")
    if not key:
        raise UsageError(f"Invalid {option} '{item}': the key is empty")
    if not _LABEL_KEY.match(key):
        raise UsageError(
            f"Invalid {option} '{item}': keys may use letters, digits, '-' and '_' "
            "(at most 100 characters)"
        )
    if not _LABEL_VALUE.match(value):
        raise UsageError(
            f"Invalid {option} '{item}': values may use letters, digits, '.', '-' and '_' "
            "(at most 100 characters)"
        )
    return key, value


def parse_labels(items: Iterable[str], *, option: str = "--label") -> dict[str, str]:
    """Several labels as a dict; a repeated key keeps the last value."""
    return dict(parse_label(item, option=option) for item in items)


def merge_name_label(labels: dict[str, str], name: str | None) -> dict[str, str]:
    """Fold `--name` into the labels (the Hub stores the display name as the `name` label)."""
    if name is None:
        return labels
    if "name" in labels and labels["name"] != name:
        raise UsageError("Use either --name or --label name=..., not both")
    _key, value = parse_label(f"name={name}", option="--name")
    return {**labels, "name": value}


_ID = re.compile(r"^[A-Za-z0-9_.-]+$")
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


def check_name(value: str, *, option: str) -> str:
    """A namespace or flavor name: letters, digits, '-', '_' and '.'; else a usage error."""
    if not _NAME.match(value) or len(value) > 96:
        raise UsageError(f"Invalid {option} '{value}': use letters, digits, '-', '_' and '.'")
    return value


def parse_job_ref(
    text: str, *, namespace: str | None = None, what: str = "job id"
) -> tuple[str | None, str]:
    """`ID` or `NAMESPACE/ID` (as copied from the website) into (namespace, id).

    A namespace in the id must agree with `--namespace` when both are given.
    """
    if namespace is not None:
        check_name(namespace, option="--namespace")
    parts = text.strip().split("/")
    if len(parts) == 1:
        ns, ident = None, parts[0]
    elif len(parts) == 2:
        ns, ident = parts
        if not ns:
            raise UsageError(f"Invalid {what} '{text}': the namespace before '/' is empty")
    else:
        raise UsageError(f"Invalid {what} '{text}': expected ID or NAMESPACE/ID")
    if not ident:
        raise UsageError(f"Invalid {what} '{text}': the id is empty")
    if not _ID.match(ident) or (ns is not None and not _NAME.match(ns)):
        raise UsageError(f"Invalid {what} '{text}': unexpected characters")
    if ns and namespace and ns != namespace:
        raise UsageError(
            f"The {what} '{text}' names namespace '{ns}' but --namespace is '{namespace}'"
        )
    return (ns or namespace), ident


def parse_port(text: str, *, option: str) -> int:
    """A TCP port number, 1 to 65535."""
    try:
        port = int(text)
    except ValueError:
        raise UsageError(f"Invalid {option} '{text}': not a port number") from None
    if not 1 <= port <= 65535:
        raise UsageError(f"Invalid {option} '{text}': ports go from 1 to 65535")
    return port


SPACE_PREFIXES = (
    "https://huggingface.co/spaces/",
    "https://hf.co/spaces/",
    "huggingface.co/spaces/",
    "hf.co/spaces/",
)


def image_fields(image: str) -> dict[str, str]:
    """`{"dockerImage": ...}` or, for the `hf.co/spaces/...` forms, `{"spaceId": ...}`."""
    for prefix in SPACE_PREFIXES:
        if image.startswith(prefix):
            space = image[len(prefix) :].strip("/")
            if space.count("/") != 1:
                raise UsageError(f"Invalid Space image '{image}': expected {prefix}OWNER/NAME")
            return {"spaceId": space}
    if not image or image.startswith("-"):
        raise UsageError(f"Invalid image '{image}'")
    return {"dockerImage": image}


_VOLUME_TYPES = {"models": "model", "datasets": "dataset", "spaces": "space", "buckets": "bucket"}


def parse_volume(spec: str) -> dict[str, object]:
    """`hf://[TYPE/]OWNER/NAME[@REV][/PATH]:/MOUNT[:ro|:rw]` as an API Volume object.

    TYPE is models (the default), datasets, spaces or buckets. Local folders are not
    supported: they would need an upload service (`hf jobs` syncs them to a bucket).
    """
    where = f"Invalid --volume '{spec}'"
    if not spec.startswith("hf://"):
        raise UsageError(
            f"{where}: only Hub repositories are supported (hf://[TYPE/]OWNER/NAME:/MOUNT)",
            hint="Local folders are out of scope: upload them to a dataset or bucket first",
        )
    body = spec[len("hf://") :]
    read_only: bool | None = None
    if body.endswith((":ro", ":rw")):
        read_only = body.endswith(":ro")
        body = body[:-3]
    source, sep, mount = body.rpartition(":/")
    if not sep or not source:
        raise UsageError(f"{where}: expected hf://[TYPE/]OWNER/NAME:/MOUNT_PATH")
    mount = "/" + mount
    parts = source.split("/")
    kind = "model"
    if parts[0] in _VOLUME_TYPES:
        kind = _VOLUME_TYPES[parts.pop(0)]
    elif parts[0] in ("model", "dataset", "space", "bucket"):
        raise UsageError(f"{where}: use the plural type ({parts[0]}s/)")
    if len(parts) < 2 or not parts[0] or not parts[1]:
        raise UsageError(f"{where}: the repository must be OWNER/NAME")
    name, _, revision = parts[1].partition("@")
    if not name:
        raise UsageError(f"{where}: the repository must be OWNER/NAME")
    volume: dict[str, object] = {"type": kind, "source": f"{parts[0]}/{name}", "mountPath": mount}
    if revision:
        if kind == "bucket":
            raise UsageError(f"{where}: buckets have no revision")
        volume["revision"] = revision
    if len(parts) > 2:
        volume["path"] = "/".join(parts[2:])
    if read_only is not None:
        if kind != "bucket" and not read_only:
            raise UsageError(f"{where}: repositories are always read-only; only buckets take :rw")
        volume["readOnly"] = read_only
    return volume


def parse_since(text: str, *, option: str = "--since", now=None):
    """A point in time: a duration back from now (`10m`, `24h`, `30d`) or an RFC 3339 time
    (`2025-07-22T16:06:25Z`, a date alone meaning its midnight UTC). Returns an aware UTC datetime."""
    from datetime import UTC, datetime, timedelta

    raw = text.strip()
    if raw and (raw[0].isdigit() or raw[0] == ".") and not re.match(r"^\d{4}-\d{2}-\d{2}", raw):
        seconds = parse_duration(raw, what=option)
        return (now or datetime.now(UTC)) - timedelta(seconds=seconds)
    try:
        stamp = datetime.fromisoformat(raw.replace("z", "Z"))
    except ValueError:
        raise UsageError(
            f"Invalid {option} '{text}': use a duration (10m, 24h, 7d) or an RFC 3339 time "
            "(2025-07-22T16:06:25Z)"
        ) from None
    if stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=UTC)
    return stamp.astimezone(UTC)
