"""Job files: a job's launch settings in TOML, read with `run -f` and written by `inspect --export`.

The same keys serve `[tool.hfjobs]` in a script's PEP 723 header (`uv run`). Values from a
file are the defaults; flags on the command line override them: a scalar flag replaces the
file's value, `-e`/`-l` win key by key, and lists (secrets, volumes, ports, env files) add up.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hfjobs_cli import hints
from hfjobs_cli.errors import UsageError
from hfjobs_cli.parsing import read_text_file

if TYPE_CHECKING:
    from hfjobs_cli.commands._spec import SpecOptions

# key -> what it holds (for messages); every key a job file may have
JOB_KEYS = {
    "image": "a string",
    "space": "a string (OWNER/NAME)",
    "command": "a list of strings",
    "env": "a table of strings",
    "env_files": "a list of paths",
    "secrets": "a list of secret names",
    "flavor": "a string",
    "timeout": "a duration string or a number of seconds",
    "labels": "a table of strings",
    "name": "a string",
    "attempts": "an integer",
    "volumes": "a list of hf:// volume strings",
    "expose": "a list of ports",
    "expose_public": "a list of ports",
    "ssh": "true or false",
    "network": "a table with group and aliases",
    "resource_group_id": "a string",
}
# what a script's [tool.hfjobs] may set (the image and command come from `uv run`)
SCRIPT_KEYS = ("flavor", "timeout", "secrets", "env", "labels", "name", "volumes", "attempts")


@dataclass
class JobFile:
    """A job file's settings, checked for types; `source` names the file in messages."""

    source: str
    values: dict[str, Any] = field(default_factory=dict)
    base: Path = field(default_factory=Path)  # relative env_files are read from here

    @property
    def image(self) -> str | None:
        if "space" in self.values:
            return f"hf.co/spaces/{self.values['space']}"
        return self.values.get("image")

    @property
    def command(self) -> list[str]:
        return list(self.values.get("command") or [])


def _fail(source: str, message: str, hint: str | None = None) -> UsageError:
    return UsageError(f"{source}: {message}", hint=hint)


def check(values: dict[str, Any], source: str, *, allowed=tuple(JOB_KEYS), base=None) -> JobFile:
    """Check a parsed table: every key known, every value of the right type."""
    for key in values:
        if key not in allowed:
            import difflib

            close = difflib.get_close_matches(key, list(allowed), n=1)
            raise _fail(
                source,
                f"unknown key '{key}'" + (f"; did you mean '{close[0]}'?" if close else ""),
                hint=f"Job file keys: {', '.join(allowed)}",
            )
    for key, value in values.items():
        if not _type_ok(key, value):
            raise _fail(source, f"'{key}' must be {JOB_KEYS[key]}, not {_kind(value)}")
    if "image" in values and "space" in values:
        raise _fail(source, "give either 'image' or 'space', not both")
    network = values.get("network")
    if network is not None:
        unknown = set(network) - {"group", "aliases"}
        if unknown:
            raise _fail(source, f"unknown key 'network.{sorted(unknown)[0]}' (group, aliases)")
        if not isinstance(network.get("group", ""), str) or not _str_list(
            network.get("aliases", [])
        ):
            raise _fail(source, '\'network\' must be {group = "...", aliases = ["..."]}')
    return JobFile(source, dict(values), base if base is not None else Path("."))


def _kind(value: Any) -> str:
    return {
        bool: "a boolean",
        int: "an integer",
        float: "a number",
        str: "a string",
        list: "a list",
        dict: "a table",
    }.get(type(value), type(value).__name__)


def _str_list(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def _type_ok(key: str, value: Any) -> bool:
    if key in ("image", "space", "flavor", "name", "resource_group_id"):
        return isinstance(value, str)
    if key in ("command", "env_files", "secrets", "volumes"):
        return _str_list(value)
    if key in ("env", "labels"):
        return isinstance(value, dict) and all(isinstance(v, str) for v in value.values())
    if key == "timeout":
        return isinstance(value, str) or (isinstance(value, int) and not isinstance(value, bool))
    if key == "attempts":
        return isinstance(value, int) and not isinstance(value, bool)
    if key in ("expose", "expose_public"):
        return isinstance(value, list) and all(
            isinstance(v, int) and not isinstance(v, bool) for v in value
        )
    if key == "ssh":
        return isinstance(value, bool)
    if key == "network":
        return isinstance(value, dict)
    return False


def load(path: str) -> JobFile:
    """Read and check a job file (`-` reads stdin)."""
    import sys
    import tomllib

    if path == "-":
        text, source, base = sys.stdin.read(), "<stdin>", Path(".")
    else:
        source, base = path, Path(path).parent
        text = read_text_file(path, option="-f")
    try:
        values = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise _fail(source, f"not valid TOML ({exc})") from None
    return check(values, source, base=base)


def from_script_header(text: str, source: str) -> JobFile | None:
    """`[tool.hfjobs]` of a PEP 723 `# /// script` block, or None when there is none."""
    import tomllib

    match = re.search(
        r"(?m)^# /// script\s*$\n(?P<body>(?:^#(?:| .*)$\n)+?)^# ///\s*$", text + "\n"
    )
    if not match:
        return None
    toml = "".join(line[2:] if line.startswith("# ") else line[1:] for line in
                   match.group("body").splitlines(keepends=True))  # fmt: skip
    try:
        data = tomllib.loads(toml)
    except tomllib.TOMLDecodeError as exc:
        raise _fail(source, f"the PEP 723 header is not valid TOML ({exc})") from None
    table = data.get("tool", {}).get("hfjobs") if isinstance(data.get("tool"), dict) else None
    if table is None:
        return None
    if not isinstance(table, dict):
        raise _fail(source, "[tool.hfjobs] must be a table")
    return check(table, f"{source} [tool.hfjobs]", allowed=SCRIPT_KEYS, base=Path(source).parent)


def apply(jobfile: JobFile | None, opts: SpecOptions) -> SpecOptions:
    """The options with the file's values as defaults: the command line wins."""
    if jobfile is None:
        return opts
    v = jobfile.values
    if "env_files" in v:
        files = [f if f == "-" else str(jobfile.base / f) for f in v["env_files"]]
        opts.env_files = [*files, *opts.env_files]
    opts.env = [f"{k}={val}" for k, val in v.get("env", {}).items()] + opts.env
    opts.file_secrets = [*v.get("secrets", [])]
    opts.file_source = jobfile.source
    labels = [f"{k}={val}" if val else k for k, val in v.get("labels", {}).items()]
    if "name" in v and opts.name is None:
        labels.append(f"name={v['name']}")
    opts.labels = labels + opts.labels
    if opts.flavor is None:
        opts.flavor = v.get("flavor")
    if opts.timeout is None and "timeout" in v:
        opts.timeout = str(v["timeout"])
    if opts.attempts is None:
        opts.attempts = v.get("attempts")
    opts.volumes = [*v.get("volumes", []), *opts.volumes]
    opts.expose = [str(p) for p in v.get("expose", [])] + opts.expose
    opts.expose_public = [str(p) for p in v.get("expose_public", [])] + opts.expose_public
    opts.ssh = opts.ssh or bool(v.get("ssh"))
    network = v.get("network") or {}
    if opts.network_group is None:
        opts.network_group = network.get("group")
    opts.network_aliases = [*network.get("aliases", []), *opts.network_aliases]
    if opts.resource_group_id is None:
        opts.resource_group_id = v.get("resource_group_id")
    return opts


def image_and_command(
    jobfile: JobFile | None, image: str | None, command: list[str] | None
) -> tuple[str, list[str]]:
    """IMAGE and COMMAND from the command line, else from the file."""
    if image is None:
        if jobfile is None or not jobfile.image:
            where = f" (and {jobfile.source} has no 'image' or 'space')" if jobfile else ""
            raise UsageError(
                f"Missing IMAGE: give the image and the command to run{where}",
                hint=f"For example: {hints.command('run', 'python:3.12', 'python', '-c', 'print(1)')}",
            )
        image = jobfile.image
    if not command and jobfile is not None and jobfile.command:
        command = jobfile.command
    return image, list(command or [])


# -- writing -----------------------------------------------------------------------------

_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")
_ESCAPES = {
    '"': '\\"',
    "\\": "\\\\",
    "\b": "\\b",
    "\t": "\\t",
    "\n": "\\n",
    "\f": "\\f",
    "\r": "\\r",
}


def _string(text: str) -> str:
    out = []
    for ch in text:
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def _key(key: str) -> str:
    return key if _BARE_KEY.match(key) else _string(key)


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, list):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_key(k)} = {_value(v)}" for k, v in value.items()) + "}"
    raise TypeError(f"cannot write {type(value).__name__} as TOML")


def dumps(values: dict[str, Any]) -> str:
    """TOML for the value types job files use: strings, integers, booleans, lists, tables."""
    lines = [f"{_key(k)} = {_value(v)}" for k, v in values.items() if not isinstance(v, dict)]
    for key, table in values.items():
        if isinstance(table, dict):
            lines += ["", f"[{_key(key)}]"]
            lines += [f"{_key(k)} = {_value(v)}" for k, v in table.items()]
    return "\n".join(lines) + "\n"


def volume_text(volume: dict[str, Any]) -> str:
    """An API Volume object in the `-v` syntax: `hf://TYPEs/SOURCE[@REV][/PATH]:/MOUNT[:ro|:rw]`."""
    text = f"hf://{volume['type']}s/{volume['source']}"
    if volume.get("revision"):
        text += f"@{volume['revision']}"
    if volume.get("path"):
        text += f"/{volume['path']}"
    text += f":{volume['mountPath']}"
    if volume.get("readOnly") is True:
        text += ":ro"
    elif volume.get("readOnly") is False and volume["type"] == "bucket":
        text += ":rw"
    return text


def from_job(raw: dict[str, Any]) -> dict[str, Any]:
    """A job file's values for an existing job (secrets as names; the request id left out)."""
    from hfjobs_cli.api.client import REQUEST_ID_LABEL

    values: dict[str, Any] = {}
    if raw.get("spaceId"):
        values["space"] = raw["spaceId"]
    else:
        values["image"] = raw.get("dockerImage") or ""
    values["command"] = [*(raw.get("command") or []), *(raw.get("arguments") or [])]
    values["flavor"] = raw.get("flavor") or "cpu-basic"
    timeout = raw.get("timeoutSeconds", raw.get("timeout"))
    if isinstance(timeout, int) and not isinstance(timeout, bool) and timeout > 0:
        values["timeout"] = timeout
    if isinstance(raw.get("attempts"), int) and raw["attempts"] > 1:
        values["attempts"] = raw["attempts"]
    labels = {k: v for k, v in (raw.get("labels") or {}).items() if k != REQUEST_ID_LABEL}
    if "name" in labels:
        values["name"] = labels.pop("name")
    secrets = raw.get("secrets") or []
    if secrets:
        values["secrets"] = sorted(secrets) if isinstance(secrets, dict) else list(secrets)
    if raw.get("volumes"):
        values["volumes"] = [volume_text(v) for v in raw["volumes"]]
    expose = raw.get("expose") or {}
    public = list(expose.get("portsPublic") or [])
    private = [p for p in expose.get("ports") or [] if p not in public]
    if private:
        values["expose"] = private
    if public:
        values["expose_public"] = public
    if (raw.get("ssh") or {}).get("enabled") or (raw.get("status") or {}).get("sshUrl"):
        values["ssh"] = True
    if raw.get("resourceGroupId"):
        values["resource_group_id"] = raw["resourceGroupId"]
    if raw.get("environment"):
        values["env"] = dict(raw["environment"])
    if labels:
        values["labels"] = labels
    network = raw.get("network") or {}
    if network.get("group"):
        values["network"] = {"group": network["group"]}
        if network.get("aliases"):
            values["network"]["aliases"] = list(network["aliases"])
    return values
