"""Element type conversion: Convert-1, ConvertLike-1.

Conversion rules (what OpenVINO's reference does where C++ leaves it open):
- float -> integer truncates toward zero and saturates to the destination range; NaN -> 0;
- integer -> narrower integer wraps around modulo 2**bits (C++ conversion, as the spec says);
- anything -> boolean (and u1) is ``x != 0``;
- float -> narrower float rounds to nearest even; f8e4m3 has no infinity, so values beyond
  its range become NaN (as OpenVINO's f8e4m3 does); f4e2m1 saturates to +-6.
"""

from __future__ import annotations

import numpy as np
from pyvino import TYPE, Attr, Op, PartialShape, Type

_UNSUPPORTED = {"string", "dynamic", "nf4"}  # nf4 needs its quantisation table


def _int_bounds(t: Type) -> tuple[int, int]:
    if t.is_signed:
        return -(1 << (t.bitwidth - 1)), (1 << (t.bitwidth - 1)) - 1
    return 0, (1 << t.bitwidth) - 1


def _as_int64_wrapped(x: np.ndarray, t: Type) -> np.ndarray:
    """Integer values reduced modulo 2**bits into ``t``'s range (two's complement)."""
    bits = t.bitwidth
    if bits >= 64:
        return x
    v = x.astype(np.int64) & ((1 << bits) - 1)
    if t.is_signed:
        v = np.where(v >= (1 << (bits - 1)), v - (1 << bits), v)
    return v


def convert_array(x: np.ndarray, t: Type) -> np.ndarray:
    """``x`` converted to element type ``t`` with Convert-1 semantics."""
    # Overflow to inf and NaN casts are handled explicitly; numpy's warnings are noise here.
    with np.errstate(all="ignore"):
        return _convert(x, t)


def _convert(x: np.ndarray, t: Type) -> np.ndarray:
    src = Type.get(x.dtype) if x.dtype != object else Type.string
    dtype = t.dtype
    if t is Type.boolean or t is Type.u1:
        return x.astype(np.float64 if src.is_real else x.dtype) != 0
    if src.is_real and t.is_integral:
        wide = x.astype(np.float64)
        lo, hi = _int_bounds(t)
        wide = np.nan_to_num(np.trunc(wide), nan=0.0, posinf=hi, neginf=lo)
        if t.bitwidth >= 64:
            # float64 cannot hold the exact i64/u64 limits: compare before casting.
            out = wide.astype(dtype)
            out = np.where(wide >= float(hi), np.array(hi, dtype=dtype), out)
            return np.where(wide <= float(lo), np.array(lo, dtype=dtype), out).astype(dtype)
        return np.clip(wide, lo, hi).astype(np.int64).astype(dtype)
    if src.is_integral and t.is_integral:
        if src is Type.boolean or src is Type.u1:
            return x.astype(dtype)
        if x.dtype.kind == "V" or dtype.kind == "V" or t.bitwidth < src.bitwidth:
            if src is Type.u64:
                x = x.astype(np.uint64).view(np.int64)
            return _as_int64_wrapped(x, t).astype(dtype)
        return x.astype(dtype)
    if src.is_real and dtype.kind == "V" and x.dtype.kind == "V":
        x = x.astype(np.float32)
    return x.astype(dtype)


class Convert1(Op):
    """Convert every element of the input to ``destination_type``."""

    type_name = "Convert"
    attributes = (Attr("destination_type", TYPE),)
    num_inputs = 1

    def infer(self) -> list[tuple[Type, PartialShape]]:
        t = self.attrs["destination_type"]
        if t.name in _UNSUPPORTED:
            raise self.fail(
                f"attribute 'destination_type': conversion to {t.name} is not supported"
            )
        return [(t, self.input_shape(0))]

    def evaluate(self, x: np.ndarray) -> tuple[np.ndarray, ...]:
        return (convert_array(np.asarray(x), self.attrs["destination_type"]),)


class ConvertLike1(Op):
    """Convert input 1 to the element type of input 2."""

    type_name = "ConvertLike"
    num_inputs = 2

    def infer(self) -> list[tuple[Type, PartialShape]]:
        return [(self.input_type(1), self.input_shape(0))]

    def evaluate(self, x: np.ndarray, like: np.ndarray) -> tuple[np.ndarray, ...]:
        return (convert_array(np.asarray(x), self.input_type(1)),)


OPS = [Convert1, ConvertLike1]
