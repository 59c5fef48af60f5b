"""docs/ops.md lists every ONNX operation the frontend converts."""

from __future__ import annotations

import re
from pathlib import Path

from pyvino.frontend.onnx.ops import builtin_table

DOC = Path(__file__).resolve().parents[2] / "docs" / "ops.md"


def test_every_converter_is_documented():
    text = DOC.read_text()
    cells = {
        c.strip() for row in text.splitlines() if row.startswith("|") for c in row.split("|")[1:2]
    }
    listed: set[str] = set()
    for cell in cells:
        listed.update(w for w in re.split(r"[,\s]+", cell) if w)
    missing = sorted({op for _, op in builtin_table()} - listed)
    assert not missing, f"add these ONNX ops to docs/ops.md: {missing}"
