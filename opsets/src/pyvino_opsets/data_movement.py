"""Data movement: Pad-1/12, Tile-1, Broadcast-1/3.

Related families: ``reverse.py`` (Reverse, ReverseSequence), ``depth_space.py``
(DepthToSpace, SpaceToDepth, ShuffleChannels), ``sequence_ops.py`` (Range, CumSum, OneHot,
NonZero) and ``unique.py``.
"""

from __future__ import annotations

import math

import numpy as np
from pyvino import Attr, Dimension, Op, PartialShape, Type, enum

from pyvino_opsets._common import (
    broadcast_shapes,
    make_dim,
    mul_dims,
    require_integer_type,
    scalar_or_1d_value,
)


def _count(op: Op, i: int) -> int | None:
    s = op.input_shape(i)
    return math.prod(s.to_shape()) if s.is_static else None


class Pad1(Op):
    """Pad with ``pad_mode`` constant (input 4, default 0), edge, reflect or symmetric."""

    type_name = "Pad"
    attributes = (Attr("pad_mode", enum("constant", "edge", "reflect", "symmetric"), "constant"),)
    num_inputs = (3, 4)
    allow_negative = False

    def pads(self, rank: int, begin: list[int], end: list[int]) -> tuple[list[int], list[int]]:
        if len(begin) != rank or len(end) != rank:
            raise self.fail(f"pads_begin {begin} and pads_end {end} must have {rank} values")
        if not self.allow_negative and min(begin + end, default=0) < 0:
            raise self.fail(f"pads_begin {begin} and pads_end {end} must not be negative")
        return begin, end

    def check_dim(self, d: Dimension, b: int, e: int) -> None:
        mode = self.attrs["pad_mode"]
        if not d.is_static or (b <= 0 and e <= 0):
            return
        limit = {"reflect": d.min - 1, "symmetric": d.min, "edge": math.inf if d.min else 0}
        if mode in limit and max(b, e) > limit[mode]:
            raise self.fail(f"pads ({b}, {e}) are too large for {mode} padding of dimension {d}")

    def infer(self) -> list[tuple[Type, PartialShape]]:
        require_integer_type(self.input_type(1), "pads_begin (input 1)")
        require_integer_type(self.input_type(2), "pads_end (input 2)")
        data, t = self.input_shape(0), self.input_type(0)
        if len(self.inputs) == 4 and self.input_type(3) not in (t, Type.dynamic):
            raise self.fail(f"pad_value must have the data type {t.name}")
        begin = scalar_or_1d_value(self.input_value(1))
        end = scalar_or_1d_value(self.input_value(2))
        rank = len(data) if data.rank_is_static else _count(self, 1)
        if rank is None:
            return [(t, PartialShape.dynamic())]
        if begin is None or end is None or not data.rank_is_static:
            return [(t, PartialShape.dynamic(rank))]
        begin, end = self.pads(rank, begin, end)
        dims = []
        for d, b, e in zip(data, begin, end, strict=True):
            self.check_dim(d, b, e)
            hi = d.max + b + e if d.max != -1 else math.inf
            if d.is_static and d.min + b + e < 0:
                raise self.fail(f"pads ({b}, {e}) remove more than dimension {d}")
            dims.append(make_dim(max(d.min + b + e, 0), max(hi, 0)))
        return [(t, PartialShape(dims))]

    def evaluate(self, x: np.ndarray, begin, end, value=None) -> tuple[np.ndarray, ...]:
        b, e = self.pads(x.ndim, scalar_or_1d_value(begin), scalar_or_1d_value(end))
        for d, pb, pe in zip(x.shape, b, e, strict=True):
            self.check_dim(Dimension(d), pb, pe)
        mode = self.attrs["pad_mode"]
        widths = [(max(pb, 0), max(pe, 0)) for pb, pe in zip(b, e, strict=True)]
        if mode == "constant":
            fill = np.asarray(value).reshape(-1)[0] if value is not None else 0
            out = np.pad(x, widths, mode="constant", constant_values=fill)
        else:
            out = np.pad(x, widths, mode=mode)
        # Negative pads (Pad-12) crop after padding.
        crop = tuple(
            slice(max(-pb, 0), n - max(-pe, 0)) for n, pb, pe in zip(out.shape, b, e, strict=True)
        )
        return (np.ascontiguousarray(out[crop]).astype(x.dtype),)


class Pad12(Pad1):
    """Pad-12: negative pads remove elements from that side."""

    version_id = "opset12"
    allow_negative = True


class Tile1(Op):
    """Repeat the input ``repeats`` times along each axis (shorter operand padded with 1s)."""

    type_name = "Tile"
    num_inputs = 2

    def infer(self) -> list[tuple[Type, PartialShape]]:
        require_integer_type(self.input_type(1), "repeats (input 1)")
        data, t = self.input_shape(0), self.input_type(0)
        repeats = scalar_or_1d_value(self.input_value(1))
        if not data.rank_is_static:
            return [(t, PartialShape.dynamic())]
        if repeats is None:
            n = _count(self, 1)
            return [(t, PartialShape.dynamic(None if n is None else max(n, len(data))))]
        if min(repeats, default=0) < 0:
            raise self.fail(f"repeats {repeats} must not be negative")
        rank = max(len(repeats), len(data))
        dims = [Dimension(1)] * (rank - len(data)) + list(data)
        reps = [1] * (rank - len(repeats)) + repeats
        return [
            (t, PartialShape([mul_dims(d, Dimension(r)) for d, r in zip(dims, reps, strict=True)]))
        ]

    def evaluate(self, x: np.ndarray, repeats: np.ndarray) -> tuple[np.ndarray, ...]:
        return (np.tile(x, scalar_or_1d_value(repeats)).astype(x.dtype),)


class Broadcast1(Op):
    """Broadcast input 1 to the shape of input 2: numpy, explicit (input 3 maps axes) or pdpd."""

    type_name = "Broadcast"
    attributes = (Attr("mode", enum("numpy", "explicit", "pdpd"), "numpy"),)
    num_inputs = (2, 3)

    def out_shape(self, data: PartialShape, target: list[int], axes: list[int] | None):
        mode = self.attrs["mode"]
        tshape = PartialShape(target)
        if mode == "bidirectional":
            return broadcast_shapes(data, tshape)
        if not data.rank_is_static:
            return tshape
        if mode == "explicit":
            if axes is None or len(axes) != len(data):
                raise self.fail(f"axes_mapping {axes} must have one entry per input dim {data}")
            if axes != sorted(axes) or any(not 0 <= a < len(target) for a in axes):
                raise self.fail(f"axes_mapping {axes} must be increasing axes of {target}")
            pairs = [(d, target[a]) for d, a in zip(data, axes, strict=True)]
        else:
            if len(data) > len(target):
                raise self.fail(f"input {data} has a higher rank than target shape {target}")
            pairs = list(zip(data, target[len(target) - len(data) :], strict=True))
        for d, n in pairs:
            if d != 1 and not d.compatible(n):
                raise self.fail(f"input {data} cannot be broadcast to {target} ({mode})")
        return tshape

    def infer(self) -> list[tuple[Type, PartialShape]]:
        require_integer_type(self.input_type(1), "target_shape (input 1)")
        if self.attrs["mode"] == "explicit" and len(self.inputs) != 3:
            raise self.fail("explicit mode needs axes_mapping (input 3)")
        data, t = self.input_shape(0), self.input_type(0)
        target = scalar_or_1d_value(self.input_value(1))
        axes = scalar_or_1d_value(self.input_value(2)) if len(self.inputs) == 3 else None
        if target is not None and (axes is not None or self.attrs["mode"] != "explicit"):
            return [(t, self.out_shape(data, target, axes))]
        n = _count(self, 1)
        if n is not None and self.attrs["mode"] == "bidirectional" and data.rank_is_static:
            n = max(n, len(data))
        elif self.attrs["mode"] == "bidirectional":
            n = None
        return [(t, PartialShape.dynamic(n))]

    def evaluate(self, x: np.ndarray, target: np.ndarray, axes=None) -> tuple[np.ndarray, ...]:
        target_l = scalar_or_1d_value(target)
        axes_l = scalar_or_1d_value(axes)
        shape = self.out_shape(PartialShape(x.shape), target_l, axes_l).to_shape()
        if self.attrs["mode"] == "explicit":
            placed = [1] * len(shape)
            for a, d in zip(axes_l, x.shape, strict=True):
                placed[a] = d
            x = x.reshape(placed)
        return (np.array(np.broadcast_to(x, shape)),)


class Broadcast3(Broadcast1):
    """Broadcast-3: adds ``bidirectional`` (the output may also grow the target)."""

    version_id = "opset3"
    attributes = (Attr("mode", enum("numpy", "explicit", "bidirectional", "pdpd"), "numpy"),)


OPS = [Pad1, Pad12, Tile1, Broadcast1, Broadcast3]
