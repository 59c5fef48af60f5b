"""Interpolate-4 and Interpolate-11: nearest, linear and linear_onnx, any axes, fused epilogue.

Interpolation is separable, so for every resized axis the source offsets (and, for linear, the
weight of the upper neighbour) of each output coordinate are computed here with the op's
coordinate transformation and nearest rounding, and baked into the kernel as ``__constant``
tables. The kernel then reads 1 (nearest) or 2^k (linear over k axes) neighbours.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from pyvino import Op

from pyvino_gpu.kernels._common import (
    KernelCode,
    TensorInfo,
    coord,
    flat_launch,
    lit,
    load,
    param,
    store,
    strides,
)
from pyvino_gpu.kernels._support import const_value, float_data, is_constant
from pyvino_gpu.kernels.eltwise import Region, exec_suffix

MODES = ("nearest", "linear", "linear_onnx")


F32 = np.float32


def source_coords(mode: str, out_len: int, in_len: int, scale: float) -> np.ndarray:
    """Input coordinate of every output coordinate, in float32 as OpenVINO computes it."""
    x = np.arange(out_len, dtype=F32)
    s = F32(scale)
    if mode == "pytorch_half_pixel":
        return (x + F32(0.5)) / s - F32(0.5) if out_len > 1 else np.zeros(out_len, F32)
    if mode == "asymmetric":
        return x / s
    if mode == "tf_half_pixel_for_nn":
        return (x + F32(0.5)) / s
    if mode == "align_corners":
        return np.zeros(1, F32) if out_len == 1 else x * F32(in_len - 1) / F32(out_len - 1)
    return (x + F32(0.5)) / s - F32(0.5)  # half_pixel


def _round_half_away(x: np.ndarray) -> np.ndarray:
    return np.where(x >= 0, np.floor(x + F32(0.5)), np.ceil(x - F32(0.5)))


def nearest_index(mode: str, x: np.ndarray, scale: float, in_len: int) -> np.ndarray:
    if mode == "round_prefer_ceil":
        idx = _round_half_away(x)
    elif mode == "floor":
        idx = np.floor(x)
    elif mode == "ceil":
        idx = np.ceil(x)
    elif mode == "simple":
        idx = np.ceil(x) if scale < 1.0 else np.trunc(x)
    else:  # round_prefer_floor
        idx = np.where(x == np.trunc(x) + F32(0.5), np.floor(x), _round_half_away(x))
    return np.clip(idx.astype(np.int64), 0, in_len - 1)


def linear_taps(mode: str, x: np.ndarray, in_len: int) -> tuple[np.ndarray, ...]:
    """(lower index, upper index, lower weight, upper weight) per output coordinate."""
    if mode == "linear_onnx":
        c = np.clip(x, F32(0), F32(in_len - 1))
        lo = np.minimum(c.astype(np.int64), in_len - 1)
        hi = np.minimum(lo + 1, in_len - 1)
        w_hi = np.abs(c - lo.astype(F32)).astype(np.float64)
        w_lo = np.abs(c - hi.astype(F32)).astype(np.float64)
        same = lo == hi
        return lo, hi, np.where(same, 0.5, w_lo), np.where(same, 0.5, w_hi)
    # "linear" without antialias: a triangle filter of width 1 over in-range pixels, normalised
    c = x.astype(np.float64)
    lo = np.floor(c).astype(np.int64)
    hi = lo + 1
    w_lo = np.where((lo >= 0) & (lo < in_len), 1.0 - np.abs(c - lo), 0.0)
    w_hi = np.where((hi >= 0) & (hi < in_len), np.maximum(0.0, 1.0 - np.abs(c - hi)), 0.0)
    total = w_lo + w_hi
    safe = np.where(total > 0, total, 1.0)
    return (np.clip(lo, 0, in_len - 1), np.clip(hi, 0, in_len - 1), w_lo / safe, w_hi / safe)


def _scales(node: Op, in_shape: tuple[int, ...], out_shape: tuple[int, ...]) -> list[float]:
    rank = len(in_shape)
    v11 = node.op_version() >= 11
    axes_port = 2 if v11 else 3
    axes = const_value(node, axes_port) if len(node.inputs) > axes_port else None
    axes = list(range(rank)) if axes is None else [int(a) % rank for a in axes.reshape(-1)]
    scales = [1.0] * rank
    if node.attrs["shape_calculation_mode"] == "scales":
        given = const_value(node, 1 if v11 else 2).reshape(-1)
        for a, s in zip(axes, given):
            scales[a] = float(F32(s))
    else:
        for a in axes:
            scales[a] = float(F32(out_shape[a]) / F32(in_shape[a]))
    return scales


def lower_interpolate(lw: Any, node: Op, region: Region) -> list[TensorInfo]:
    a = node.attrs
    x = lw.input(node, 0)
    out = lw.output(node)
    scales = _scales(node, x.shape, out.shape)
    linear = a["mode"] != "nearest"
    in_strides, out_strides = strides(x.shape), strides(out.shape)
    name = lw.kernel_name("interp")
    tables, base_terms, axes = [], [], []
    for axis, (n_in, n_out) in enumerate(zip(x.shape, out.shape)):
        c = coord("o", out_strides[axis], n_out, outermost=axis == 0)
        if n_in == n_out or F32(scales[axis]) == F32(1.0):
            if n_out > 1:
                base_terms.append(f"{c} * {in_strides[axis]}")
            continue
        src = source_coords(a["coordinate_transformation_mode"], n_out, n_in, scales[axis])
        if not linear:
            idx = nearest_index(a["nearest_mode"], src, scales[axis], n_in) * in_strides[axis]
            tables.append(f"__constant int {name}_i{axis}[{n_out}] = {{{_ints(idx)}}};")
            base_terms.append(f"{name}_i{axis}[{c}]")
            continue
        lo, hi, w_lo, w_hi = linear_taps(a["mode"], src, n_in)
        for tag, values in (("lo", lo * in_strides[axis]), ("hi", hi * in_strides[axis])):
            tables.append(f"__constant int {name}_{tag}{axis}[{n_out}] = {{{_ints(values)}}};")
        for tag, values in (("wl", w_lo), ("wh", w_hi)):
            floats = ", ".join(lit(float(np.float32(v))) for v in values)
            tables.append(f"__constant float {name}_{tag}{axis}[{n_out}] = {{{floats}}};")
        axes.append((axis, c))
    lines = [f"const int base = {' + '.join(base_terms) or '0'};"]
    for axis, c in axes:
        lines.append(f"const int c{axis} = {c};")
    terms = []
    for corner in range(1 << len(axes)):
        offs, weights = ["base"], []
        for bit, (axis, _) in enumerate(axes):
            up = corner >> bit & 1
            offs.append(f"{name}_{'hi' if up else 'lo'}{axis}[c{axis}]")
            weights.append(f"{name}_{'wh' if up else 'wl'}{axis}[c{axis}]")
        read = load("x", x, " + ".join(offs))
        terms.append(" * ".join(weights + [read]))
    body = "\n  ".join(lines)
    src = "\n".join(tables) + f"""
__kernel void {name}({param('y', out, True)}, {param('x', x)}{region.params()}) {{
  const int o = get_global_id(0);
  if (o >= {out.numel}) return;
  {body}
  float v = {' + '.join(terms)};
{region.code('o')}
  {store('y', out, 'o', 'v')}
}}
"""
    gsize, lsize = flat_launch(out.numel, 256)
    kind = f"linear{len(axes)}d" if linear else "nearest"
    lw.launch(KernelCode(name, src, gsize, lsize, f"interp_{kind}" + exec_suffix(region)),
              [out], [x], node, region)
    return [out]


def _ints(values: np.ndarray) -> str:
    return ", ".join(str(int(v)) for v in values)


def _supports(node: Op) -> bool:
    a = node.attrs
    if node.op_version() < 4 or a.get("mode") not in MODES or a.get("antialias"):
        return False
    if any(a.get("pads_begin") or ()) or any(a.get("pads_end") or ()):
        return False
    consts = all(is_constant(node, i) for i in range(1, len(node.inputs)))
    return consts and float_data(node, (0,)) and math.prod(node.get_output_partial_shape(0).to_shape()) > 0


LOWER = {"Interpolate": lower_interpolate}
SUPPORTS = {"Interpolate": _supports}
