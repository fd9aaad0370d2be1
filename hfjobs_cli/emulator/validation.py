"""Validation of request bodies (api-reference §11). Every failure is an `ApiError` with status 400."""

from __future__ import annotations

import re
from typing import Any

from hfjobs_cli.emulator.errors import ApiError
from hfjobs_cli.emulator.hardware import FLAVORS

LABEL_KEY = re.compile(r"^[A-Za-z0-9_-]{1,100}$")
LABEL_VALUE = re.compile(r"^[A-Za-z0-9._-]{0,100}$")
ENV_KEY = re.compile(r"^[^=\x00]+$")
NETWORK_GROUP = re.compile(r"^[a-z0-9-]{1,46}$")
NETWORK_ALIAS = re.compile(r"^[a-z0-9-]{1,34}$")
SCHEDULE_ALIASES = ("@annually", "@yearly", "@monthly", "@weekly", "@daily", "@hourly")
VOLUME_TYPES = ("bucket", "model", "dataset", "space")
WATCH_TYPES = ("model", "dataset", "space", "user", "org", "bucket")
DOMAINS = ("repo", "discussion")
DEFAULT_TIMEOUT_SECONDS = 30 * 60  # the Hub's default when a job gives none
MAX_TIMEOUT_SECONDS = 366 * 24 * 3600  # a year: anything longer is a mistake, not a plan


def bad(message: str) -> ApiError:
    return ApiError(message, status=400)


def check_text(value: Any, where: str = "body") -> None:
    """Refuse strings that are not valid Unicode (a lone surrogate such as "\\ud800"): they
    could be stored but never sent back as UTF-8."""
    stack = [(value, where)]
    while stack:
        item, path = stack.pop()
        if isinstance(item, str):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                raise bad(
                    f"Invalid text in {path}: a lone surrogate is not valid Unicode"
                ) from None
        elif isinstance(item, dict):
            for key, sub in item.items():
                stack.append((key, path))
                stack.append((sub, f"{path}.{key}" if isinstance(key, str) else path))
        elif isinstance(item, list):
            stack.extend((sub, f"{path}[{i}]") for i, sub in enumerate(item))


def require_object(body: Any, what: str = "Request body") -> dict[str, Any]:
    if not isinstance(body, dict):
        raise bad(f"{what} must be a JSON object")
    return body


def str_map(value: Any, key: str, *, env: bool = False) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise bad(f"'{key}' must be an object of strings")
    for k, v in value.items():
        if not isinstance(v, str):
            raise bad(f"'{key}.{k}' must be a string")
        if env and (not ENV_KEY.match(k) or "\x00" in v):
            raise bad(f"'{key}' has an invalid variable name or value: {k!r}")
    return dict(value)


def _str_list(value: Any, key: str, *, non_empty: bool = False, argv: bool = False) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(x, str) for x in value):
        raise bad(f"'{key}' must be a list of strings")
    if non_empty and not value:
        raise bad(f"'{key}' must not be empty")
    if argv and any("\x00" in x for x in value):
        raise bad(f"'{key}' must not contain a NUL character: no program can receive it")
    return list(value)


def validate_labels(value: Any, key: str = "labels") -> dict[str, str]:
    labels = str_map(value, key)
    for k, v in labels.items():
        if not LABEL_KEY.match(k):
            raise bad(f"Invalid label key {k!r}: use 1-100 letters, digits, '-' or '_'")
        if not LABEL_VALUE.match(v):
            raise bad(
                f"Invalid value for label {k!r}: use at most 100 letters, digits, '.', '-' or '_'"
            )
    return labels


def _int_list(value: Any, key: str) -> list[int]:
    if not isinstance(value, list) or not all(
        isinstance(x, int) and not isinstance(x, bool) and 1 <= x <= 65535 for x in value
    ):
        raise bad(f"'{key}' must be a list of port numbers")
    return list(dict.fromkeys(value))


def validate_expose(value: Any) -> dict[str, list[int]]:
    body = require_object(value, "'expose'")
    ports = _int_list(body.get("ports", []), "expose.ports")
    public = _int_list(body.get("portsPublic", []), "expose.portsPublic")
    if not set(public) <= set(ports):
        raise bad("'expose.portsPublic' must be a subset of 'expose.ports'")
    return {"ports": ports, "portsPublic": public}


def _validate_volumes(value: Any) -> list[dict[str, Any]]:
    if not isinstance(value, list):
        raise bad("'volumes' must be a list")
    for vol in value:
        if not isinstance(vol, dict) or vol.get("type") not in VOLUME_TYPES:
            raise bad(f"Each volume needs a 'type' among {', '.join(VOLUME_TYPES)}")
        if not isinstance(vol.get("source"), str) or not vol["source"]:
            raise bad("Each volume needs a 'source'")
        mount = vol.get("mountPath")
        if not isinstance(mount, str) or not mount.startswith("/"):
            raise bad("Each volume needs an absolute 'mountPath'")
    return list(value)


def _positive_int(value: Any, key: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise bad(f"'{key}' must be a positive integer")
    return value


def validate_job_spec(
    body: Any, *, scheduled: bool = False
) -> tuple[dict[str, Any], dict[str, str]]:
    """Check a run-job body; return (the public spec to store, the secrets)."""
    body = require_object(body, "'jobSpec'" if scheduled else "Request body")
    image, space = body.get("dockerImage"), body.get("spaceId")
    if (image is None) == (space is None):
        raise bad("Exactly one of 'dockerImage' and 'spaceId' is required")
    for key, value in (("dockerImage", image), ("spaceId", space)):
        if value is not None and (not isinstance(value, str) or not value.strip()):
            raise bad(f"'{key}' must be a non-empty string")
    if "command" not in body:
        raise bad("'command' is required")
    command = _str_list(body["command"], "command", non_empty=True, argv=True)
    flavor = body.get("flavor", "cpu-basic")
    if flavor not in FLAVORS:
        raise bad(
            f"Unknown flavor {flavor!r}; see GET /api/jobs/hardware for the available flavors"
        )
    spec: dict[str, Any] = {
        "dockerImage": image,
        "spaceId": space,
        "command": command,
        "arguments": _str_list(body.get("arguments") or [], "arguments", argv=True),
        "environment": str_map(body.get("environment"), "environment", env=True),
        "flavor": flavor,
        "timeoutSeconds": None,
        "labels": validate_labels(body.get("labels")),
    }
    if body.get("timeoutSeconds") is not None:
        timeout = _positive_int(body["timeoutSeconds"], "timeoutSeconds")
        if timeout > MAX_TIMEOUT_SECONDS:
            raise bad(
                f"'timeoutSeconds' must be at most {MAX_TIMEOUT_SECONDS} (366 days), not {timeout}"
            )
        spec["timeoutSeconds"] = timeout
    if body.get("attempts") is not None:
        spec["attempts"] = _positive_int(body["attempts"], "attempts")
        if spec["attempts"] > 100:
            raise bad("'attempts' must be at most 100")
    if body.get("volumes"):
        spec["volumes"] = _validate_volumes(body["volumes"])
    if body.get("expose") is not None:
        spec["expose"] = validate_expose(body["expose"])
    if body.get("resourceGroupId") is not None:
        if not isinstance(body["resourceGroupId"], str):
            raise bad("'resourceGroupId' must be a string")
        spec["resourceGroupId"] = body["resourceGroupId"]
    if body.get("arch") is not None:
        if body["arch"] not in ("amd64", "arm64"):
            raise bad("'arch' must be 'amd64' or 'arm64'")
        spec["arch"] = body["arch"]
    for key in ("ssh", "network"):
        if body.get(key) is not None and scheduled:
            raise bad(f"'{key}' is not supported for scheduled jobs")
    if body.get("ssh") is not None:
        if not isinstance(body["ssh"], dict) or not isinstance(body["ssh"].get("enabled"), bool):
            raise bad("'ssh' must be {\"enabled\": true|false}")
        spec["ssh"] = {"enabled": body["ssh"]["enabled"]}
    if body.get("network") is not None:
        spec["network"] = _validate_network(body["network"])
    secrets = str_map(body.get("secrets"), "secrets", env=True)
    return spec, secrets


def _validate_network(value: Any) -> dict[str, Any]:
    net = require_object(value, "'network'")
    group = net.get("group")
    if not isinstance(group, str) or not NETWORK_GROUP.match(group):
        raise bad("'network.group' must be 1-46 lowercase letters, digits or dashes")
    aliases = _str_list(net.get("aliases") or [], "network.aliases")
    if not all(NETWORK_ALIAS.match(a) for a in aliases):
        raise bad("'network.aliases' must be 1-34 lowercase letters, digits or dashes")
    return {"group": group, "aliases": aliases}


def validate_schedule(value: Any) -> str:
    from croniter import croniter

    if not isinstance(value, str) or not value.strip():
        raise bad(
            "'schedule' is required: a CRON expression or one of " + ", ".join(SCHEDULE_ALIASES)
        )
    schedule = value.strip()
    if schedule.startswith("@"):
        if schedule not in SCHEDULE_ALIASES:
            raise bad(
                f"Unknown schedule alias {schedule!r}; use one of {', '.join(SCHEDULE_ALIASES)}"
            )
        return schedule
    if len(schedule.split()) != 5 or not croniter.is_valid(schedule):
        raise bad(f"Invalid schedule {schedule!r}: expected 5 CRON fields, e.g. '0 9 * * 1'")
    return schedule


def optional_bool(body: dict[str, Any], key: str, default: bool = False) -> bool:
    value = body.get(key, default)
    if value is None:
        return default
    if not isinstance(value, bool):
        raise bad(f"'{key}' must be true or false")
    return value


def validate_watched(value: Any) -> list[dict[str, str]]:
    if not isinstance(value, list) or not value:
        raise bad("'watched' must be a non-empty list of {type, name}")
    out = []
    for item in value:
        if not isinstance(item, dict) or item.get("type") not in WATCH_TYPES:
            raise bad(f"Each watched item needs a 'type' among {', '.join(WATCH_TYPES)}")
        if not isinstance(item.get("name"), str) or not item["name"]:
            raise bad("Each watched item needs a 'name'")
        out.append({"type": item["type"], "name": item["name"]})
    return out


def validate_domains(value: Any) -> list[str]:
    if value is None:
        return list(DOMAINS)
    if not isinstance(value, list) or not value or any(d not in DOMAINS for d in value):
        raise bad("'domains' must be a non-empty list of 'repo' and/or 'discussion'")
    return list(dict.fromkeys(value))


def validate_url(value: Any) -> str:
    if not isinstance(value, str) or not re.match(r"^https?://[^\s/]+", value):
        raise bad("'url' must be an http(s) URL")
    return value
