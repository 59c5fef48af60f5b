"""Input checking: every request's inputs are matched to ports and checked before running."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from pyvino._errors import InferenceError
from pyvino._node import Output
from pyvino._types import Type


def _port_name(port: Output) -> str:
    return sorted(port.names)[0] if port.names else port.node.friendly_name


def _as_array(value: Any, port: Output) -> np.ndarray:
    data = getattr(value, "data", value) if not isinstance(value, np.ndarray) else value
    expected: Type = port.element_type
    if isinstance(data, np.ndarray):
        if expected is not Type.dynamic and data.dtype != expected.dtype and not (
            expected is Type.string and data.dtype.kind in "UOS"
        ):
            raise InferenceError(
                f"input {_port_name(port)!r}: element type {data.dtype} does not match the "
                f"model's {expected.name} (numpy {expected.dtype}); convert it first"
            )
        return data
    try:
        arr = np.asarray(data, dtype=None if expected is Type.dynamic else expected.dtype)
    except (TypeError, ValueError) as exc:
        raise InferenceError(f"input {_port_name(port)!r}: cannot convert {type(value).__name__} "
                             f"to {expected.name}: {exc}") from None
    return arr


def _index_of(ports: list[Output], key: Any) -> int:
    if isinstance(key, (int, np.integer)) and not isinstance(key, bool):
        if 0 <= key < len(ports):
            return int(key)
        raise InferenceError(f"input index {key} is out of range: the model has {len(ports)} inputs")
    if isinstance(key, Output):
        for i, p in enumerate(ports):
            if p == key or (key.names & p.names):
                return i
    if isinstance(key, str):
        for i, p in enumerate(ports):
            if key in p.names or key == p.node.friendly_name:
                return i
    names = ", ".join(_port_name(p) for p in ports)
    raise InferenceError(f"unknown input {key!r}; the model's inputs are: {names}")


def match_inputs(ports: list[Output], inputs: Any) -> list[np.ndarray]:
    """Arrays in port order from a list, a dict (index/name/Output keys) or a single array."""
    if inputs is None:
        inputs = {}
    if isinstance(inputs, Mapping):
        slots: list[Any] = [None] * len(ports)
        for key, value in inputs.items():
            i = _index_of(ports, key)
            slots[i] = value
    elif isinstance(inputs, (list, tuple)):
        if len(inputs) != len(ports):
            raise InferenceError(f"got {len(inputs)} inputs, the model has {len(ports)}: "
                                 + ", ".join(_port_name(p) for p in ports))
        slots = list(inputs)
    else:
        if len(ports) != 1:
            raise InferenceError(f"a single input was given, the model has {len(ports)}: "
                                 + ", ".join(_port_name(p) for p in ports))
        slots = [inputs]
    missing = [_port_name(p) for p, v in zip(ports, slots) if v is None]
    if missing:
        raise InferenceError(f"missing input(s): {', '.join(missing)}")
    arrays = [_as_array(v, p) for p, v in zip(ports, slots)]
    for port, arr in zip(ports, arrays):
        if not port.partial_shape.compatible(arr.shape):
            raise InferenceError(
                f"input {_port_name(port)!r}: shape {list(arr.shape)} is incompatible with "
                f"the model input shape {port.partial_shape}"
            )
    return arrays
