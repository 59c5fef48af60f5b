"""Signal processing: DFT and STFT as MatMul with cosine/sine matrices; Hann, Hamming and
Blackman windows from Range and Cos."""

from __future__ import annotations

import numpy as np

from pyvino._node import Output
from pyvino._types import Type
from pyvino.frontend.onnx._context import NodeContext
from pyvino.frontend.onnx._types import element_type
from pyvino.frontend.onnx.ops._common import (
    concat,
    convert,
    i64,
    normalize_axis,
    out,
    reshape,
    scalar_like,
    shape_of,
)


def _scalar_i64(ctx: NodeContext, v: Output | int) -> Output:
    return i64(v) if isinstance(v, int) else reshape(ctx, convert(ctx, v, "i64"), [])


def _perm(ctx: NodeContext, axis: Output, rank: int) -> tuple[Output, Output]:
    """A runtime permutation moving ``axis`` last and the real/imaginary axis before it; and
    its inverse."""
    positions = i64(list(range(rank - 1)))
    others = out(ctx.ops.non_zero(out(ctx.ops.not_equal(positions, axis)), output_type="i64"))
    others = reshape(ctx, others, [-1])
    perm = concat(ctx, [others, i64([rank - 1]), reshape(ctx, axis, [1])])
    inverse = out(
        ctx.ops.scatter_elements_update(
            i64([0] * rank),
            perm,
            i64(list(range(rank))),
            i64(0),
            reduction="none",
            use_init_val=True,
        )
    )
    return perm, inverse


def _matrices(
    ctx: NodeContext,
    n: Output,
    length: Output,
    bins: Output,
    inverse: bool,
    onesided_inverse: bool,
    t: Type,
) -> tuple[Output, Output]:
    """cos/sin matrices [n, bins] of the transform (rows past the used input are zero)."""
    f = ctx.ops
    rows = out(f.unsqueeze(out(f.range(i64(0), n, i64(1), output_type="i64")), i64([1])))
    cols = out(f.range(i64(0), bins, i64(1), output_type="i64"))
    # n * k mod L keeps the angle small, so float rounding does not grow with n * k
    phase = convert(ctx, out(f.floor_mod(out(f.multiply(rows, cols)), length)), "f64")
    theta = out(
        f.divide(out(f.multiply(phase, scalar_like(2 * np.pi, phase))), convert(ctx, length, "f64"))
    )
    if onesided_inverse:  # rows are frequency bins: weight 1 at DC and Nyquist, 2 elsewhere
        half = out(f.divide(length, i64(2), m_pythondiv=True))
        even = out(f.equal(out(f.floor_mod(length, i64(2))), i64(0)))
        edge = out(
            f.logical_or(
                out(f.equal(rows, i64(0))), out(f.logical_and(even, out(f.equal(rows, half))))
            )
        )
        weight = out(f.select(edge, scalar_like(1, theta), scalar_like(2, theta)))
        weight = out(f.select(out(f.less_equal(rows, half)), weight, scalar_like(0, theta)))
    else:
        weight = out(
            f.select(out(f.less(rows, length)), scalar_like(1, theta), scalar_like(0, theta))
        )
    if inverse:
        weight = out(f.divide(weight, convert(ctx, length, "f64")))
    # trigonometry in f64 so that sin(pi k) rounds to ~1e-16, not the ~1e-7 of f32
    cos = convert(ctx, out(f.multiply(out(f.cos(theta)), weight)), t)
    sin = convert(ctx, out(f.multiply(out(f.sin(theta)), weight)), t)
    return cos, sin


def dft_along(
    ctx: NodeContext,
    x: Output,
    axis: Output | int,
    length: Output | int | None,
    inverse: bool,
    onesided: bool,
) -> Output:
    """DFT of x [..., N, 1|2] along ``axis`` -> [..., K, 2] (or [..., L, 1] for inverse onesided).

    Axis and length may be runtime values: the signal is transposed to put the axis last and
    multiplied by cos/sin matrices built from Range and Cos/Sin.
    """
    rank = len(x.partial_shape)
    parts = x.partial_shape[rank - 1]
    if not parts.is_static or parts.get_length() not in (1, 2):
        raise ctx.fail("the last (real/imaginary) axis must be static, of size 1 or 2")
    t = x.element_type if x.element_type in (Type.f32, Type.f64) else Type.f32
    axis = out(ctx.ops.floor_mod(_scalar_i64(ctx, axis), i64(rank)))
    perm, back = _perm(ctx, axis, rank)
    moved = convert(ctx, out(ctx.ops.transpose(x, perm)), t)  # [..., 1|2, N]
    n = out(ctx.ops.gather(shape_of(ctx, moved), i64(rank - 1), i64(0), batch_dims=0))
    if length is None:
        length = (
            out(ctx.ops.multiply(out(ctx.ops.subtract(n, i64(1))), i64(2)))
            if inverse and onesided
            else n
        )
    length = _scalar_i64(ctx, length)
    bins = length
    if onesided and not inverse:
        bins = out(ctx.ops.add(out(ctx.ops.divide(length, i64(2), m_pythondiv=True)), i64(1)))
    cos, sin = _matrices(ctx, n, length, bins, inverse, inverse and onesided, t)

    def mm(v: Output, m: Output) -> Output:
        return out(ctx.ops.matmul(v, m, transpose_a=False, transpose_b=False))

    if parts.get_length() == 2:
        xr, xi = ctx.ops.split(moved, i64(rank - 2), num_splits=2).outputs()
    else:
        xr, xi = moved, None
    sign = 1.0 if inverse else -1.0
    yr = mm(xr, cos)
    yi = out(ctx.ops.multiply(mm(xr, sin), scalar_like(sign, cos)))
    if xi is not None:
        yr = out(ctx.ops.subtract(yr, out(ctx.ops.multiply(mm(xi, sin), scalar_like(sign, cos)))))
        yi = out(ctx.ops.add(yi, mm(xi, cos)))
    y = yr if inverse and onesided else concat(ctx, [yr, yi], rank - 2)
    return convert(ctx, out(ctx.ops.transpose(y, back)), x.element_type)


def _int_input(ctx: NodeContext, index: int) -> Output | int | None:
    """A scalar integer input: its constant value, or the runtime Output."""
    if not ctx.has_input(index):
        return None
    value = ctx.value(index)
    return int(np.asarray(value).reshape(-1)[0]) if value is not None else ctx.input(index)


def dft(ctx: NodeContext) -> list[Output]:
    x = ctx.input(0)
    rank = ctx.static_rank(0, "input")
    if ctx.opset_version >= 20:
        axis = _int_input(ctx, 2)
        axis = -2 if axis is None else axis
    else:
        axis = ctx.attr("axis", 1)
    if isinstance(axis, int) and normalize_axis(ctx, axis, rank) == rank - 1:
        raise ctx.fail("axis must not be the last (real/imaginary) axis")
    inverse, onesided = bool(ctx.attr("inverse", 0)), bool(ctx.attr("onesided", 0))
    return [dft_along(ctx, x, axis, _int_input(ctx, 1), inverse, onesided)]


def stft(ctx: NodeContext) -> list[Output]:
    x = ctx.input(0)
    if ctx.static_rank(0, "signal") != 3:
        raise ctx.fail("signal must be [batch, length, 1 or 2]")
    step = _scalar_i64(ctx, _int_input(ctx, 1))
    window = ctx.optional_input(2)
    frame = _int_input(ctx, 3)
    if frame is None:
        if window is None:
            raise ctx.fail("frame_length or a window is required")
        frame = out(ctx.ops.gather(shape_of(ctx, window), i64(0), i64(0), batch_dims=0))
    frame = _scalar_i64(ctx, frame)
    length = out(ctx.ops.gather(shape_of(ctx, x), i64(1), i64(0), batch_dims=0))
    frames = out(
        ctx.ops.add(
            out(ctx.ops.divide(out(ctx.ops.subtract(length, frame)), step, m_pythondiv=True)),
            i64(1),
        )
    )
    starts = out(
        ctx.ops.multiply(out(ctx.ops.range(i64(0), frames, i64(1), output_type="i64")), step)
    )
    offsets = out(ctx.ops.range(i64(0), frame, i64(1), output_type="i64"))
    index = out(ctx.ops.add(out(ctx.ops.unsqueeze(starts, i64([1]))), offsets))
    framed = out(ctx.ops.gather(x, index, i64(1), batch_dims=0))  # [B, frames, frame, c]
    if window is not None:
        w = reshape(ctx, convert(ctx, window, x.element_type), [1, 1, -1, 1])
        framed = out(ctx.ops.multiply(framed, w))
    return [dft_along(ctx, framed, 2, frame, False, bool(ctx.attr("onesided", 1)))]


def _window(terms: list[float]):
    """a0 - a1 cos(2 pi n / N) + a2 cos(4 pi n / N) ... with N = size (periodic) or size - 1."""

    def convert_fn(ctx: NodeContext) -> list[Output]:
        size = out(ctx.ops.reshape(convert(ctx, ctx.input(0), "i64"), i64([]), special_zero=False))
        n = out(ctx.ops.range(i64(0), size, i64(1), output_type="f64"))
        denom = convert(ctx, size, "f64")
        if not ctx.attr("periodic", 1):
            denom = out(ctx.ops.subtract(denom, ctx.const(np.float64(1))))
        phase = out(
            ctx.ops.divide(out(ctx.ops.multiply(n, ctx.const(np.float64(2 * np.pi)))), denom)
        )
        y = ctx.const(np.float64(terms[0]))
        for k, coeff in enumerate(terms[1:], start=1):
            wave = out(ctx.ops.cos(out(ctx.ops.multiply(phase, ctx.const(np.float64(k))))))
            y = out(ctx.ops.add(y, out(ctx.ops.multiply(wave, ctx.const(np.float64(coeff))))))
        return [convert(ctx, y, element_type(ctx.attr("output_datatype", 1)))]

    return convert_fn


CONVERTERS = [
    ("DFT", 17, dft),
    ("STFT", 17, stft),
    ("HannWindow", 17, _window([0.5, -0.5])),
    ("HammingWindow", 17, _window([25.0 / 46.0, -21.0 / 46.0])),
    ("BlackmanWindow", 17, _window([0.42, -0.5, 0.08])),
]
