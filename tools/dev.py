#!/usr/bin/env python3
"""Set up a virtual environment with every pyvino distribution, then run the demo or the tests.

    python3 tools/dev.py demo    # set up, then run the main job (pyvino demo)
    python3 tools/dev.py test    # set up, then run the whole test suite

Works with a bare Python 3.11 (no pip, no ensurepip, not root): the venv is made without pip
if needed and pip is bootstrapped from its wheel on PyPI.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import urllib.request
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = Path(os.environ.get("PYVINO_VENV", ROOT / ".venv"))
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / "python"


def log(msg: str) -> None:
    print(f"[dev] {msg}", flush=True)


def run(*cmd: str | Path, **kw: object) -> None:
    subprocess.run([str(c) for c in cmd], check=True, **kw)  # type: ignore[arg-type]


def has_pip() -> bool:
    return PY.exists() and subprocess.run([str(PY), "-m", "pip", "--version"],
                                          capture_output=True).returncode == 0


def bootstrap_pip() -> None:
    """Install pip into the venv from the pip wheel on PyPI (no ensurepip needed)."""
    log("bootstrapping pip from PyPI")
    with urllib.request.urlopen("https://pypi.org/pypi/pip/json", timeout=60) as r:
        info = json.load(r)
    wheel = next(u for u in info["urls"] if u["filename"].endswith(".whl"))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / wheel["filename"]
        with urllib.request.urlopen(wheel["url"], timeout=120) as r, open(path, "wb") as f:
            shutil.copyfileobj(r, f)
        run(PY, str(path / "pip"), "install", "--quiet", str(path))


def setup() -> None:
    if not PY.exists():
        log(f"creating virtual environment {VENV}")
        try:
            venv.EnvBuilder(with_pip=True).create(VENV)
        except Exception as exc:  # Debian without python3-venv has no ensurepip
            log(f"venv with pip failed ({exc}); creating it without pip")
            shutil.rmtree(VENV, ignore_errors=True)
            venv.EnvBuilder(with_pip=False).create(VENV)
    if not has_pip():
        bootstrap_pip()
    log("installing pyvino distributions (requirements-dev.txt)")
    run(PY, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
        "-r", ROOT / "requirements-dev.txt", cwd=ROOT)


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in ("demo", "test", "setup"):
        print(__doc__)
        return 2
    setup()
    env = dict(os.environ)
    if argv[0] == "demo":
        return subprocess.run([str(BIN / "pyvino"), "demo", *argv[1:]], env=env).returncode
    if argv[0] == "test":
        cmd = [str(PY), "-m", "pytest", "-q", *argv[1:]]
        return subprocess.run(cmd, cwd=ROOT, env=env).returncode
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
