"""Signal processing: DFT and STFT as OpenVINO's DFT-7 / IDFT-7 / RDFT-9 / IRDFT-9 (as OpenVINO's
ONNX frontend builds them); Hann, Hamming and Blackman windows from Range and Cos."""

from __future__ import annotations

import numpy as np

from pyvino._node import Output
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
    squeeze,
    unsqueeze,
)


def _as_complex(ctx: NodeContext, x: Output) -> Output:
    """[..., 1] real signal -> [..., 2] with a zero imaginary part; [..., 2] unchanged."""
    if x.partial_shape[len(x.partial_shape) - 1] == 2:
        return x
    return concat(ctx, [x, out(ctx.ops.multiply(x, scalar_like(0, x)))], len(x.partial_shape) - 1)


def make_dft(
    ctx: NodeContext,
    x: Output,
    axis: Output | int,
    length: Output | int | None,
    inverse: bool,
    onesided: bool,
) -> Output:
    """ONNX DFT semantics on x [..., N, 1|2] along non-negative ``axis`` (never the last).

    Forward: DFT (RDFT for a onesided real signal). Inverse: IDFT (IRDFT for onesided, whose
    real output gets its trailing axis of 1 back). ``length`` becomes ``signal_size``.
    """
    rank = len(x.partial_shape)
    parts = x.partial_shape[rank - 1]
    if not parts.is_static or parts.get_length() not in (1, 2):
        raise ctx.fail("the last (real/imaginary) axis must be static, of size 1 or 2")
    axes = i64([axis]) if isinstance(axis, int) else reshape(ctx, convert(ctx, axis, "i64"), [1])
    sizes = []
    if length is not None:
        sizes = [
            i64([length])
            if isinstance(length, int)
            else reshape(ctx, convert(ctx, length, "i64"), [1])
        ]
    real = parts.get_length() == 1
    if not inverse and onesided and real:
        return out(ctx.ops.rdft(squeeze(ctx, x, [rank - 1]), axes, *sizes))
    signal = _as_complex(ctx, x)
    if inverse and onesided:
        return unsqueeze(ctx, out(ctx.ops.irdft(signal, axes, *sizes)), [rank - 1])
    y = out((ctx.ops.idft if inverse else ctx.ops.dft)(signal, axes, *sizes))
    if onesided:  # complex input: keep the first N // 2 + 1 bins, as ONNX's reference does
        n = out(ctx.ops.gather(shape_of(ctx, y), axes, i64(0), batch_dims=0))
        half = out(ctx.ops.add(out(ctx.ops.divide(n, i64(2), m_pythondiv=True)), i64(1)))
        y = out(ctx.ops.slice(y, i64([0]), half, i64([1]), axes))
    return y


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
    if isinstance(axis, int):
        axis = normalize_axis(ctx, axis, rank)
        if axis == rank - 1:
            raise ctx.fail("axis must not be the last (real/imaginary) axis")
    else:  # a runtime axis of the ONNX tensor: made non-negative as DFT's axes input wants
        axis = out(ctx.ops.floor_mod(convert(ctx, axis, "i64"), i64(rank)))
    inverse, onesided = bool(ctx.attr("inverse", 0)), bool(ctx.attr("onesided", 0))
    return [make_dft(ctx, x, axis, _int_input(ctx, 1), inverse, onesided)]


def stft(ctx: NodeContext) -> list[Output]:
    """Frames [B, frames, frame_length, 1|2] gathered at ``frame_step`` strides, windowed, then
    one (R)DFT over the frame axis for all frames at once."""
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
    return [make_dft(ctx, framed, 2, frame, False, bool(ctx.attr("onesided", 1)))]


def _scalar_i64(ctx: NodeContext, v: Output | int) -> Output:
    return i64(v) if isinstance(v, int) else reshape(ctx, convert(ctx, v, "i64"), [])


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
