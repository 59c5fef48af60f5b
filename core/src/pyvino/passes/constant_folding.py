"""Constant folding: a node whose inputs are all Constants becomes Constants of its outputs.

Values come from the op's reference ``evaluate``. The folded Constant takes the node's friendly
name (``name.i`` for output ``i`` of a multi-output node); tensor names and port rt_info move
to it. Not folded: decompression Converts (``Const f16 -> Convert`` stays, as OpenVINO keeps
it), ops with random or stateful results, nodes whose outputs are not static or hold more than
``MAX_FOLDED_ELEMENTS`` values, and ops whose ``evaluate`` is missing or fails.
"""

from __future__ import annotations

import copy

import numpy as np

from pyvino._core_ops import Constant, Parameter, Result
from pyvino._model import Model
from pyvino._node import Op
from pyvino.passes._graph import constant_value, is_decompression, replace_with_constant

MAX_FOLDED_ELEMENTS = 1 << 22
NEVER_FOLDED = frozenset({"RandomUniform", "ReadValue", "Assign", "Multinomial"})


def _foldable(node: Op) -> bool:
    if isinstance(node, (Parameter, Constant, Result)) or not node.inputs:
        return False
    if node.type_name in NEVER_FOLDED or is_decompression(node):
        return False
    if any(constant_value(src) is None for src in node.inputs):
        return False
    shapes = [node.get_output_partial_shape(i) for i in range(node.get_output_size())]
    if not all(s.is_static for s in shapes):
        return False
    return sum(int(np.prod(s.to_shape())) for s in shapes) <= MAX_FOLDED_ELEMENTS


def _evaluate(node: Op) -> tuple[np.ndarray, ...] | None:
    values = [constant_value(src) for src in node.inputs]
    try:
        with np.errstate(all="ignore"):
            outputs = node.evaluate(*values)
    except Exception:  # an op without (or with a failing) reference stays in the graph
        return None
    if len(outputs) != node.get_output_size():
        return None
    for i, value in enumerate(outputs):
        if tuple(np.shape(value)) != node.get_output_partial_shape(i).to_shape():
            return None
    return tuple(outputs)


def run(model: Model) -> bool:
    """Fold every foldable node of ``model`` in place; True if anything changed."""
    changed = False
    for node in model.get_ordered_ops():
        if not _foldable(node):
            continue
        outputs = _evaluate(node)
        if outputs is None:
            continue
        single = node.get_output_size() == 1
        for i, value in enumerate(outputs):
            name = node.friendly_name if single else f"{node.friendly_name}.{i}"
            const = replace_with_constant(model, node.output(i), value, name)
            const.rt_info.update(copy.deepcopy(node.rt_info))
        changed = True
    return changed
