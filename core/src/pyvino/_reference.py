"""Reference execution: run a Model by calling each op's ``evaluate`` in topological order.

The independent oracle for device plugins (and what the conformance kit compares against).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from pyvino._errors import InferenceError
from pyvino._model import Model


def evaluate_model(model: Model, inputs: Sequence[np.ndarray]) -> list[np.ndarray]:
    """Outputs of ``model`` for ``inputs`` (in parameter order), via reference ``evaluate``."""
    params = model.get_parameters()
    if len(inputs) != len(params):
        raise InferenceError(f"model has {len(params)} inputs, got {len(inputs)}")
    values: dict[tuple[int, int], np.ndarray] = {}
    for p, x in zip(params, inputs):
        values[(id(p), 0)] = np.asarray(x)
    for node in model.get_ordered_ops():
        if node.type_name == "Parameter":
            continue
        args = [values[(id(i.node), i.index)] for i in node.inputs]
        outs = node.evaluate(*args)
        for i, v in enumerate(outs):
            values[(id(node), i)] = v
    return [values[(id(r), 0)] for r in model.get_results()]
