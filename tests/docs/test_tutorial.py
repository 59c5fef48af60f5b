"""docs/writing-a-device-plugin.md stays true: every code block marked ``<!-- file: PATH -->``
is exactly that file of the repository (the package the tutorial ends in), and the other
``python`` blocks run, in order, in a fresh interpreter.

After editing a file of ``plugins/fpga``, refresh the tutorial with
``python3 tests/docs/test_tutorial.py --update``.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TUTORIAL = ROOT / "docs" / "writing-a-device-plugin.md"
BLOCK = re.compile(
    r"(?:<!-- file: (?P<path>\S+) -->\n)?```(?P<lang>\w*)\n(?P<body>.*?)^```", re.S | re.M
)
LANGUAGES = {".py": "python", ".toml": "toml"}


def blocks(text: str) -> list[re.Match[str]]:
    return list(BLOCK.finditer(text))


def test_tutorial_includes_files_verbatim():
    text = TUTORIAL.read_text()
    included = [m for m in blocks(text) if m["path"]]
    assert len(included) >= 8, "the tutorial should walk through every file of the package"
    for m in included:
        path = ROOT / m["path"]
        assert path.is_file(), f"the tutorial includes {m['path']}, which does not exist"
        assert m["body"] == path.read_text(), (
            f"the tutorial's copy of {m['path']} is stale: run "
            "python3 tests/docs/test_tutorial.py --update"
        )
    package = {
        p.relative_to(ROOT).as_posix() for p in (ROOT / "plugins/fpga/src/pyvino_fpga").glob("*.py")
    }
    assert package <= {m["path"] for m in included}, "every module of pyvino_fpga is shown"


def test_tutorial_examples_run():
    code = "\n".join(
        m["body"] for m in blocks(TUTORIAL.read_text()) if not m["path"] and m["lang"] == "python"
    )
    assert code.strip()
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=300
    )
    assert out.returncode == 0, out.stdout + out.stderr


def update() -> None:
    """Rewrite every included block from its file."""

    def fill(m: re.Match[str]) -> str:
        if not m["path"]:
            return m[0]
        path = ROOT / m["path"]
        lang = LANGUAGES.get(path.suffix, "")
        return f"<!-- file: {m['path']} -->\n```{lang}\n{path.read_text()}```"

    TUTORIAL.write_text(BLOCK.sub(fill, TUTORIAL.read_text()))


if __name__ == "__main__":
    if sys.argv[1:] == ["--update"]:
        update()
        print(f"updated {TUTORIAL.relative_to(ROOT)}")
    else:
        print(__doc__)
