"""Text table of a cross-check report (one row per layer output, then a summary)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pyvino.tools.cross_check import CrossCheckReport


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def _num(value: float) -> str:
    return f"{value:.3e}"


def format_report(report: CrossCheckReport) -> str:
    headers = ["layer", "type", "max abs diff", "max rel diff",
               f"{report.label} ms", f"{report.ref_label} ms", "status"]
    rows = []
    for c in report.layers:
        name = c.name if c.port == 0 else f"{c.name}:{c.port}"
        status = "ok" if c.passed else "FAIL" + (f" ({c.note})" if c.note else "")
        rows.append([name, c.type, _num(c.max_abs_diff), _num(c.max_rel_diff), _ms(c.time_ms),
                     _ms(c.ref_time_ms), status])
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h)
              for i, h in enumerate(headers)]
    align = ["<", "<", ">", ">", ">", ">", "<"]

    def line(cells: list[str]) -> str:
        cols = zip(cells, align, widths, strict=True)
        return "  ".join(f"{c:{a}{w}}" for c, a, w in cols).rstrip()

    out = [line(headers), line(["-" * w for w in widths])]
    out += [line(r) for r in rows]
    failed = report.failed
    out.append("")
    out.append(f"{len(report.layers)} layer output(s) compared: {report.label} vs "
               f"{report.ref_label}, tolerance {report.tolerance:g} (max rel diff)")
    if report.layers:
        worst = max(report.layers, key=lambda c: (c.max_abs_diff != c.max_abs_diff,
                                                  c.max_abs_diff))
        out.append(f"largest abs diff: {_num(worst.max_abs_diff)} at {worst.name} "
                   f"({worst.type})")
    total = sum(c.time_ms or 0.0 for c in report.layers)
    ref_total = sum(c.ref_time_ms or 0.0 for c in report.layers)
    out.append(f"total layer time: {report.label} {total:.3f} ms, "
               f"{report.ref_label} {ref_total:.3f} ms")
    if report.unmatched:
        out.append(f"{len(report.unmatched)} layer(s) not in the reference model: "
                   + ", ".join(report.unmatched[:10]) + (" ..." if len(report.unmatched) > 10
                                                         else ""))
    out.append(f"FAILED: {len(failed)} layer output(s) above tolerance; first: {failed[0].name}"
               if failed else "PASSED: all layer outputs within tolerance")
    return "\n".join(out)
