"""The op table of the GPU plugin: which op types have a kernel and how each is lowered.

Each family module exports ``LOWER`` (type name -> ``lower(lowering, node, region)`` returning
the node's output tensors) and ``SUPPORTS`` (type name -> predicate on a node: attributes,
constant inputs, element types). ``query_model`` claims exactly what ``supports`` accepts.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pyvino import Op

from pyvino_gpu.kernels import (
    conv,
    eltwise,
    interpolate,
    matmul,
    movement,
    nms,
    pool,
    reduce,
    rnn,
)
from pyvino_gpu.kernels._common import FLOAT_TYPES, INT_CTYPES
from pyvino_gpu.kernels._support import bounded_outputs, static_shapes
from pyvino_gpu.kernels.eltwise import BINARY, SCALAR_INPUTS, UNARY
from pyvino_gpu.kernels.nms import DATA_DEPENDENT

_FAMILIES = [conv, eltwise, interpolate, matmul, movement, nms, pool, reduce, rnn]

LOWERINGS: dict[str, Callable[..., Any]] = {}
SUPPORTS: dict[str, Callable[[Op], bool]] = {}
for _family in _FAMILIES:
    LOWERINGS.update(_family.LOWER)
    SUPPORTS.update(_family.SUPPORTS)

# Ops whose kernels apply a fused elementwise region before storing their output.
ANCHORS = (
    set(UNARY)
    | set(BINARY)
    | {
        "Convolution",
        "GroupConvolution",
        "MatMul",
        "MaxPool",
        "AvgPool",
        "Softmax",
        "LogSoftmax",
        "MVN",
        "ReduceMean",
        "ReduceSum",
        "ReduceMax",
        "ReduceMin",
        "ReduceProd",
        "ReduceL1",
        "ReduceL2",
        "Interpolate",
    }
)


def supports(node: Op) -> bool:
    """True if ``node`` has a GPU kernel (or is a view) for its attributes and types."""
    check = SUPPORTS.get(node.type_name)
    if check is None:
        return False
    if not static_shapes(node) and not (node.type_name in DATA_DEPENDENT and bounded_outputs(node)):
        return False
    for port in range(node.get_output_size()):
        etype = node.get_output_element_type(port).name
        if etype not in FLOAT_TYPES and etype not in INT_CTYPES:
            return False
    return check(node)


def bounded_result(node: Op) -> bool:
    """A Result of a data-dependent output (NonMaxSuppression's rows) that has a GPU kernel:
    the request returns only the valid rows."""
    src = node.inputs[0].node
    return src.type_name in DATA_DEPENDENT and supports(src)


def is_region_member(node: Op, shape: tuple[int, ...], consts: dict[tuple[int, int], Any]) -> bool:
    """Can ``node`` join an elementwise region whose values have ``shape``?"""
    if node.type_name not in UNARY and node.type_name not in BINARY:
        return False
    if node.get_output_size() != 1 or node.get_output_element_type(0).name not in FLOAT_TYPES:
        return False
    if not static_shapes(node) or tuple(node.get_output_partial_shape(0).to_shape()) != shape:
        return False
    if node.attrs.get("auto_broadcast", "numpy") not in ("numpy", "none"):
        return False
    if node.type_name == "BatchNormInference":
        data = 2 if node.op_version() == 1 else 0
        return all((id(i.node), i.index) in consts for p, i in enumerate(node.inputs) if p != data)
    for port in SCALAR_INPUTS.get(node.type_name, ()):
        if port < len(node.inputs):
            value = consts.get((id(node.inputs[port].node), node.inputs[port].index))
            if value is None or value.size != 1:
                return False
    return True
