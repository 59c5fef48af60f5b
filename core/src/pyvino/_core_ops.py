"""The three ops every Model is made of: Parameter, Constant and Result (opset1).

They live in core because ``Model``, the IR reader and every frontend need them; the opsets
package lists them in each of its opset tables.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from pyvino._attrs import INTS, SHAPE, TYPE, Attr
from pyvino._node import Op
from pyvino._shape import PartialShape
from pyvino._types import Type


class Parameter(Op):
    """A model input: element type and (possibly dynamic) shape."""

    type_name = "Parameter"
    version_id = "opset1"
    attributes = (Attr("shape", SHAPE), Attr("element_type", TYPE))
    num_inputs = 0

    def __init__(
        self,
        element_type: Any = None,
        shape: Any = None,
        name: str | None = None,
        *,
        attrs: dict[str, Any] | None = None,
    ) -> None:
        if attrs is None:
            attrs = {"element_type": element_type, "shape": shape}
        super().__init__((), attrs, name)

    def infer(self) -> list[tuple[Type, PartialShape]]:
        return [(self.attrs["element_type"], self.attrs["shape"])]

    def set_partial_shape(self, shape: Any) -> None:
        self.attrs["shape"] = SHAPE.parse(shape)
        self.validate()

    def set_element_type(self, element_type: Any) -> None:
        self.attrs["element_type"] = TYPE.parse(element_type)
        self.validate()

    def get_partial_shape(self) -> PartialShape:
        return self.attrs["shape"]

    def get_element_type(self) -> Type:
        return self.attrs["element_type"]


def _default_type(value: Any) -> Type:
    if isinstance(value, (np.ndarray, np.generic)):
        return Type.get(value.dtype)
    arr = np.asarray(value)
    if arr.dtype.kind == "f":
        return Type.f32
    if arr.dtype.kind in "iu":
        return Type.i64
    return Type.get(arr.dtype)


class Constant(Op):
    """A constant tensor; ``data`` holds the value in the numpy dtype of its element type."""

    type_name = "Constant"
    version_id = "opset1"
    attributes = (Attr("element_type", TYPE), Attr("shape", INTS))
    num_inputs = 0

    def __init__(
        self,
        value: Any,
        element_type: Any = None,
        name: str | None = None,
        *,
        shape: Any = None,
    ) -> None:
        t = Type.get(element_type) if element_type is not None else _default_type(value)
        data = np.asarray(value, dtype=t.dtype)
        if shape is not None:
            shape = tuple(int(d) for d in shape)
            data = np.broadcast_to(data, shape) if data.size == 1 else data.reshape(shape)
            data = np.ascontiguousarray(data)
        data.flags.writeable = False
        self.data = data
        super().__init__((), {"element_type": t, "shape": data.shape}, name)

    def infer(self) -> list[tuple[Type, PartialShape]]:
        return [(self.attrs["element_type"], PartialShape(self.data.shape))]

    def output_value(self, index: int) -> np.ndarray:
        return self.data

    def get_value(self) -> np.ndarray:
        return self.data

    def get_data(self) -> np.ndarray:
        return self.data

    def evaluate(self) -> tuple[np.ndarray, ...]:
        return (self.data,)


class Result(Op):
    """A model output; passes its input through."""

    type_name = "Result"
    version_id = "opset1"
    num_inputs = 1

    def infer(self) -> list[tuple[Type, PartialShape]]:
        return [(self.input_type(0), self.input_shape(0))]

    def evaluate(self, x: np.ndarray) -> tuple[np.ndarray, ...]:
        return (x,)
