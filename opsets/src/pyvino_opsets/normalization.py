"""Normalization: BatchNormInference-1/-5, MVN-2/-6, LRN-1, NormalizeL2-1, GroupNormalization-12.

BatchNormInference-1 takes ``(gamma, beta, data, mean, variance)``; version 5 reorders them to
``(data, gamma, beta, mean, variance)``. Statistics are computed in f32 or wider and the
result is cast back to the data type.
"""

from __future__ import annotations

import numpy as np
from pyvino._attrs import BOOL, FLOAT, INTS, Attr, enum
from pyvino._node import Op
from pyvino._shape import PartialShape
from pyvino._types import Type

from pyvino_opsets._elementwise import as_float
from pyvino_opsets._normalization_more import LRN1, GroupNormalization12, NormalizeL2_1, axes_value


class _BatchNormBase(Op):
    attributes = (Attr("epsilon", FLOAT),)
    num_inputs = 5
    _input_names = ("data", "gamma", "beta", "mean", "variance")
    _order = (0, 1, 2, 3, 4)  # input index of each name

    def infer(self) -> list[tuple[Type, PartialShape]]:
        if self.attrs["epsilon"] < 0:
            raise self.fail(f"attribute 'epsilon' is {self.attrs['epsilon']}, expected >= 0")
        data = self.input_shape(self._order[0])
        channels = data[1] if data.rank_is_static and len(data) >= 2 else None
        if data.rank_is_static and len(data) < 2:
            raise self.fail(f"data input has shape {data}, expected rank >= 2 (N, C, ...)")
        for name, index in zip(self._input_names[1:], self._order[1:], strict=False):
            shape = self.input_shape(index)
            if shape.rank_is_static and (
                len(shape) != 1 or (channels is not None and not shape[0].compatible(channels))
            ):
                raise self.fail(f"{name} input {index} has shape {shape}, expected [{channels}]")
        return [(self.input_type(self._order[0]), data)]

    def evaluate(self, *inputs: np.ndarray) -> tuple[np.ndarray, ...]:
        x, gamma, beta, mean, var = (inputs[i] for i in self._order)
        shape = (1, -1) + (1,) * (x.ndim - 2)
        xf = as_float(x)

        def col(v: np.ndarray) -> np.ndarray:
            return v.astype(xf.dtype).reshape(shape)

        scale = col(gamma) / np.sqrt(col(var) + self.attrs["epsilon"])
        return (((xf - col(mean)) * scale + col(beta)).astype(x.dtype),)


class BatchNormInference1(_BatchNormBase):
    """BatchNormInference-1: inputs (gamma, beta, data, mean, variance)."""

    type_name = "BatchNormInference"
    version_id = "opset1"
    _order = (2, 0, 1, 3, 4)


class BatchNormInference5(_BatchNormBase):
    """BatchNormInference-5: inputs (data, gamma, beta, mean, variance)."""

    type_name = "BatchNormInference"
    version_id = "opset5"


def _mvn(x: np.ndarray, axes: tuple[int, ...], normalize: bool, eps: float, inside: bool):
    xf = as_float(x)
    if not axes:
        centred = np.zeros_like(xf)
    else:
        centred = xf - np.mean(xf, axis=axes, keepdims=True)
    if normalize and axes:
        var = np.mean(np.square(centred), axis=axes, keepdims=True)
        centred = centred / (np.sqrt(var + eps) if inside else np.sqrt(var) + eps)
    elif normalize:
        centred = centred / (np.sqrt(eps) if inside else eps)
    return (centred.astype(x.dtype),)


class MVN2(Op):
    """MVN-2 (first in opset2): mean-variance normalization over spatial axes, or also
    channels with ``across_channels``; ``reduction_axes`` (if given) overrides both. eps is
    added inside the square root."""

    type_name = "MVN"
    version_id = "opset2"
    attributes = (
        Attr("eps", FLOAT),
        Attr("across_channels", BOOL, False),
        Attr("normalize_variance", BOOL, False),
        Attr("reduction_axes", INTS, ()),
    )
    num_inputs = 1

    def infer(self) -> list[tuple[Type, PartialShape]]:
        shape = self.input_shape(0)
        if shape.rank_is_static and self.attrs["reduction_axes"]:
            axes_value(self, self.attrs["reduction_axes"], len(shape), "reduction_axes")
        elif shape.rank_is_static and len(shape) < 2:
            raise self.fail(f"data input has shape {shape}, expected rank >= 2 (N, C, ...)")
        return [(self.input_type(0), shape)]

    def evaluate(self, x: np.ndarray) -> tuple[np.ndarray, ...]:
        a = self.attrs
        if a["reduction_axes"]:
            axes = axes_value(self, a["reduction_axes"], x.ndim, "reduction_axes")
        else:
            axes = tuple(range(1 if a["across_channels"] else 2, x.ndim))
        return _mvn(x, axes, a["normalize_variance"], a["eps"], inside=True)


class MVN6(Op):
    """MVN-6: normalization over the axes given as input 2; eps inside or outside the sqrt."""

    type_name = "MVN"
    version_id = "opset6"
    attributes = (
        Attr("eps", FLOAT),
        Attr("normalize_variance", BOOL),
        Attr("eps_mode", enum("INSIDE_SQRT", "OUTSIDE_SQRT")),
    )
    num_inputs = 2

    def infer(self) -> list[tuple[Type, PartialShape]]:
        shape, axes_shape = self.input_shape(0), self.input_shape(1)
        if axes_shape.rank_is_static and len(axes_shape) != 1:
            raise self.fail(f"axes input has shape {axes_shape}, expected a 1D tensor")
        at = self.input_type(1)
        if at is not Type.dynamic and not at.is_integral:
            raise self.fail(f"axes input has type {at.name}, expected i32 or i64")
        value = self.input_value(1)
        if value is not None and shape.rank_is_static:
            axes_value(self, value, len(shape), "axes")
        return [(self.input_type(0), shape)]

    def evaluate(self, x: np.ndarray, axes: np.ndarray) -> tuple[np.ndarray, ...]:
        a = self.attrs
        ax = axes_value(self, axes, x.ndim, "axes")
        return _mvn(x, ax, a["normalize_variance"], a["eps"], a["eps_mode"] == "INSIDE_SQRT")


OPS = [
    BatchNormInference1,
    BatchNormInference5,
    MVN2,
    MVN6,
    LRN1,
    NormalizeL2_1,
    GroupNormalization12,
]

__all__ = [
    "OPS",
    "LRN1",
    "MVN2",
    "MVN6",
    "BatchNormInference1",
    "BatchNormInference5",
    "GroupNormalization12",
    "NormalizeL2_1",
]
