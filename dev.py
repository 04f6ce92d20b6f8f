#!/usr/bin/env python3
"""The project's two commands, for a machine that has only Python 3.11+.

    python3 dev.py run    start the bot (reads .env)
    python3 dev.py test   lint, type-check and run the whole test suite

Each creates .venv on first use and reinstalls when pyproject.toml changes.
Extra arguments are passed on (to the bot, or to pytest).
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / "python"


def ensure_environment(extra: str) -> None:
    """Create the virtualenv and install the project (with `extra`) when it is new or stale."""
    if sys.version_info < (3, 11):  # noqa: UP036 - dev.py may be run by an older python3
        sys.exit("Sciatica Companion needs Python 3.11 or newer.")
    if not PYTHON.exists():
        print("Creating .venv ...", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    spec = f".[{extra}]" if extra else "."
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes() + spec.encode()).hexdigest()
    stamp = VENV / f".installed-{extra or 'base'}"
    if stamp.exists() and stamp.read_text() == digest:
        return
    print(f"Installing {spec} into .venv ...", flush=True)
    subprocess.run(
        [str(PYTHON), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-e", spec],
        cwd=ROOT,
        check=True,
    )
    stamp.write_text(digest)


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in ("run", "test"):
        print(__doc__)
        return 2
    command, rest = argv[0], argv[1:]
    if command == "run":
        ensure_environment("")
        return subprocess.call([str(PYTHON), "-m", "bot", *rest], cwd=ROOT)
    ensure_environment("test")
    # lint, then the typing gate (files and strictness in pyproject.toml), then the tests;
    # the first step that fails stops the run
    for gate in (["ruff", "check", "."], ["mypy"]):
        status = subprocess.call([str(PYTHON), "-m", *gate], cwd=ROOT)
        if status != 0:
            return status
    return subprocess.call([str(PYTHON), "-m", "pytest", *rest], cwd=ROOT)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
