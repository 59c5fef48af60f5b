"""Channel/space rearrangements (opset1): DepthToSpace, SpaceToDepth, ShuffleChannels."""

from __future__ import annotations

import math

import numpy as np
from pyvino import INT, Attr, Dimension, Op, PartialShape, Type, enum

from pyvino_opsets._common import make_dim, mul_dims, normalize_axis

_MODE = enum("blocks_first", "depth_first")


def _div_dim(op: Op, d: Dimension, k: int, what: str) -> Dimension:
    if d.is_static and d.min % k:
        raise op.fail(f"{what} {d} is not divisible by {k}")
    return make_dim(-(-d.min // k), math.inf if d.max == -1 else d.max // k)


def _check_block(op: Op, data: PartialShape) -> int:
    bs = op.attrs["block_size"]
    if bs <= 0:
        raise op.fail(f"attribute 'block_size' must be positive, got {bs}")
    if data.rank_is_static and len(data) < 3:
        raise op.fail(f"input must have rank >= 3 ([N, C, D1, ...]), got {data}")
    return bs


class DepthToSpace1(Op):
    """Move channel blocks into spatial blocks: [N, C*bs^k, D..] -> [N, C, D*bs..]."""

    type_name = "DepthToSpace"
    attributes = (Attr("block_size", INT, 1), Attr("mode", _MODE))
    num_inputs = 1

    def infer(self) -> list[tuple[Type, PartialShape]]:
        data, t = self.input_shape(0), self.input_type(0)
        bs = _check_block(self, data)
        if not data.rank_is_static:
            return [(t, data)]
        k = len(data) - 2
        dims = [data[0], _div_dim(self, data[1], bs**k, "channels")]
        dims += [mul_dims(d, Dimension(bs)) for d in list(data)[2:]]
        return [(t, PartialShape(dims))]

    def evaluate(self, x: np.ndarray) -> tuple[np.ndarray, ...]:
        bs, (n, c, *space) = self.attrs["block_size"], x.shape
        k = len(space)
        blocks = [bs] * k
        if self.attrs["mode"] == "blocks_first":
            y = x.reshape([n, *blocks, c // bs**k, *space])
            # -> [N, C', D1, b1, D2, b2, ...]
            order = [0, k + 1] + [i for j in range(k) for i in (k + 2 + j, 1 + j)]
        else:
            y = x.reshape([n, c // bs**k, *blocks, *space])
            order = [0, 1] + [i for j in range(k) for i in (k + 2 + j, 2 + j)]
        out = y.transpose(order).reshape([n, c // bs**k, *(d * bs for d in space)])
        return (np.ascontiguousarray(out),)


class SpaceToDepth1(Op):
    """Move spatial blocks into channels: [N, C, D*bs..] -> [N, C*bs^k, D..]."""

    type_name = "SpaceToDepth"
    attributes = (Attr("block_size", INT, 1), Attr("mode", _MODE))
    num_inputs = 1

    def infer(self) -> list[tuple[Type, PartialShape]]:
        data, t = self.input_shape(0), self.input_type(0)
        bs = _check_block(self, data)
        if not data.rank_is_static:
            return [(t, data)]
        k = len(data) - 2
        dims = [data[0], mul_dims(data[1], Dimension(bs**k))]
        dims += [_div_dim(self, d, bs, "spatial dimension") for d in list(data)[2:]]
        return [(t, PartialShape(dims))]

    def evaluate(self, x: np.ndarray) -> tuple[np.ndarray, ...]:
        bs, (n, c, *space) = self.attrs["block_size"], x.shape
        k = len(space)
        split = [v for d in space for v in (d // bs, bs)]
        y = x.reshape([n, c, *split])  # [N, C, D1', b1, D2', b2, ...]
        blocks = [3 + 2 * j for j in range(k)]
        spatial = [2 + 2 * j for j in range(k)]
        if self.attrs["mode"] == "blocks_first":
            order = [0, *blocks, 1, *spatial]
        else:
            order = [0, 1, *blocks, *spatial]
        out = y.transpose(order).reshape([n, c * bs**k, *(d // bs for d in space)])
        return (np.ascontiguousarray(out),)


class ShuffleChannels1(Op):
    """Split ``axis`` into ``group`` groups and interleave them (ShuffleNet's channel shuffle)."""

    type_name = "ShuffleChannels"
    attributes = (Attr("axis", INT, 1), Attr("group", INT, 1))
    num_inputs = 1

    def infer(self) -> list[tuple[Type, PartialShape]]:
        data, t = self.input_shape(0), self.input_type(0)
        group = self.attrs["group"]
        if group < 1:
            raise self.fail(f"attribute 'group' must be >= 1, got {group}")
        if data.rank_is_static:
            if len(data) == 0:
                raise self.fail("input must not be a scalar")
            axis = normalize_axis(self.attrs["axis"], len(data), "attribute 'axis'")
            _div_dim(self, data[axis], group, f"dimension {axis}")
        return [(t, data)]

    def evaluate(self, x: np.ndarray) -> tuple[np.ndarray, ...]:
        axis = normalize_axis(self.attrs["axis"], x.ndim, "attribute 'axis'")
        g, c = self.attrs["group"], x.shape[axis]
        pre, post = math.prod(x.shape[:axis]), math.prod(x.shape[axis + 1 :])
        y = x.reshape(pre, g, c // g, post).transpose(0, 2, 1, 3)
        return (np.ascontiguousarray(y).reshape(x.shape),)


OPS = [DepthToSpace1, SpaceToDepth1, ShuffleChannels1]
