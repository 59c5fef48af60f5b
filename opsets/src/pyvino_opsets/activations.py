"""Activation functions: Relu, Clamp, Sigmoid, Tanh, Elu, PRelu (opset1), Swish, HSwish, Mish,
SoftPlus (opset4), HSigmoid (opset5), SoftSign (opset9), Selu, HardSigmoid (opset1), Gelu (2, 7).

Math is done in f32 (f64 stays f64) and cast back, so f16/bf16 models evaluate without overflow
in intermediate terms.
"""

from __future__ import annotations

import math

import numpy as np
from pyvino._attrs import FLOAT, Attr, enum
from pyvino._shape import PartialShape
from pyvino._types import Type

from pyvino_opsets._activations_param import HardSigmoid1, PRelu1, Selu1, Swish4
from pyvino_opsets._elementwise import UnaryActivation, as_float, erf


def _sigmoid(x: np.ndarray) -> np.ndarray:
    # split by sign so exp never overflows
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e))


def _softplus(x: np.ndarray) -> np.ndarray:
    return np.logaddexp(np.zeros((), x.dtype), x)


class Relu1(UnaryActivation):
    """Relu-1: max(x, 0)."""

    type_name = "Relu"
    version_id = "opset1"

    def evaluate(self, x: np.ndarray) -> tuple[np.ndarray, ...]:
        return (np.maximum(x, np.zeros((), x.dtype)),)


class Clamp1(UnaryActivation):
    """Clamp-1: clip to [min, max]; for integer data min is rounded up and max down."""

    type_name = "Clamp"
    version_id = "opset1"
    attributes = (Attr("min", FLOAT), Attr("max", FLOAT))

    def infer(self) -> list[tuple[Type, PartialShape]]:
        if self.attrs["min"] > self.attrs["max"]:
            raise self.fail(
                f"attribute 'min' ({self.attrs['min']}) must not exceed 'max' ({self.attrs['max']})"
            )
        return super().infer()

    def evaluate(self, x: np.ndarray) -> tuple[np.ndarray, ...]:
        lo, hi = self.attrs["min"], self.attrs["max"]
        if x.dtype.kind in "iu":
            info = np.iinfo(x.dtype)
            lo = min(max(math.ceil(lo), info.min), info.max) if math.isfinite(lo) else info.min
            hi = max(min(math.floor(hi), info.max), info.min) if math.isfinite(hi) else info.max
            return (np.clip(x, lo, hi).astype(x.dtype),)
        return (np.clip(as_float(x), lo, hi).astype(x.dtype),)


class Sigmoid1(UnaryActivation):
    """Sigmoid-1: 1 / (1 + exp(-x))."""

    type_name = "Sigmoid"
    version_id = "opset1"
    function = staticmethod(_sigmoid)


class Tanh1(UnaryActivation):
    """Tanh-1: hyperbolic tangent."""

    type_name = "Tanh"
    version_id = "opset1"
    function = staticmethod(np.tanh)


class Elu1(UnaryActivation):
    """Elu-1: x for x > 0, alpha * (exp(x) - 1) otherwise."""

    type_name = "Elu"
    version_id = "opset1"
    attributes = (Attr("alpha", FLOAT),)

    def compute(self, x: np.ndarray) -> np.ndarray:
        return np.where(x > 0, x, self.attrs["alpha"] * np.expm1(np.minimum(x, 0)))


class HSwish4(UnaryActivation):
    """HSwish-4: x * min(max(x + 3, 0), 6) / 6."""

    type_name = "HSwish"
    version_id = "opset4"
    function = staticmethod(lambda x: x * np.clip(x + 3, 0, 6) / 6)


class HSigmoid5(UnaryActivation):
    """HSigmoid-5: min(max(x + 3, 0), 6) / 6."""

    type_name = "HSigmoid"
    version_id = "opset5"
    function = staticmethod(lambda x: np.clip(x + 3, 0, 6) / 6)


class Mish4(UnaryActivation):
    """Mish-4: x * tanh(softplus(x))."""

    type_name = "Mish"
    version_id = "opset4"
    function = staticmethod(lambda x: x * np.tanh(_softplus(x)))


class SoftPlus4(UnaryActivation):
    """SoftPlus-4: ln(1 + exp(x)), computed without overflow."""

    type_name = "SoftPlus"
    version_id = "opset4"
    function = staticmethod(_softplus)


class SoftSign9(UnaryActivation):
    """SoftSign-9: x / (1 + |x|)."""

    type_name = "SoftSign"
    version_id = "opset9"
    function = staticmethod(lambda x: x / (1 + np.abs(x)))


def _gelu(x: np.ndarray, mode: str) -> np.ndarray:
    if mode == "TANH":
        inner = math.sqrt(2 / math.pi) * (x + 0.044715 * x**3)
        return 0.5 * x * (1 + np.tanh(inner))
    return (0.5 * x * (1 + erf(x / math.sqrt(2)))).astype(x.dtype)


class Gelu2(UnaryActivation):
    """Gelu-2: x * Phi(x) with the exact (erf) Gaussian CDF."""

    type_name = "Gelu"
    version_id = "opset2"

    def compute(self, x: np.ndarray) -> np.ndarray:
        return _gelu(x, "ERF")


class Gelu7(UnaryActivation):
    """Gelu-7: approximation_mode ERF (exact) or TANH (the GPT-2 ``gelu_new`` form)."""

    type_name = "Gelu"
    version_id = "opset7"
    attributes = (Attr("approximation_mode", enum("ERF", "TANH"), "ERF"),)

    def compute(self, x: np.ndarray) -> np.ndarray:
        return _gelu(x, self.attrs["approximation_mode"])


OPS = [
    Relu1,
    Clamp1,
    Sigmoid1,
    Tanh1,
    Elu1,
    PRelu1,
    Swish4,
    HSwish4,
    HSigmoid5,
    Mish4,
    SoftPlus4,
    SoftSign9,
    Selu1,
    HardSigmoid1,
    Gelu2,
    Gelu7,
]

__all__ = [
    "OPS",
    "Clamp1",
    "Elu1",
    "Gelu2",
    "Gelu7",
    "HSigmoid5",
    "HSwish4",
    "HardSigmoid1",
    "Mish4",
    "PRelu1",
    "Relu1",
    "Selu1",
    "Sigmoid1",
    "SoftPlus4",
    "SoftSign9",
    "Swish4",
    "Tanh1",
]
