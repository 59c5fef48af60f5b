"""Activations whose parameters are inputs: PRelu-1, Swish-4, Selu-1, HardSigmoid-1."""

from __future__ import annotations

import numpy as np
from pyvino._node import Op
from pyvino._shape import PartialShape
from pyvino._types import Type

from pyvino_opsets._elementwise import as_float, cast_back, scalar_input


def _prelu_slope(slope: np.ndarray, data_ndim: int, data_shape: tuple[int, ...]) -> np.ndarray:
    """A 1D slope matching the channel dim (axis 1) applies per channel; else numpy broadcast."""
    if slope.ndim == 1 and data_ndim >= 2 and slope.shape[0] == data_shape[1]:
        return slope.reshape((1, -1) + (1,) * (data_ndim - 2))
    return slope


class PRelu1(Op):
    """PRelu-1: x for x >= 0, slope * x otherwise.

    A 1D ``slope`` whose length equals the channel dimension (axis 1) is applied per channel;
    any other slope must broadcast (numpy rules) to the data shape.
    """

    type_name = "PRelu"
    version_id = "opset1"
    num_inputs = 2

    def infer(self) -> list[tuple[Type, PartialShape]]:
        data, slope = self.input_shape(0), self.input_shape(1)
        if data.rank_is_static and slope.rank_is_static:
            if len(slope) == 1 and len(data) >= 2 and data[1].compatible(slope[0]):
                pass  # per-channel slope
            elif len(slope) > len(data) or not all(
                s.compatible(1) or s.compatible(d)
                for s, d in zip(reversed(list(slope)), reversed(list(data)), strict=False)
            ):
                raise self.fail(
                    f"slope shape {slope} neither matches the channel dimension of data {data} "
                    "nor broadcasts to it"
                )
        t0, t1 = self.input_type(0), self.input_type(1)
        if Type.dynamic not in (t0, t1) and t0 is not t1:
            raise self.fail(f"data type {t0.name} and slope type {t1.name} differ")
        return [(t0, data)]

    def evaluate(self, x: np.ndarray, slope: np.ndarray) -> tuple[np.ndarray, ...]:
        s = _prelu_slope(slope, x.ndim, x.shape)
        return (np.where(x < 0, x * s, x).astype(x.dtype),)


class Swish4(Op):
    """Swish-4: x * sigmoid(beta * x); ``beta`` is an optional scalar input (default 1)."""

    type_name = "Swish"
    version_id = "opset4"
    num_inputs = (1, 2)

    def infer(self) -> list[tuple[Type, PartialShape]]:
        if len(self.inputs) == 2:
            scalar_input(self, 1, "beta")
        return [(self.input_type(0), self.input_shape(0))]

    def evaluate(self, x: np.ndarray, beta: np.ndarray | None = None) -> tuple[np.ndarray, ...]:
        xf = as_float(x)
        b = 1.0 if beta is None else float(np.asarray(beta).reshape(-1)[0])
        z = b * xf
        e = np.exp(-np.abs(z))
        sig = np.where(z >= 0, 1 / (1 + e), e / (1 + e))
        return (cast_back(xf * sig, x),)


class Selu1(Op):
    """Selu-1: lambda * (x if x > 0 else alpha * (exp(x) - 1)); alpha, lambda are inputs."""

    type_name = "Selu"
    version_id = "opset1"
    num_inputs = 3

    def infer(self) -> list[tuple[Type, PartialShape]]:
        scalar_input(self, 1, "alpha")
        scalar_input(self, 2, "lambda")
        return [(self.input_type(0), self.input_shape(0))]

    def evaluate(self, x: np.ndarray, alpha: np.ndarray, lam: np.ndarray) -> tuple[np.ndarray, ...]:
        xf = as_float(x)
        a, lmb = float(alpha.reshape(-1)[0]), float(lam.reshape(-1)[0])
        return (cast_back(lmb * np.where(xf > 0, xf, a * np.expm1(np.minimum(xf, 0))), x),)


class HardSigmoid1(Op):
    """HardSigmoid-1: max(0, min(1, alpha * x + beta)); alpha, beta are scalar inputs."""

    type_name = "HardSigmoid"
    version_id = "opset1"
    num_inputs = 3

    def infer(self) -> list[tuple[Type, PartialShape]]:
        scalar_input(self, 1, "alpha")
        scalar_input(self, 2, "beta")
        return [(self.input_type(0), self.input_shape(0))]

    def evaluate(
        self, x: np.ndarray, alpha: np.ndarray, beta: np.ndarray
    ) -> tuple[np.ndarray, ...]:
        xf = as_float(x)
        a, b = float(alpha.reshape(-1)[0]), float(beta.reshape(-1)[0])
        return (cast_back(np.clip(a * xf + b, 0, 1), x),)
