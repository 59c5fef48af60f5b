"""Write docs/conformance.md from a backend run's report and backend_exclusions.py.

PYVINO_BACKEND_REPORT=/tmp/report.json python3 -m pytest tests/onnx_backend -q
python3 tests/onnx_backend/write_conformance.py /tmp/report.json
"""

from __future__ import annotations

import json
import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from backend_exclusions import EXCLUDED  # noqa: E402

DOC = Path(__file__).resolve().parents[2] / "docs" / "conformance.md"

HEADER = """# ONNX backend conformance

`tests/onnx_backend` runs every ONNX backend test case shipped with the installed `onnx`
package through `pyvino.onnx_backend` (`pyvino/frontend/onnx/backend.py`: convert with the ONNX
frontend, compile for `CPU`, run) and compares with onnx's own runner rules: same number of
outputs, same shapes and dtypes, `rtol=1e-3, atol=1e-7` unless the case says otherwise.

- **node** cases are generated at test time from `onnx.backend.test.case.node` (they are Python
  generators) and cached under pytest's cache folder;
- **pytorch-converted**, **pytorch-operator**, **simple** and **real** cases are read from
  `onnx/backend/test/data` (the "real" cases run the small "light" models with the inputs onnx's
  runner generates).

Regenerate this page with `python3 tests/onnx_backend/write_conformance.py REPORT.json` after a
run with `PYVINO_BACKEND_REPORT=REPORT.json`.
"""


NOTES = (
    "Runnable cases that fail today are listed with their cause in `KNOWN_FAILURES` "
    "(tests/onnx_backend/backend_exclusions.py). They run as strict xfails: a case that starts "
    "passing fails the suite until its entry is removed. They count as failures above."
)


def main(report_path: str) -> None:
    results: dict[str, str] = json.loads(Path(report_path).read_text())
    kinds: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    failed: list[tuple[str, str]] = []
    for key, status in sorted(results.items()):
        kind = key.split("/", 1)[0]
        word = status.split(":", 1)[0]
        kinds[kind][word] += 1
        if word == "failed":
            failed.append((key, status.split(":", 1)[1].strip() if ":" in status else ""))
    total = {w: sum(k[w] for k in kinds.values()) for w in ("passed", "failed", "excluded")}
    runnable = total["passed"] + total["failed"]
    lines = [HEADER, "## Result", ""]
    lines.append(
        f"**{total['passed']} / {runnable} runnable cases pass "
        f"({100 * total['passed'] / max(runnable, 1):.1f} %)**; {total['excluded']} of "
        f"{runnable + total['excluded']} cases are excluded with a reason below."
    )
    lines += ["", "| category | passed | failed | excluded |", "|---|---|---|---|"]
    for kind, counts in sorted(kinds.items()):
        lines.append(f"| {kind} | {counts['passed']} | {counts['failed']} | {counts['excluded']} |")
    lines += ["", "## Exclusions (tests/onnx_backend/backend_exclusions.py)", ""]
    by_reason: dict[str, list[str]] = defaultdict(list)
    for name, reason in EXCLUDED.items():
        by_reason[reason].append(name)
    lines += ["| reason | cases |", "|---|---|"]
    for reason, names in by_reason.items():
        lines.append(f"| {reason} | {len(names)}: {', '.join(sorted(names))} |")
    lines += [
        "",
        "## Failing cases (open work)",
        "",
        NOTES,
        "",
        "| case | cause |",
        "|---|---|",
    ]
    for key, why in failed:
        lines.append(f"| {key} | {why.removeprefix('known: ').replace('|', '/')} |")
    DOC.write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main(sys.argv[1])
