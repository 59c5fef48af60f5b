"""LRN-1, NormalizeL2-1 and GroupNormalization-12 (imported by ``normalization``)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from pyvino._attrs import FLOAT, INT, Attr, enum
from pyvino._node import Op
from pyvino._shape import PartialShape
from pyvino._types import Type

from pyvino_opsets._elementwise import as_float


def axes_value(op: Op, axes: Sequence[int] | np.ndarray, rank: int, what: str) -> tuple[int, ...]:
    """Axes normalised to [0, rank) and sorted; out-of-range or repeated axes fail naming ``op``."""
    values = [int(a) for a in np.asarray(axes).reshape(-1)]
    for a in values:
        if not -rank <= a < rank:
            raise op.fail(f"{what} contains {a}, expected values in [{-rank}, {rank - 1}]")
    norm = [a % rank for a in values]
    if len(set(norm)) != len(norm):
        raise op.fail(f"{what} {values} repeats an axis")
    return tuple(sorted(norm))


class _AxesInputOp(Op):
    """Data plus a constant-or-computed axes input; output has the data's type and shape."""

    num_inputs = 2

    def infer(self) -> list[tuple[Type, PartialShape]]:
        shape, axes_shape = self.input_shape(0), self.input_shape(1)
        if axes_shape.rank_is_static and len(axes_shape) > 1:
            raise self.fail(f"axes input has shape {axes_shape}, expected a scalar or 1D tensor")
        value = self.input_value(1)
        if value is not None and shape.rank_is_static:
            axes_value(self, value, len(shape), "axes")
        return [(self.input_type(0), shape)]


class LRN1(_AxesInputOp):
    """LRN-1: ``x / (bias + alpha / size**len(axes) * sqr_sum) ** beta``.

    ``sqr_sum`` sums squares over a box of ``(size - 1) // 2`` elements each side of the
    element along every axis in ``axes`` (clipped at the borders), as OpenVINO's reference.
    """

    type_name = "LRN"
    version_id = "opset1"
    attributes = (Attr("alpha", FLOAT), Attr("beta", FLOAT), Attr("bias", FLOAT), Attr("size", INT))

    def infer(self) -> list[tuple[Type, PartialShape]]:
        if self.attrs["size"] < 1:
            raise self.fail(
                f"attribute 'size' is {self.attrs['size']}, expected a positive integer"
            )
        return super().infer()

    def evaluate(self, x: np.ndarray, axes: np.ndarray) -> tuple[np.ndarray, ...]:
        a = self.attrs
        ax = axes_value(self, axes, x.ndim, "axes")
        half = (a["size"] - 1) // 2
        sq = np.square(as_float(x).astype(np.float64))
        for axis in ax:  # a box sum is separable: one prefix-sum pass per axis
            n = x.shape[axis]
            cs = np.concatenate([np.zeros_like(sq.take([0], axis)), np.cumsum(sq, axis=axis)], axis)
            idx = np.arange(n)
            lo, hi = np.maximum(idx - half, 0), np.minimum(idx + half + 1, n)
            sq = cs.take(hi, axis) - cs.take(lo, axis)
        scale = a["alpha"] / a["size"] ** len(ax)
        return ((x / (a["bias"] + scale * sq) ** a["beta"]).astype(x.dtype),)


class NormalizeL2_1(_AxesInputOp):  # noqa: N801 (L2 is part of the op name, 1 the version)
    """NormalizeL2-1: ``x / sqrt(max(sum(x**2), eps))`` (eps_mode max) or ``sqrt(sum + eps)`` (add)."""

    type_name = "NormalizeL2"
    version_id = "opset1"
    attributes = (Attr("eps", FLOAT), Attr("eps_mode", enum("add", "max")))

    def evaluate(self, x: np.ndarray, axes: np.ndarray) -> tuple[np.ndarray, ...]:
        ax = axes_value(self, axes, x.ndim, "axes")
        xf = as_float(x)
        sq = np.square(xf)
        total = np.sum(sq, axis=ax, keepdims=True) if ax else sq
        eps = self.attrs["eps"]
        denom = (
            np.sqrt(total + eps)
            if self.attrs["eps_mode"] == "add"
            else np.sqrt(np.maximum(total, eps))
        )
        return ((xf / denom).astype(x.dtype),)


class GroupNormalization12(Op):
    """GroupNormalization-12: normalise each of ``num_groups`` channel groups over the group's
    channels and all spatial positions, then apply per-channel ``scale`` and ``bias``."""

    type_name = "GroupNormalization"
    version_id = "opset12"
    attributes = (Attr("num_groups", INT), Attr("epsilon", FLOAT))
    num_inputs = 3

    def infer(self) -> list[tuple[Type, PartialShape]]:
        g, eps = self.attrs["num_groups"], self.attrs["epsilon"]
        if g < 1:
            raise self.fail(f"attribute 'num_groups' is {g}, expected a positive integer")
        if eps < 0:
            raise self.fail(f"attribute 'epsilon' is {eps}, expected >= 0")
        data = self.input_shape(0)
        if data.rank_is_static and len(data) < 2:
            raise self.fail(f"data input has shape {data}, expected rank >= 2 (N, C, ...)")
        channels = data[1] if data.rank_is_static else None
        if channels is not None and channels.is_static and channels.min % g:
            raise self.fail(f"{channels.min} channels do not divide into num_groups={g}")
        for index, name in ((1, "scale"), (2, "bias")):
            shape = self.input_shape(index)
            if shape.rank_is_static and (
                len(shape) != 1 or (channels is not None and not shape[0].compatible(channels))
            ):
                raise self.fail(f"{name} input has shape {shape}, expected [{channels}]")
        return [(self.input_type(0), data)]

    def evaluate(
        self, x: np.ndarray, scale: np.ndarray, bias: np.ndarray
    ) -> tuple[np.ndarray, ...]:
        g = self.attrs["num_groups"]
        xf = as_float(x)
        grouped = xf.reshape(x.shape[0], g, -1)
        mean = grouped.mean(axis=2, keepdims=True)
        var = np.square(grouped - mean).mean(axis=2, keepdims=True)
        norm = ((grouped - mean) / np.sqrt(var + self.attrs["epsilon"])).reshape(x.shape)
        shape = (1, -1) + (1,) * (x.ndim - 2)
        out = norm * scale.astype(xf.dtype).reshape(shape) + bias.astype(xf.dtype).reshape(shape)
        return (out.astype(x.dtype),)
