#!/usr/bin/env python3
"""The project's two commands, for a machine that has only Python 3.11+.

    python3 dev.py run          start the bot (reads .env); with no DISCORD_TOKEN, the playground
    python3 dev.py playground   try the bot in your browser, no Discord account or token needed
    python3 dev.py test         lint, type-check and run the whole test suite

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


def has_token() -> bool:
    """DISCORD_TOKEN in the environment or in .env (read here: dev.py has no dependencies)."""
    if os.environ.get("DISCORD_TOKEN", "").strip():
        return True
    env_file = ROOT / ".env"
    lines = env_file.read_text().splitlines() if env_file.is_file() else []
    for line in lines:
        key, _, value = line.strip().removeprefix("export ").partition("=")
        if key.strip() == "DISCORD_TOKEN" and value.strip().strip("'\"").strip():
            return True
    return False


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in ("run", "playground", "test"):
        print(__doc__)
        return 2
    command, rest = argv[0], argv[1:]
    if command == "run" and not has_token():
        print(
            "No DISCORD_TOKEN: starting the playground. To connect to Discord instead, put your "
            "bot's token in .env (see README, \"Connect a Discord application\").",
            flush=True,
        )
        command = "playground"
    if command in ("run", "playground"):
        ensure_environment("")
        bot = ["playground"] if command == "playground" else []
        return subprocess.call([str(PYTHON), "-m", "bot", *bot, *rest], cwd=ROOT)
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
