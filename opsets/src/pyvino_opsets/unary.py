"""Simple unary elementwise ops: Abs, Ceiling, Floor, Negative, Sign (opset1), Round-5 and
IsNaN/IsInf/IsFinite-10. Float-valued functions (Sqrt, Exp, trig, Erf, ...) are in
``math_functions.py``; bitwise ops are in ``comparison.py`` with the logical ones.
"""

from __future__ import annotations

import numpy as np
from pyvino import BOOL, Attr, Op, PartialShape, Type, enum

from pyvino_opsets._common import compute_dtype


class UnaryElementwise(Op):
    """Base of one-input elementwise ops; output type and shape are the input's."""

    num_inputs = 1
    allow_boolean = False

    def infer(self) -> list[tuple[Type, PartialShape]]:
        t = self.input_type(0)
        if t is Type.boolean and not self.allow_boolean:
            raise self.fail("argument cannot have boolean element type")
        return [(t, self.input_shape(0))]


class Abs1(UnaryElementwise):
    """Elementwise |x| (unsigned values are unchanged)."""

    type_name = "Abs"

    def evaluate(self, x: np.ndarray) -> tuple[np.ndarray, ...]:
        return (np.abs(x).astype(x.dtype),)


class Negative1(UnaryElementwise):
    """Elementwise -x (integers wrap around)."""

    type_name = "Negative"

    def evaluate(self, x: np.ndarray) -> tuple[np.ndarray, ...]:
        with np.errstate(all="ignore"):
            return (np.negative(x).astype(x.dtype),)


class Sign1(UnaryElementwise):
    """Elementwise sign: -1, 0 or 1 in the input type (NaN gives 0, as ``(x>0)-(x<0)``)."""

    type_name = "Sign"

    def evaluate(self, x: np.ndarray) -> tuple[np.ndarray, ...]:
        s = (x > 0).astype(np.int8) - (x < 0).astype(np.int8)
        return (s.astype(x.dtype),)


class Ceiling1(UnaryElementwise):
    """Elementwise ceil (integers unchanged)."""

    type_name = "Ceiling"

    def evaluate(self, x: np.ndarray) -> tuple[np.ndarray, ...]:
        if Type.get(x.dtype).is_integral:
            return (x.copy(),)
        return (np.ceil(x.astype(compute_dtype(x.dtype))).astype(x.dtype),)


class Floor1(UnaryElementwise):
    """Elementwise floor (integers unchanged)."""

    type_name = "Floor"

    def evaluate(self, x: np.ndarray) -> tuple[np.ndarray, ...]:
        if Type.get(x.dtype).is_integral:
            return (x.copy(),)
        return (np.floor(x.astype(compute_dtype(x.dtype))).astype(x.dtype),)


class Round5(UnaryElementwise):
    """Round to the nearest integer; ties to even or away from zero (``mode``)."""

    type_name = "Round"
    version_id = "opset5"
    attributes = (Attr("mode", enum("half_to_even", "half_away_from_zero"), "half_to_even"),)

    def evaluate(self, x: np.ndarray) -> tuple[np.ndarray, ...]:
        if Type.get(x.dtype).is_integral:
            return (x.copy(),)
        v = x.astype(compute_dtype(x.dtype))
        if self.attrs["mode"] == "half_to_even":
            r = np.rint(v)
        else:
            r = np.sign(v) * np.floor(np.abs(v) + 0.5)
        return (r.astype(x.dtype),)


class _FloatPredicate(Op):
    """Base of IsNaN/IsInf/IsFinite: float input, boolean output of the same shape."""

    version_id = "opset10"
    num_inputs = 1

    def infer(self) -> list[tuple[Type, PartialShape]]:
        t = self.input_type(0)
        if t is not Type.dynamic and not t.is_real:
            raise self.fail(f"input must have a floating-point element type, got {t.name}")
        return [(Type.boolean, self.input_shape(0))]


class IsNaN10(_FloatPredicate):
    """True where x is NaN."""

    type_name = "IsNaN"

    def evaluate(self, x: np.ndarray) -> tuple[np.ndarray, ...]:
        return (np.isnan(x.astype(np.float64)),)


class IsFinite10(_FloatPredicate):
    """True where x is neither NaN nor infinite."""

    type_name = "IsFinite"

    def evaluate(self, x: np.ndarray) -> tuple[np.ndarray, ...]:
        return (np.isfinite(x.astype(np.float64)),)


class IsInf10(_FloatPredicate):
    """True where x is +inf (``detect_positive``) or -inf (``detect_negative``)."""

    type_name = "IsInf"
    attributes = (Attr("detect_negative", BOOL, True), Attr("detect_positive", BOOL, True))

    def evaluate(self, x: np.ndarray) -> tuple[np.ndarray, ...]:
        v = x.astype(np.float64)
        pos = np.isposinf(v) if self.attrs["detect_positive"] else np.zeros(v.shape, bool)
        neg = np.isneginf(v) if self.attrs["detect_negative"] else np.zeros(v.shape, bool)
        return (pos | neg,)


OPS = [Abs1, Ceiling1, Floor1, Negative1, Sign1, Round5, IsNaN10, IsInf10, IsFinite10]
