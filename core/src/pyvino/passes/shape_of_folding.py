"""ShapeOf folding: ``ShapeOf(x)`` with a static shape of ``x`` becomes a Constant.

Constant folding cannot do this (``x`` is usually not constant); running it first lets constant
folding collapse the shape arithmetic that follows (Gather, Concat, Reshape targets, ...).
The Constant keeps ShapeOf's element type (i64, or i32 for ShapeOf-3 ``output_type``), its
friendly name and tensor names.
"""

from __future__ import annotations

import numpy as np

from pyvino._model import Model
from pyvino.passes._graph import replace_with_constant


def run(model: Model) -> bool:
    """Replace every ShapeOf of a statically shaped tensor; True if any was replaced."""
    changed = False
    for node in model.get_ordered_ops():
        if node.type_name != "ShapeOf" or len(node.inputs) != 1:
            continue
        shape = node.inputs[0].partial_shape
        if not shape.is_static:
            continue
        value = np.array(shape.to_shape(), dtype=np.int64)
        replace_with_constant(model, node.output(0), value, node.friendly_name)
        changed = True
    return changed
