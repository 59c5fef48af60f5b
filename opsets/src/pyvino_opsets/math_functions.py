"""Float-valued unary functions: Sqrt, Exp, Log, Sin, Cos, Tan, Asin, Acos, Atan, Sinh, Cosh,
Erf (opset1) and Asinh/Acosh/Atanh (op version 3, listed from opset4).

For integer inputs the function is computed in f64 and brought back to the input type as
OpenVINO's reference does: most round to nearest (``std::round``); Exp, Log, Sin, Asin and
Acos truncate; results that do not fit (NaN, inf) saturate like Convert.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import ClassVar

import numpy as np
from pyvino import Type

from pyvino_opsets._common import compute_dtype
from pyvino_opsets.type_conversion import convert_array
from pyvino_opsets.unary import UnaryElementwise

_erf = np.frompyfunc(math.erf, 1, 1)


def erf(x: np.ndarray) -> np.ndarray:
    """Error function to double precision (scipy is not a dependency)."""
    return _erf(x.astype(np.float64)).astype(np.float64)


class FloatFunction(UnaryElementwise):
    """A float-valued function; see the module docstring for integer inputs."""

    func: ClassVar[Callable[[np.ndarray], np.ndarray]]
    integer_rounding = "round"  # or "trunc"

    def evaluate(self, x: np.ndarray) -> tuple[np.ndarray, ...]:
        x = np.asarray(x)
        with np.errstate(all="ignore"):
            if Type.get(x.dtype).is_integral:
                y = type(self).func(x.astype(np.float64))
                if self.integer_rounding == "round":
                    y = np.where(y < 0, -np.floor(0.5 - y), np.floor(y + 0.5))
                return (convert_array(y, Type.get(x.dtype)),)
            y = type(self).func(x.astype(compute_dtype(x.dtype), copy=False))
            return (np.asarray(y).astype(x.dtype),)


class Sqrt1(FloatFunction):
    """Elementwise square root."""

    type_name = "Sqrt"
    func = staticmethod(np.sqrt)


class Exp1(FloatFunction):
    """Elementwise e ** x."""

    type_name = "Exp"
    func = staticmethod(np.exp)
    integer_rounding = "trunc"


class Log1(FloatFunction):
    """Elementwise natural logarithm."""

    type_name = "Log"
    func = staticmethod(np.log)
    integer_rounding = "trunc"


class Sin1(FloatFunction):
    """Elementwise sine."""

    type_name = "Sin"
    func = staticmethod(np.sin)
    integer_rounding = "trunc"


class Cos1(FloatFunction):
    """Elementwise cosine."""

    type_name = "Cos"
    func = staticmethod(np.cos)


class Tan1(FloatFunction):
    """Elementwise tangent."""

    type_name = "Tan"
    func = staticmethod(np.tan)


class Asin1(FloatFunction):
    """Elementwise arcsine."""

    type_name = "Asin"
    func = staticmethod(np.arcsin)
    integer_rounding = "trunc"


class Acos1(FloatFunction):
    """Elementwise arccosine."""

    type_name = "Acos"
    func = staticmethod(np.arccos)
    integer_rounding = "trunc"


class Atan1(FloatFunction):
    """Elementwise arctangent."""

    type_name = "Atan"
    func = staticmethod(np.arctan)


class Sinh1(FloatFunction):
    """Elementwise hyperbolic sine."""

    type_name = "Sinh"
    func = staticmethod(np.sinh)


class Cosh1(FloatFunction):
    """Elementwise hyperbolic cosine."""

    type_name = "Cosh"
    func = staticmethod(np.cosh)


class Asinh3(FloatFunction):
    """Elementwise inverse hyperbolic sine (op version 3, listed from opset4)."""

    type_name = "Asinh"
    version_id = "opset4"
    func = staticmethod(np.arcsinh)


class Acosh3(FloatFunction):
    """Elementwise inverse hyperbolic cosine (op version 3, listed from opset4)."""

    type_name = "Acosh"
    version_id = "opset4"
    func = staticmethod(np.arccosh)


class Erf1(FloatFunction):
    """Elementwise Gauss error function."""

    type_name = "Erf"
    func = staticmethod(erf)


class Atanh3(FloatFunction):
    """Elementwise atanh(x); integers give the type's max / min / 0 by sign (no inf there)."""

    type_name = "Atanh"
    version_id = "opset4"
    func = staticmethod(np.arctanh)

    def evaluate(self, x: np.ndarray) -> tuple[np.ndarray, ...]:
        x = np.asarray(x)
        if Type.get(x.dtype).is_integral:
            limits = np.sign(x.astype(np.float64)) * 1e300  # saturates to min / 0 / max
            return (convert_array(limits, Type.get(x.dtype)),)
        return super().evaluate(x)


OPS = [
    Sqrt1, Exp1, Log1, Sin1, Cos1, Tan1, Asin1, Acos1, Atan1, Sinh1, Cosh1, Asinh3, Acosh3,
    Atanh3, Erf1,
]  # fmt: skip
