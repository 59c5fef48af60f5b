"""Cross-check: run a model on two devices (or two precisions, or two models) layer by layer.

As OpenVINO's cross_check_tool: every layer's output becomes a model output on both runs, the
two runs get the same inputs, and each layer gets the max absolute and relative difference
and its time on each side (PERF_COUNT). A layer fails when its max relative difference
(``|a - b| / max(|b|, 1)``: absolute below 1, relative above) exceeds the tolerance.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from pyvino._errors import PyvinoError
from pyvino._model import Model
from pyvino.runtime import Core
from pyvino.tools._observe import (
    SKIPPED_TYPES,
    load_inputs,
    node_by_name,
    random_inputs,
    with_outputs,
)


@dataclass(frozen=True)
class LayerComparison:
    """One layer output compared between the two runs (times in ms, None if not reported)."""

    name: str
    type: str
    port: int
    shape: tuple[int, ...]
    max_abs_diff: float
    max_rel_diff: float
    time_ms: float | None
    ref_time_ms: float | None
    passed: bool
    note: str = ""


@dataclass
class CrossCheckReport:
    """All compared layers, in execution order, with the tolerance they were judged by."""

    label: str
    ref_label: str
    tolerance: float
    layers: list[LayerComparison] = field(default_factory=list)
    unmatched: list[str] = field(default_factory=list)

    @property
    def failed(self) -> list[LayerComparison]:
        return [c for c in self.layers if not c.passed]

    @property
    def passed(self) -> bool:
        return not self.failed

    def table(self) -> str:
        from pyvino.tools._table import format_report

        return format_report(self)

    def __str__(self) -> str:
        return self.table()


def compare(a: np.ndarray, b: np.ndarray) -> tuple[float, float]:
    """(max |a - b|, max |a - b| / max(|b|, 1)) in float64; NaN where they differ in NaNs."""
    x, y = np.asarray(a, np.float64), np.asarray(b, np.float64)
    if x.size == 0:
        return 0.0, 0.0
    diff = np.abs(x - y)
    diff = np.where(np.isnan(x) & np.isnan(y), 0.0, diff)
    if np.isnan(diff).any():
        return float("nan"), float("nan")
    return float(diff.max()), float((diff / np.maximum(np.abs(y), 1.0)).max())


def _times(request: Any) -> dict[str, float]:
    times: dict[str, float] = {}
    for p in request.get_profiling_info():
        if p.status == "EXECUTED":
            ms = p.real_time.total_seconds() * 1000.0
            times[p.node_name] = times.get(p.node_name, 0.0) + ms
    return times


def _select(model: Model, ref: Model, layers: Any) -> tuple[list[tuple[str, int]], list[str]]:
    """(name, port) pairs to compare and the names found in only one model."""
    ref_nodes = node_by_name(ref)
    nodes = [n for n in model.get_ordered_ops() if n.type_name not in SKIPPED_TYPES]
    if layers is None or layers == "None":
        outs = {(o.node.friendly_name, o.index) for o in model.outputs}
        return [(n, p) for n, p in outs if n in ref_nodes], []
    if isinstance(layers, str) and layers != "all":
        layers = [s.strip() for s in layers.split(",") if s.strip()]
    if layers != "all":
        wanted = set(layers)
        unknown = wanted - {n.friendly_name for n in nodes}
        if unknown:
            raise PyvinoError(f"cross-check: no layer(s) named {', '.join(sorted(unknown))} "
                              f"in model {model.friendly_name!r}")
        nodes = [n for n in nodes if n.friendly_name in wanted]
    pairs = [(n.friendly_name, i) for n in nodes for i in range(n.get_output_size())
             if n.friendly_name in ref_nodes and i < ref_nodes[n.friendly_name].get_output_size()]
    unmatched = [n.friendly_name for n in nodes if n.friendly_name not in ref_nodes]
    return pairs, unmatched


def _observed(model: Model, pairs: list[tuple[str, int]]) -> tuple[Model, list[int]]:
    nodes = node_by_name(model)
    return with_outputs(model, [nodes[name].output(port) for name, port in pairs], "cross_check")


def _run(core: Core, model: Model, device: str, config: dict[str, Any],
         inputs: Sequence[np.ndarray]) -> tuple[list[np.ndarray], dict[str, float]]:
    compiled = core.compile_model(model, device, {**config, "PERF_COUNT": True})
    request = compiled.create_infer_request()
    arrays = [np.asarray(x).astype(p.element_type.dtype, copy=False)
              for x, p in zip(inputs, compiled.inputs, strict=True)]
    request.infer(arrays)  # warm-up: first runs may build kernels
    result = request.infer(arrays)
    return list(result.to_tuple()), _times(request)


def cross_check(
    model: Model | str,
    device: str = "CPU",
    ref_device: str | None = None,
    *,
    ref_model: Model | str | None = None,
    config: dict[str, Any] | None = None,
    ref_config: dict[str, Any] | None = None,
    inputs: Any = None,
    layers: Any = "all",
    tolerance: float = 1e-4,
    core: Core | None = None,
    seed: int = 0,
) -> CrossCheckReport:
    """Compare every layer of ``model`` on ``device`` with ``ref_model`` on ``ref_device``.

    ``layers``: ``"all"`` (default), ``None`` (model outputs only) or names (list or comma
    string). ``inputs``: arrays in input order, a ``.npy``/``.npz`` path, or None for seeded
    random data. ``config`` / ``ref_config`` are compile properties, e.g.
    ``{"INFERENCE_PRECISION_HINT": "f16"}``.
    """
    core = core or Core()
    model = model if isinstance(model, Model) else core.read_model(model)
    ref = model if ref_model is None else (
        ref_model if isinstance(ref_model, Model) else core.read_model(ref_model))
    ref_device = ref_device or device
    pairs, unmatched = _select(model, ref, layers)
    if isinstance(inputs, (str, bytes)) or hasattr(inputs, "__fspath__"):
        inputs = load_inputs(inputs, model.inputs)
    elif inputs is None:
        inputs = random_inputs(model.inputs, seed)
    observed, index = _observed(model, pairs)
    ref_observed, ref_index = _observed(ref, pairs)
    outs, times = _run(core, observed, device, dict(config or {}), inputs)
    ref_outs, ref_times = _run(core, ref_observed, ref_device, dict(ref_config or {}), inputs)
    label, ref_label = _label(device, config), _label(ref_device, ref_config)
    if ref_label == label:
        ref_label += " ref"
    report = CrossCheckReport(label, ref_label, tolerance, unmatched=unmatched)
    types = {n.friendly_name: n.type_name for n in model.get_ordered_ops()}
    for (name, port), i, j in zip(pairs, index, ref_index, strict=True):
        a, b = outs[i], ref_outs[j]
        note = ""
        if a.shape != b.shape:
            abs_diff = rel_diff = float("inf")
            note = f"shape {list(a.shape)} vs {list(b.shape)}"
        else:
            abs_diff, rel_diff = compare(a, b)
        ok = rel_diff <= tolerance  # NaN and inf fail
        report.layers.append(LayerComparison(name, types[name], port, tuple(a.shape), abs_diff,
                                             rel_diff, times.get(name), ref_times.get(name),
                                             bool(ok), note))
    return report


def _label(device: str, config: dict[str, Any] | None) -> str:
    precision = (config or {}).get("INFERENCE_PRECISION_HINT")
    return f"{device} ({precision})" if precision else device
