"""The client imports on Windows: every hfjobs_cli module, in a child where what Windows lacks
is missing (fcntl, termios, pty, tty, resource, pwd, grp; POSIX signals such as SIGKILL; os
functions such as killpg). A POSIX-only import or constant at import time fails here.

The emulator's modules have their own test (tests/emulator/test_imports.py): the emulator
needs Linux, macOS or WSL, and says so in one line on Windows."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# What a Windows Python does not have, taken away before anything of hfjobs is imported.
WINDOWS_LIKE = r"""
import os, signal, sys
import subprocess  # the stdlib's own POSIX branch needs what is taken away below
for name in ("fcntl", "termios", "pty", "tty", "resource", "pwd", "grp"):
    sys.modules.pop(name, None)
    sys.modules[name] = None  # `import fcntl` now raises ImportError
WINDOWS_SIGNALS = {"SIGABRT", "SIGFPE", "SIGILL", "SIGINT", "SIGSEGV", "SIGTERM", "SIG_DFL", "SIG_IGN"}
for name in [n for n in vars(signal) if n.startswith("SIG") and n not in WINDOWS_SIGNALS]:
    delattr(signal, name)
for name in ("pthread_sigmask", "pthread_kill", "siginterrupt", "setitimer", "getitimer",
             "alarm", "pause", "sigwait", "sigpending"):
    if hasattr(signal, name):
        delattr(signal, name)
for name in ("killpg", "getpgid", "setsid", "setpgrp", "getpgrp", "fork", "getuid", "geteuid",
             "getgid", "getegid", "sched_getaffinity"):
    if hasattr(os, name):
        delattr(os, name)
assert not hasattr(signal, "SIGKILL")

import importlib, pkgutil, traceback
import hfjobs_cli

failed = []
names = sorted(
    m.name for m in pkgutil.walk_packages(hfjobs_cli.__path__, "hfjobs_cli.")
    if not m.name.startswith("hfjobs_cli.emulator") and m.name != "hfjobs_cli.__main__"
)
for name in names:
    try:
        importlib.import_module(name)
    except BaseException:
        failed.append(name)
        traceback.print_exc()
print("imported", len(names) - len(failed), "of", len(names))
print("failed", *failed)
from hfjobs_cli.main import main
sys.exit(failed and 1 or main(sys.argv[1:], fast=False))
"""


def test_every_client_module_imports_without_posix_only_modules_and_signals():
    result = subprocess.run(
        [sys.executable, "-c", WINDOWS_LIKE, "completion", "powershell"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-4000:]
    counts = result.stdout.splitlines()[0].split()
    assert counts[0] == "imported" and counts[1] == counts[3] and int(counts[1]) > 40
    assert "Register-ArgumentCompleter" in result.stdout  # a command ran after the imports
