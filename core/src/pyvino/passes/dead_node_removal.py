"""Dead-node removal: drop nodes that compute nothing.

A ``Model`` holds only its Results and Parameters and finds every other node by walking back
from the Results, so a node nothing reads is gone as soon as its last consumer is rewired.
What remains to remove are no-op nodes, which this pass bypasses (their consumers read the
no-op's input instead, and its tensor names move there):

- ``Convert`` / ``ConvertLike`` to the type the input already has (never a decompression
  Convert);
- ``Reshape``, ``Squeeze``, ``Unsqueeze``, ``Broadcast`` whose static output shape equals the
  input shape;
- ``Transpose`` by the identity permutation; ``Concat`` of a single input; ``Identity``.

A no-op read directly by a Result is kept, so model outputs keep their own tensors.
"""

from __future__ import annotations

import numpy as np

from pyvino._model import Model
from pyvino._node import Op
from pyvino.passes._graph import constant_value, consumers_of, feeds_result, is_decompression

_SAME_SHAPE_OPS = frozenset({"Reshape", "Squeeze", "Unsqueeze", "Broadcast"})


def _is_nop(node: Op) -> bool:
    if not node.inputs or node.get_output_size() != 1:
        return False
    src, out = node.inputs[0], node.output(0)
    if src.element_type is not out.element_type:
        return False
    kind = node.type_name
    if kind in ("Convert", "ConvertLike"):
        return not is_decompression(node)
    if kind in ("Identity",) or (kind == "Concat" and len(node.inputs) == 1):
        return True
    if kind in _SAME_SHAPE_OPS:
        return out.partial_shape.is_static and out.partial_shape == src.partial_shape
    if kind == "Transpose" and len(node.inputs) == 2:
        order = constant_value(node.inputs[1])
        return order is not None and np.array_equal(
            np.asarray(order).reshape(-1), np.arange(np.size(order))
        )
    return False


def run(model: Model) -> bool:
    """Bypass every no-op node of ``model``; True if any was removed."""
    changed = False
    users = consumers_of(model)
    for node in model.get_ordered_ops():
        if _is_nop(node) and not feeds_result(node.output(0), users.get(id(node), [])):
            model.replace_output(node.output(0), node.inputs[0])
            changed = True
    return changed
