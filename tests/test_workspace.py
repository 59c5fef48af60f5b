"""Meta-tests: every member distribution is in both install routes and has a README."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def member_folders() -> set[str]:
    found = set()
    for pattern in ("core", "opsets", "plugins/*", "extensions/*"):
        for folder in ROOT.glob(pattern):
            if (folder / "pyproject.toml").exists():
                found.add(folder.relative_to(ROOT).as_posix())
    return found


def test_every_member_is_in_the_uv_workspace():
    root = tomllib.loads((ROOT / "pyproject.toml").read_text())
    members = set(root["tool"]["uv"]["workspace"]["members"])
    assert member_folders() == members


def test_every_member_is_in_requirements_dev():
    lines = (ROOT / "requirements-dev.txt").read_text().splitlines()
    editable = {line.split(maxsplit=1)[1].removeprefix("./") for line in lines
                if line.startswith("-e ")}
    assert member_folders() == editable


def test_every_member_has_readme_src_layout_and_entry_point_group():
    for folder in member_folders():
        path = ROOT / folder
        assert (path / "README.md").exists(), f"{folder} has no README.md"
        assert (path / "src").is_dir(), f"{folder} is not a src/ layout"
        meta = tomllib.loads((path / "pyproject.toml").read_text())
        if folder != "core":
            assert "pyvino" in meta["project"]["entry-points"], f"{folder}: no pyvino entry point"
