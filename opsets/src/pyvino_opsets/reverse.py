"""Reversal: Reverse-1 (whole axes) and ReverseSequence-1 (a prefix per batch entry)."""

from __future__ import annotations

import numpy as np
from pyvino import INT, Attr, Op, PartialShape, Type, enum

from pyvino_opsets._common import (
    normalize_axes,
    normalize_axis,
    require_integer_type,
    scalar_or_1d_value,
)


class Reverse1(Op):
    """Reverse along the axes of input 2: indices (``mode=index``) or a boolean mask."""

    type_name = "Reverse"
    attributes = (Attr("mode", enum("index", "mask")),)
    num_inputs = 2

    def axes(self, rank: int, value: np.ndarray) -> list[int]:
        if self.attrs["mode"] == "mask":
            mask = np.asarray(value).reshape(-1)
            if mask.size != rank:
                raise self.fail(f"mask {mask.tolist()} must have one entry per axis ({rank})")
            return [i for i in range(rank) if mask[i]]
        return normalize_axes(scalar_or_1d_value(value), rank, "axes (input 1)")

    def infer(self) -> list[tuple[Type, PartialShape]]:
        want_bool = self.attrs["mode"] == "mask"
        t1 = self.input_type(1)
        if want_bool and t1 not in (Type.boolean, Type.dynamic):
            raise self.fail(f"mask mode needs a boolean input 2, got {t1.name}")
        if not want_bool:
            require_integer_type(t1, "axes (input 1)")
        data, value = self.input_shape(0), self.input_value(1)
        if data.rank_is_static and value is not None:
            self.axes(len(data), value)
        return [(self.input_type(0), data)]

    def evaluate(self, x: np.ndarray, axes: np.ndarray) -> tuple[np.ndarray, ...]:
        return (np.flip(x, self.axes(x.ndim, axes)).copy(),)


class ReverseSequence1(Op):
    """Reverse the first ``seq_lengths[b]`` elements along ``seq_axis`` for each batch ``b``."""

    type_name = "ReverseSequence"
    attributes = (Attr("batch_axis", INT, 0), Attr("seq_axis", INT, 1))
    num_inputs = 2

    def axes(self, rank: int) -> tuple[int, int]:
        b = normalize_axis(self.attrs["batch_axis"], rank, "attribute 'batch_axis'")
        s = normalize_axis(self.attrs["seq_axis"], rank, "attribute 'seq_axis'")
        return b, s

    def infer(self) -> list[tuple[Type, PartialShape]]:
        require_integer_type(self.input_type(1), "seq_lengths (input 1)")
        data, lengths = self.input_shape(0), self.input_shape(1)
        if lengths.rank_is_static and len(lengths) != 1:
            raise self.fail(f"seq_lengths must be 1D, got shape {lengths}")
        if data.rank_is_static:
            b, _ = self.axes(len(data))
            if lengths.rank_is_static and not data[b].compatible(lengths[0]):
                raise self.fail(f"seq_lengths {lengths} must match batch dimension {data[b]}")
        return [(self.input_type(0), data)]

    def evaluate(self, x: np.ndarray, lengths: np.ndarray) -> tuple[np.ndarray, ...]:
        b, s = self.axes(x.ndim)
        out = x.copy()
        for i, n in enumerate(np.asarray(lengths).reshape(-1).tolist()):
            n = int(n)
            if not 0 <= n <= x.shape[s]:
                raise self.fail(f"seq_lengths value {n} is outside [0, {x.shape[s]}]")
            src = [slice(None)] * x.ndim
            src[b], src[s] = i, slice(0, n)
            out[tuple(src)] = np.flip(x[tuple(src)], axis=s - (b < s))
        return (out,)


OPS = [Reverse1, ReverseSequence1]
