"""Fused-stage epilogues: bias, scale and activation applied in place to the stage's
float32 accumulator (the intermediate tensor no other layer reads), as a hardware stage
applies them before its single fp16 write."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from pyvino import Op

_BINARY = {"Add": np.add, "Subtract": np.subtract, "Multiply": np.multiply}


def _writable_f32(x: np.ndarray) -> bool:
    return x.dtype == np.float32 and x.flags.writeable


def in_place_epilogue(node: Op, live: int) -> Callable[..., Sequence[np.ndarray]] | None:
    """A kernel updating input ``live`` in place, or None if ``node`` has no such form.

    Inputs that are not writeable float32 arrays go to the reference ``evaluate``.
    """
    kind = node.type_name
    if kind == "Relu":
        def relu(x: np.ndarray) -> Sequence[np.ndarray]:
            if not _writable_f32(x):
                return node.evaluate(x)
            return (np.maximum(x, np.float32(0), out=x),)

        return relu
    if kind == "Clamp":
        lo, hi = node.attrs["min"], node.attrs["max"]

        def clamp(x: np.ndarray) -> Sequence[np.ndarray]:
            if not _writable_f32(x):
                return node.evaluate(x)
            return (np.clip(x, lo, hi, out=x),)

        return clamp
    if kind in _BINARY and node.attrs.get("auto_broadcast") == "numpy":
        ufunc = _BINARY[kind]

        def binary(a: np.ndarray, b: np.ndarray) -> Sequence[np.ndarray]:
            target = a if live == 0 else b
            other = b if live == 0 else a
            if not _writable_f32(target) or other.dtype != np.float32:
                return node.evaluate(a, b)
            return (ufunc(a, b, out=target),)

        return binary
    return None
