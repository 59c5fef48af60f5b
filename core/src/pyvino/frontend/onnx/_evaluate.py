"""A plain interpreter for converted models: each op's reference ``evaluate`` in order.

Used by the ONNX backend when no runtime device is available, and by tests as the oracle-free
way to run a converted graph.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from pyvino._core_ops import Parameter
from pyvino._errors import InferenceError
from pyvino._model import Model


def evaluate_model(model: Model, inputs: Sequence[Any] | Mapping[str, Any]) -> list[np.ndarray]:
    """Run ``model`` on ``inputs`` (in Parameter order, or by input name); outputs in order."""
    params = model.get_parameters()
    if isinstance(inputs, Mapping):
        feed = {id(p): inputs[next(iter(p.output(0).names), p.friendly_name)] for p in params}
    else:
        if len(inputs) != len(params):
            raise InferenceError(f"model has {len(params)} inputs, got {len(inputs)} values")
        feed = {id(p): v for p, v in zip(params, inputs, strict=True)}
    values: dict[int, tuple[np.ndarray, ...]] = {}
    for node in model.get_ordered_ops():
        if isinstance(node, Parameter):
            t = node.get_element_type()
            values[id(node)] = (np.asarray(feed[id(node)], dtype=t.dtype),)
            continue
        args = [values[id(i.node)][i.index] for i in node.inputs]
        values[id(node)] = tuple(node.evaluate(*args))
    return [values[id(r)][0] for r in model.get_results()]
