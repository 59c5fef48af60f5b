"""Assorted ops: Bucketize-3, GRN-1, CTCGreedyDecoder-1, Roll-7 and Col2Im-15."""

from __future__ import annotations

import numpy as np
from pyvino import BOOL, FLOAT, INTS, TYPE, Attr, Dimension, Op, PartialShape, Type

from pyvino_opsets._common import (
    compute_dtype,
    normalize_axes,
    require_integer_type,
)


class Bucketize3(Op):
    """Index of the bucket of each element among sorted ``boundaries`` (input 2);
    ``with_right_bound`` makes a bucket ``(b[i-1], b[i]]`` instead of ``[b[i-1], b[i])``."""

    type_name = "Bucketize"
    version_id = "opset3"
    num_inputs = 2
    attributes = (Attr("output_type", TYPE, Type.i64), Attr("with_right_bound", BOOL, True))

    def infer(self) -> list[tuple[Type, PartialShape]]:
        if self.attrs["output_type"] not in (Type.i32, Type.i64):
            raise self.fail(
                f"attribute 'output_type' must be i32 or i64, got {self.attrs['output_type']}"
            )
        bounds = self.input_shape(1)
        if bounds.rank_is_static and len(bounds) != 1:
            raise self.fail(f"boundaries (input 1) must be a 1D tensor, got shape {bounds}")
        return [(self.attrs["output_type"], self.input_shape(0))]

    def evaluate(self, x: np.ndarray, bounds: np.ndarray) -> tuple[np.ndarray, ...]:
        side = "left" if self.attrs["with_right_bound"] else "right"
        out = np.searchsorted(bounds.reshape(-1), x, side=side)
        return (np.asarray(out).astype(self.attrs["output_type"].dtype),)


class GRN1(Op):
    """Global response normalisation: ``x / sqrt(sum over channels of x^2 + bias)``."""

    type_name = "GRN"
    version_id = "opset1"
    num_inputs = 1
    attributes = (Attr("bias", FLOAT),)

    def infer(self) -> list[tuple[Type, PartialShape]]:
        shape = self.input_shape(0)
        if shape.rank_is_static and not 2 <= len(shape) <= 4:
            raise self.fail(f"data must have rank 2, 3 or 4, got shape {shape}")
        return [(self.input_type(0), shape)]

    def evaluate(self, x: np.ndarray) -> tuple[np.ndarray, ...]:
        xf = x.astype(compute_dtype(x.dtype), copy=False)
        norm = np.sqrt(np.sum(xf * xf, axis=1, keepdims=True) + xf.dtype.type(self.attrs["bias"]))
        return ((xf / norm).astype(x.dtype),)


class CTCGreedyDecoder1(Op):
    """Best-path CTC decoding of ``[T, N, C]`` logits: argmax per step, merge repeats
    (``ctc_merge_repeated``), drop the blank (last class); ``[N, T, 1, 1]`` padded with -1."""

    type_name = "CTCGreedyDecoder"
    version_id = "opset1"
    num_inputs = 2
    attributes = (Attr("ctc_merge_repeated", BOOL, True),)

    def infer(self) -> list[tuple[Type, PartialShape]]:
        data, mask = self.input_shape(0), self.input_shape(1)
        if data.rank_is_static and len(data) != 3:
            raise self.fail(f"data must have shape [T, N, C], got {data}")
        if mask.rank_is_static and len(mask) != 2:
            raise self.fail(f"sequence_mask must have shape [T, N], got {mask}")
        t, n = (data[0], data[1]) if data.rank_is_static else (Dimension(), Dimension())
        if mask.rank_is_static:
            if not (t.compatible(mask[0]) and n.compatible(mask[1])):
                raise self.fail(f"data {data} and sequence_mask {mask} disagree on T or N")
            t, n = t.merge(mask[0]), n.merge(mask[1])
        return [(self.input_type(0), PartialShape([n, t, 1, 1]))]

    def evaluate(self, data: np.ndarray, mask: np.ndarray) -> tuple[np.ndarray, ...]:
        steps, batch, classes = data.shape
        best = np.argmax(data, axis=2)  # [T, N]; first maximum, like std::max_element
        out = np.full((batch, steps), -1, dtype=data.dtype)
        for b in range(batch):
            emitted, previous = 0, -1
            for t in range(steps):
                if mask[t, b] == 0:
                    break
                c = int(best[t, b])
                if not (self.attrs["ctc_merge_repeated"] and c == previous) and c < classes - 1:
                    out[b, emitted] = c
                    emitted += 1
                previous = c
        return (out.reshape(batch, steps, 1, 1),)


class Roll7(Op):
    """Cyclic shift of ``data`` by ``shift`` (input 2) along ``axes`` (input 3); repeated
    axes add up their shifts."""

    type_name = "Roll"
    version_id = "opset7"
    num_inputs = 3

    def infer(self) -> list[tuple[Type, PartialShape]]:
        require_integer_type(self.input_type(1), "shift (input 1)")
        require_integer_type(self.input_type(2), "axes (input 2)")
        shift, axes = self.input_shape(1), self.input_shape(2)
        for s, name in ((shift, "shift"), (axes, "axes")):
            if s.rank_is_static and len(s) > 1:
                raise self.fail(f"{name} must be a scalar or a 1D tensor, got shape {s}")
        if shift.rank_is_static and len(shift) == 1 and axes.rank_is_static and len(axes) == 1:
            if not shift[0].compatible(axes[0]):
                raise self.fail(f"shift {shift} and axes {axes} must have the same size")
        data = self.input_shape(0)
        value = self.input_value(2)
        if value is not None and data.rank_is_static:
            normalize_axes(value.reshape(-1), len(data), "axes (input 2)")
        return [(self.input_type(0), data)]

    def evaluate(
        self, x: np.ndarray, shift: np.ndarray, axes: np.ndarray
    ) -> tuple[np.ndarray, ...]:
        ax = normalize_axes(axes.reshape(-1), x.ndim, "axes (input 2)")
        sh = np.broadcast_to(shift.reshape(-1), (len(ax),)).astype(np.int64)
        total = [0] * x.ndim
        for a, s in zip(ax, sh, strict=True):
            total[a] += int(s)
        dims = [a for a in range(x.ndim) if total[a] and x.shape[a]]
        if not dims:
            return (x.copy(),)
        return (np.roll(x, [total[a] % x.shape[a] for a in dims], axis=dims),)


class Col2Im15(Op):
    """Sum sliding blocks ``[N, C * kh * kw, L]`` back into an ``[N, C, H, W]`` image
    (``output_size`` and ``kernel_size`` are inputs 2 and 3), like ``torch.nn.Fold``."""

    type_name = "Col2Im"
    version_id = "opset15"
    num_inputs = 3
    attributes = (
        Attr("strides", INTS, (1, 1)),
        Attr("dilations", INTS, (1, 1)),
        Attr("pads_begin", INTS, (0, 0)),
        Attr("pads_end", INTS, (0, 0)),
    )

    def _blocks(self, size: list[int], kernel: list[int]) -> list[int]:
        a = self.attrs
        return [
            (
                size[i]
                + a["pads_begin"][i]
                + a["pads_end"][i]
                - a["dilations"][i] * (kernel[i] - 1)
                - 1
            )
            // a["strides"][i]
            + 1
            for i in range(2)
        ]

    def infer(self) -> list[tuple[Type, PartialShape]]:
        for name in ("strides", "dilations", "pads_begin", "pads_end"):
            if len(self.attrs[name]) != 2:
                raise self.fail(
                    f"attribute {name!r} must hold 2 values, got {list(self.attrs[name])}"
                )
        require_integer_type(self.input_type(1), "output_size (input 1)")
        require_integer_type(self.input_type(2), "kernel_size (input 2)")
        data = self.input_shape(0)
        if data.rank_is_static and len(data) not in (2, 3):
            raise self.fail(f"data must have rank 2 or 3, got shape {data}")
        size, kernel = self.input_value(1), self.input_value(2)
        hw = (
            [Dimension(), Dimension()]
            if size is None
            else [Dimension(int(v)) for v in size.reshape(-1)]
        )
        if not data.rank_is_static:
            return [(self.input_type(0), PartialShape.dynamic())]
        dims = list(data)
        channels = dims[-2]
        if kernel is not None:
            k = [int(v) for v in kernel.reshape(-1)]
            if channels.is_static:
                if channels.min % (k[0] * k[1]):
                    raise self.fail(f"dimension {channels} is not divisible by the kernel size {k}")
                channels = Dimension(channels.min // (k[0] * k[1]))
            else:
                channels = Dimension()
            if size is not None and dims[-1].is_static:
                blocks = self._blocks([int(v) for v in size.reshape(-1)], k)
                if dims[-1].min != blocks[0] * blocks[1]:
                    raise self.fail(
                        f"L = {dims[-1]} does not match the {blocks[0]} x {blocks[1]} blocks"
                    )
        else:
            channels = Dimension()
        return [(self.input_type(0), PartialShape(dims[:-2] + [channels] + hw))]

    def evaluate(
        self, x: np.ndarray, size: np.ndarray, kernel: np.ndarray
    ) -> tuple[np.ndarray, ...]:
        a = self.attrs
        (oh, ow), (kh, kw) = (
            [int(v) for v in size.reshape(-1)],
            [int(v) for v in kernel.reshape(-1)],
        )
        bh, bw = self._blocks([oh, ow], [kh, kw])
        batched = x if x.ndim == 3 else x[None]
        n = batched.shape[0]
        c = batched.shape[1] // (kh * kw)
        cols = batched.reshape(n, c, kh, kw, bh, bw)
        (pt, pl), (sh, sw), (dh, dw) = a["pads_begin"], a["strides"], a["dilations"]
        out = np.zeros((n, c, oh + pt + a["pads_end"][0], ow + pl + a["pads_end"][1]), x.dtype)
        for i in range(kh):
            for j in range(kw):
                out[:, :, i * dh : i * dh + sh * bh : sh, j * dw : j * dw + sw * bw : sw] += cols[
                    :, :, i, j
                ]
        out = out[:, :, pt : pt + oh, pl : pl + ow]
        return (out if x.ndim == 3 else out[0],)


OPS = [Bucketize3, GRN1, CTCGreedyDecoder1, Roll7, Col2Im15]
