"""FakeQuantize-1 as numba kernels, equal bit for bit to the opset's reference ``evaluate``.

OpenVINO's semantics, with ``lo = min(il, ih)``, ``hi = max(il, ih)``, ``steps = levels - 1``::

    y = ol                                                           if x <= lo
    y = oh                                                           if x >  hi
    y = rint((x - il) / (ih - il) * steps) / steps * (oh - ol) + ol   otherwise (half to even)

Every operation runs in f32 in the reference's order and *without* fast-math: a reciprocal in
place of the division or a fused multiply-add would move values that sit exactly on a rounding
boundary to the neighbouring level. ``FakeQuantize`` is the standalone kernel for ranges that
are scalars or vary along one axis (per channel); inside fused elementwise chains the block
program runs the formula as one exact f32 instruction per operation (``_quantized.py``).

This CPU computes FakeQuantize as simulated quantization in f32 (what OpenVINO's CPU plugin does
without VNNI): a numba int8 GEMM with int32 accumulation measured 2x-10x slower than
OpenBLAS sgemm on the zoo's convolution shapes (``benchmarks/int8_gemm.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numba
import numpy as np

from pyvino_cpu.kernels import AfterAnchor, Arrays, Kernel, Run, in_turn
from pyvino_cpu.kernels._epilogue import bind_block
from pyvino_cpu.kernels._jit import OPTIONS, precompile

if TYPE_CHECKING:
    from pyvino_cpu._parallel import TaskPool

# The plugin's options minus fast-math (see the module docstring).
STRICT = {key: value for key, value in OPTIONS.items() if key != "fastmath"}


def strict_kernel():  # noqa: ANN201
    """``numba.njit`` with IEEE f32 arithmetic (no reassociation, reciprocals or FMA)."""
    return numba.njit(**STRICT)


# Adding and subtracting 1.5 * 2**23 rounds an f32 to an integer, half to even (the FPU's
# rounding mode), like rint but vectorizable; exact for |v| <= 2**22. The index rounded is in
# [-steps, steps] wherever it is used, hence MAX_LEVELS.
ROUNDER = np.float32(1.5 * 2**23)
MAX_LEVELS = 2**22 + 1


@numba.njit(inline="always", **STRICT)
def quantize_value(v, il, ol, oh, lo, hi, scale, span, steps):  # noqa: ANN001, ANN201
    """FakeQuantize of one f32 ``v``: branch-free, so the loops calling it vectorize."""
    q = (((v - il) / scale * steps + ROUNDER) - ROUNDER) / steps * span + ol
    q = ol if v <= lo else q
    return oh if v > hi else q


# In both kernels the index runs from 0 over a slice: with ``range(c0, c1)`` numba keeps its
# negative-index wraparound in the loop and LLVM leaves the loop scalar (7x slower).


@strict_kernel()
def fake_quantize_block(x, out, ranges, steps, r0, r1, c0, c1):  # noqa: ANN001, ANN201
    """out[r, c0:c1] = FakeQuantize(x[r, c0:c1]) for rows [r0, r1) of 2D ``x``, ``out``.

    ``ranges``: float32 [8, C] rows il, ih, ol, oh, lo, hi, ih - il, oh - ol; row r of ``x``
    uses channel ``r % C``. ``x`` and ``out`` should not overlap: if they do, LLVM's runtime
    overlap check sends every element down the scalar loop (use ``fake_quantize_inplace``).
    """
    channels = ranges.shape[1]
    for r in range(r0, r1):
        c = r % channels
        il, ol, oh = ranges[0, c], ranges[2, c], ranges[3, c]
        lo, hi, scale, span = ranges[4, c], ranges[5, c], ranges[6, c], ranges[7, c]
        src, dst = x[r, c0:c1], out[r, c0:c1]
        for k in range(src.shape[0]):
            dst[k] = quantize_value(src[k], il, ol, oh, lo, hi, scale, span, steps)


@strict_kernel()
def fake_quantize_inplace(out, ranges, steps, r0, r1, c0, c1):  # noqa: ANN001, ANN201
    """``fake_quantize_block(out, out, ...)``, vectorized (one array needs no overlap check)."""
    channels = ranges.shape[1]
    for r in range(r0, r1):
        c = r % channels
        il, ol, oh = ranges[0, c], ranges[2, c], ranges[3, c]
        lo, hi, scale, span = ranges[4, c], ranges[5, c], ranges[6, c], ranges[7, c]
        row = out[r, c0:c1]
        for k in range(row.shape[0]):
            row[k] = quantize_value(row[k], il, ol, oh, lo, hi, scale, span, steps)


def range_table(il: np.ndarray, ih: np.ndarray, ol: np.ndarray, oh: np.ndarray) -> np.ndarray:
    """The [8, C] table ``fake_quantize_block`` reads (computed in f32, as the reference)."""
    il, ih, ol, oh = (np.asarray(a, np.float32).reshape(-1) for a in (il, ih, ol, oh))
    rows = [il, ih, ol, oh, np.minimum(il, ih), np.maximum(il, ih), ih - il, oh - ol]
    return np.ascontiguousarray(np.stack(np.broadcast_arrays(*rows)), dtype=np.float32)


class FakeQuantize(Kernel):
    """FakeQuantize on ``x`` viewed as [rows, cols], ranges per ``row % channels``.

    ``rows``/``cols`` come from ``fakequant_layout``: per-channel ranges make one row per
    (outer index, channel); scalar ranges make a single row split into column tiles.
    """

    exec_type = "numba_fake_quantize"

    def __init__(self, rows: int, cols: int, ranges: np.ndarray, levels: int) -> None:
        self.rows, self.cols = rows, cols
        self.ranges = ranges
        self.steps = np.float32(levels - 1)

    def bind(self, inputs: Arrays, outputs: Arrays, scratch: Arrays, pool: TaskPool) -> Run:
        x = inputs[0].reshape(self.rows, self.cols)
        out = outputs[0].reshape(self.rows, self.cols)
        run: Callable[..., None]
        if np.shares_memory(x, out):  # in place (memory planner or ``WithFakeQuantize``)
            args: tuple = (out, self.ranges, self.steps)
            run = fake_quantize_inplace
        else:
            args, run = (x, out, self.ranges, self.steps), fake_quantize_block
        precompile(run, *args, 0, 0, 0, 0)
        rows, cols = self.rows, self.cols
        work = 8.0 * rows * cols
        if rows >= 2 * pool.threads:
            return pool.split(rows, lambda r0, r1: run(*args, r0, r1, 0, cols), 1, work=work)
        return pool.split(cols, lambda c0, c1: run(*args, 0, rows, c0, c1), 512, work=work)


def varying_axis(shape: tuple[int, ...], limits: list[np.ndarray]) -> int | None:
    """The one axis of ``shape`` along which the numpy-broadcast ``limits`` vary; -1 if all
    are scalars; None if they vary along several axes or would broadcast ``shape`` up."""
    rank = len(shape)
    axes: set[int] = set()
    for value in limits:
        if value.ndim > rank:
            return None
        full = (1,) * (rank - value.ndim) + value.shape
        for d, size in enumerate(full):
            if size != 1:
                if size != shape[d]:
                    return None
                axes.add(d)
    if len(axes) > 1:
        return None
    return axes.pop() if axes else -1


def fakequant_layout(shape: tuple[int, ...], axis: int) -> tuple[int, int, int]:
    """(rows, cols, channels) of the 2D view ``FakeQuantize`` runs on."""
    total = int(np.prod(shape, dtype=np.int64))
    if axis < 0:
        return 1, total, 1
    rows = int(np.prod(shape[: axis + 1], dtype=np.int64))
    return rows, total // max(rows, 1), shape[axis]


def build_fake_quantize(
    shape: tuple[int, ...], limits: list[np.ndarray], levels: int
) -> FakeQuantize | None:
    """The kernel for an f32 ``x`` of ``shape`` and constant ``[il, ih, ol, oh]``, or None
    when the ranges vary along more than one axis (or ``levels`` exceeds ``MAX_LEVELS``)."""
    axis = varying_axis(shape, limits)
    if axis is None or levels > MAX_LEVELS:
        return None
    rows, cols, channels = fakequant_layout(shape, axis)
    rank = len(shape)
    vectors = []
    for value in limits:
        full = value.reshape((1,) * (rank - value.ndim) + value.shape)
        keep = [shape[d] if d == axis else 1 for d in range(rank)]
        vectors.append(np.broadcast_to(full, keep).reshape(-1) if rank else full.reshape(-1))
    table = range_table(*vectors)
    if table.shape[1] not in (1, channels):
        return None
    return FakeQuantize(rows, cols, table, levels)


class WithFakeQuantize(AfterAnchor):
    """An anchor kernel with a simple epilogue (bias, residual, Relu/Clamp applied while it
    stores), then FakeQuantize in place: on each output tile while it is in cache for kernels
    that compute tiles (``tile_cols``), else as a pass over the output."""

    def __init__(self, core: Kernel, fq: FakeQuantize) -> None:
        super().__init__(core)
        self.fq = fq

    def bind(self, inputs: Arrays, outputs: Arrays, scratch: Arrays, pool: TaskPool) -> Run:
        core, cols = self.core, getattr(self.core, "tile_cols", None)
        if cols is None:
            return in_turn(
                core.bind(inputs, outputs, scratch, pool), self.fq.bind(outputs, outputs, [], pool)
            )
        out = outputs[0].reshape(-1, cols)
        args = (out, self.fq.ranges, self.fq.steps)
        precompile(fake_quantize_inplace, *args, 0, 0, 0, 0)
        simple = core.epilogue  # type: ignore[attr-defined]
        if simple.is_identity:
            finish = None
        else:
            residual = inputs[1] if simple.residual else None
            finish = bind_block(simple, outputs[0], residual, out.shape[0], cols)

        def block(r0: int, r1: int, c0: int, c1: int) -> None:
            if finish is not None:
                finish(r0, r1, c0, c1)
            fake_quantize_inplace(*args, r0, r1, c0, c1)

        return core.bind(inputs, outputs, scratch, pool, epilogue=block)  # type: ignore[call-arg]
