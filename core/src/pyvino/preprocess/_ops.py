"""Small graph-building helpers for the pre/post-processing steps (latest installed opset)."""

from __future__ import annotations

from typing import Any

import numpy as np

from pyvino._core_ops import Constant
from pyvino._node import Output
from pyvino._opset import OpsetBuilder
from pyvino._types import Type


def ops() -> OpsetBuilder:
    """A builder for the newest installed opset (Interpolate-11, Gather-8, Slice-8, ...)."""
    from pyvino._plugins import default_manager

    return default_manager().registry.builder()


def const(value: Any, element_type: Any) -> Output:
    t = Type.get(element_type)
    return Constant(np.asarray(value, dtype=t.dtype), t).output(0)


def i64(value: Any) -> Output:
    return const(value, Type.i64)


def convert(x: Output, element_type: Any) -> Output:
    t = Type.get(element_type)
    if x.element_type is t:
        return x
    return ops().convert(x, destination_type=t).output(0)


def transpose(x: Output, perm: list[int]) -> Output:
    return ops().transpose(x, i64(perm)).output(0)


def slice_axis(x: Output, start: int, stop: int, axis: int) -> Output:
    return ops().slice(x, i64([start]), i64([stop]), i64([1]), i64([axis])).output(0)
