"""Interpolate-1/4/11 (nearest, linear_onnx, cubic) as a separable numba kernel.

Compile time turns each resized axis into a tap table: for every output position the input
indices and weights (1 tap for nearest, 2 for linear_onnx, 4 for cubic), computed in float32
exactly as the reference (``pyvino_opsets._resample``) so nearest rounding agrees at exact
halves. At most two axes may change; the data is viewed as ``[outer, H, middle, W, inner]``
and each output row first blends its input rows (contiguous, vectorised), then gathers and
blends columns. Work is split over ``outer * H_out`` rows.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numba
import numpy as np
from pyvino import Op, Output, Type
from pyvino_opsets._resample import cubic_taps, linear_onnx_taps, nearest_indices, source_coords

from pyvino_cpu.kernels import Arrays, Kernel, Run
from pyvino_cpu.kernels._jit import kernel, precompile
from pyvino_cpu.kernels._workspace import Workspace, aligned_zeros, split_with_workspace

if TYPE_CHECKING:
    from pyvino_cpu._parallel import TaskPool

F32 = np.float32
# One output tap in the flops of MIN_PARALLEL_WORK: UNet's 32x64x64 -> 128x128 linear upsample
# (2 + 2 taps) took 0.78 ms on one core, 20 flops' time per tap and output; so images from
# about 64x64 outputs per channel block are shared between threads.
OUTPUT_TAP_WORK = 20.0
Taps = tuple[np.ndarray, np.ndarray]  # indices int64 [taps, out_len], weights f32 [taps, out_len]


@numba.njit(inline="always")
def blend_columns(row, dst, idx_w, w_w):  # noqa: ANN001, ANN201
    """dst[ox] = sum over taps k of w_w[k, ox] * row[idx_w[k, ox]], one loop per tap."""
    i0, v0 = idx_w[0], w_w[0]
    for ox in range(dst.shape[0]):
        dst[ox] = v0[ox] * row[i0[ox]]
    for k in range(1, idx_w.shape[0]):
        ik, vk = idx_w[k], w_w[k]
        for ox in range(dst.shape[0]):
            dst[ox] += vk[ox] * row[ik[ox]]


@kernel()
def resample_rows(x, out, idx_h, w_h, idx_w, w_w, width, inner, lo, hi, row):  # noqa: ANN001, ANN201
    """x [A, H, M*W*C] -> out [A, Ho, M*Wo*C] for output rows [lo, hi) of A * Ho.

    A row is first blended from its input rows over the whole contiguous M*W*C span, then
    its outputs blend that row's taps along W. All tables are [taps, out_len]: with C = 1 (NCHW
    resized on H and W) each tap is one gather-multiply-add loop over the output row, which
    LLVM vectorises (2.3x the scalar loop over (ox, tap) on UNet's upsampling). ``row`` is
    a working buffer of M*W*C floats (any content: written before it is read).
    """
    ho, span = out.shape[1], x.shape[2]
    middle = span // (width * inner)
    taps, wo = idx_w.shape
    for task in range(lo, hi):
        a, oy = task // ho, task % ho
        first, w0 = x[a, idx_h[0, oy]], w_h[0, oy]
        for q in range(span):
            row[q] = w0 * first[q]
        for k in range(1, idx_h.shape[0]):
            src, wk = x[a, idx_h[k, oy]], w_h[k, oy]
            for q in range(span):
                row[q] += wk * src[q]
        dst = out[a, oy]
        if inner == 1:
            for m in range(middle):
                blend_columns(
                    row[m * width : (m + 1) * width], dst[m * wo : (m + 1) * wo], idx_w, w_w
                )
        else:
            for m in range(middle):
                for ox in range(wo):
                    base = (m * wo + ox) * inner
                    for c in range(inner):
                        v = np.float32(0.0)
                        for k in range(taps):
                            v += w_w[k, ox] * row[(m * width + idx_w[k, ox]) * inner + c]
                        dst[base + c] = v


# ------------------------------------------------------------------------------ tap tables
def axis_taps(attrs: dict[str, Any], in_len: int, out_len: int, scale: float) -> Taps:
    """The reference's own tap tables (``pyvino_opsets._resample``), weights as float32."""
    coords = source_coords(attrs["coordinate_transformation_mode"], out_len, in_len, scale)
    mode = attrs["mode"]
    if mode == "nearest":
        idx = nearest_indices(coords, attrs["nearest_mode"], scale < 1.0, in_len)[None]
        return idx, np.ones(idx.shape, F32)
    if mode == "linear_onnx":
        idx, w = linear_onnx_taps(coords, in_len)
    else:
        idx, w = cubic_taps(coords, in_len, attrs["cube_coeff"])
    return idx, w.astype(F32)


def _identity(taps: Taps, in_len: int) -> bool:
    """Whether the taps copy the axis unchanged (every output reads only its own index)."""
    idx, w = taps
    if idx.shape[1] != in_len:
        return False
    own = idx == np.arange(in_len)
    return bool(np.all(w[~own] == 0) and np.all(np.where(own, w, 0).sum(axis=0) == 1))


# ------------------------------------------------------------------------------ the kernel
class Interpolate(Kernel):
    """Resamples up to two axes of a static f32 tensor with precomputed tap tables."""

    exec_type = "numba_interpolate"

    def __init__(self, shape: tuple[int, ...], out_shape: tuple[int, ...], taps: dict) -> None:
        axes = sorted(taps) or [0]
        one = (np.zeros((1, 1), np.int64), np.ones((1, 1), F32))
        h_axis, w_axis = (axes[0], axes[1]) if len(axes) == 2 else (axes[0], None)
        self.idx_h, self.w_h = taps.get(h_axis, one)
        idx_w, w_w = taps[w_axis] if w_axis is not None else one
        self.idx_w, self.w_w = np.ascontiguousarray(idx_w), np.ascontiguousarray(w_w)
        self.view_in = _five_d(shape, h_axis, w_axis)
        self.view_out = _five_d(out_shape, h_axis, w_axis)
        if h_axis not in taps:  # nothing changes: copy through the same loop
            self.idx_h = np.arange(shape[h_axis], dtype=np.int64)[None]
            self.w_h = np.ones_like(self.idx_h, dtype=F32)

    def bind(self, inputs: Arrays, outputs: Arrays, scratch: Arrays, pool: TaskPool) -> Run:
        (a, h, m, w, c), (_, ho, _, wo, _) = self.view_in, self.view_out
        x, out = inputs[0].reshape(a, h, m * w * c), outputs[0].reshape(a, ho, m * wo * c)
        args = (self.idx_h, self.w_h, self.idx_w, self.w_w, w, c)
        span = x.shape[2]

        def row_buffer() -> Workspace:
            return (aligned_zeros(span),)

        def rows(lo: int, hi: int, buffers: Workspace) -> None:
            resample_rows(x, out, *args, lo, hi, *buffers)

        precompile(resample_rows, x, out, *args, 0, 0, *row_buffer())
        work = OUTPUT_TAP_WORK * out.size * (self.idx_w.shape[0] + self.idx_h.shape[0])
        return split_with_workspace(pool, a * ho, rows, row_buffer, work=work)


def _size(dims: tuple[int, ...]) -> int:
    return int(np.prod(dims, dtype=np.int64))


def _five_d(shape: tuple[int, ...], h: int, w: int | None) -> tuple[int, ...]:
    """``shape`` as [outer, H, middle, W, inner] around axes ``h`` and ``w``."""
    if w is None:
        return (_size(shape[:h]), shape[h], 1, 1, _size(shape[h + 1 :]))
    return (_size(shape[:h]), shape[h], _size(shape[h + 1 : w]), shape[w], _size(shape[w + 1 :]))


# ------------------------------------------------------------------------------ selection
MODES = ("nearest", "linear_onnx", "cubic")


def _v4_attrs(node: Op, rank: int) -> dict[str, Any]:
    """Interpolate-4/11 attributes; Interpolate-1 mapped as its reference maps it."""
    return node.v4_attrs(rank) if node.op_version() == 1 else dict(node.attrs)


def _axes_and_scales(node: Op, const_of: Any, shape: tuple, out_shape: tuple) -> Any:
    """Resized axes and their f32 scales as the reference computes them, or None."""
    rank, version = len(shape), node.op_version()
    if version == 1:
        axes = list(node.attrs["axes"])
    else:
        port = 3 if version == 4 else 2
        value = const_of(node.inputs[port]) if len(node.inputs) > port else np.arange(rank)
        if value is None:
            return None
        axes = [int(a) for a in value.reshape(-1)]
    if version > 1 and node.attrs["shape_calculation_mode"] == "scales":
        scales = const_of(node.inputs[2 if version == 4 else 1])
        if scales is None:
            return None
        return axes, [float(F32(s)) for s in scales.reshape(-1)[: len(axes)]]
    return axes, [float(F32(out_shape[a]) / F32(shape[a])) for a in axes]


def interpolate_kernel(node: Op, const_of: Any) -> tuple[Interpolate, list[Output]] | None:
    """The fast Interpolate for static f32 data, constant sizes/scales/axes and no padding."""
    x, out = node.inputs[0], node.output(0)
    if x.element_type is not Type.f32 or not (
        x.partial_shape.is_static and out.partial_shape.is_static
    ):
        return None
    shape, out_shape = tuple(x.shape), tuple(out.shape)
    attrs = _v4_attrs(node, len(shape))
    if attrs["mode"] not in MODES or any(node.attrs["pads_begin"]) or any(node.attrs["pads_end"]):
        return None
    found = _axes_and_scales(node, const_of, shape, out_shape)
    if found is None:
        return None
    scale_of = dict(zip(*found, strict=False))
    if attrs["mode"] == "nearest":  # the reference resamples every axis, scale 1 elsewhere
        scale_of = {a: scale_of.get(a, 1.0) for a in range(len(shape))}
    taps = {}
    for a, scale in scale_of.items():
        t = axis_taps(attrs, shape[a], out_shape[a], scale)
        if not _identity(t, shape[a]):
            taps[a] = t
    if len(taps) > 2:
        return None
    return Interpolate(shape, out_shape, taps), [x]
