"""Helpers of the ``SUPPORTS`` predicates: static shapes, constant inputs, element types."""

from __future__ import annotations

from typing import Any

from pyvino import Op

from pyvino_gpu.kernels._common import FLOAT_TYPES

_MAX_DEPTH = 8


def static_shapes(node: Op) -> bool:
    """Every input and output shape is static and non-empty (shapes are baked into kernels)."""
    shapes = [i.partial_shape for i in node.inputs]
    shapes += [node.get_output_partial_shape(p) for p in range(node.get_output_size())]
    for s in shapes:
        if not s.is_static or 0 in s.to_shape():
            return False
    return True


def bounded_outputs(node: Op) -> bool:
    """Static non-empty inputs, and outputs of static rank whose dimensions all have an upper
    bound (data-dependent row counts: the kernel fills a buffer of the bound)."""
    for s in [i.partial_shape for i in node.inputs]:
        if not s.is_static or 0 in s.to_shape():
            return False
    for p in range(node.get_output_size()):
        s = node.get_output_partial_shape(p)
        if not s.rank_is_static or any(d.max <= 0 for d in s):
            return False
    return True


def _constant(node: Op, depth: int) -> bool:
    """Bounded search: a Constant, a ShapeOf of a static shape, or built only from those.
    (It never calls ``Op.input_value``, which walks the whole graph up to the Parameters.)"""
    if node.type_name == "Constant":
        return True
    if node.type_name == "ShapeOf":
        return node.inputs[0].partial_shape.is_static
    if node.type_name == "Parameter" or depth >= _MAX_DEPTH or not node.inputs:
        return False
    return all(_constant(i.node, depth + 1) for i in node.inputs)


def is_constant(node: Op, port: int) -> bool:
    """Input ``port`` is known when compiling (a Constant or a small foldable subgraph)."""
    return port < len(node.inputs) and _constant(node.inputs[port].node, 0)


def const_value(node: Op, port: int) -> Any:
    """The value of a constant input (axes, perm, scales...), or None."""
    return node.input_value(port) if is_constant(node, port) else None


def float_data(node: Op, ports: tuple[int, ...] = (0,)) -> bool:
    """The given inputs and every output are of a float element type."""
    types = [node.input_type(p).name for p in ports if p < len(node.inputs)]
    types += [node.get_output_element_type(p).name for p in range(node.get_output_size())]
    return all(t in FLOAT_TYPES for t in types)
