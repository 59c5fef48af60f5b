"""Where FakeQuantize goes: inputs of Convolution, GroupConvolution and MatMul, and their weights.

A target's weights are any input computed from constants only (a Constant, possibly through
decompression Converts or Reshapes); its other inputs are activations. ``IgnoredScope``
(as ``nncf.IgnoredScope``) leaves nodes in floating point by name, regex pattern or type.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from pyvino._core_ops import Result
from pyvino._model import Model
from pyvino._node import Op, Output
from pyvino._reference import evaluate_model

QUANTIZABLE = ("Convolution", "GroupConvolution", "MatMul")


@dataclass(frozen=True)
class IgnoredScope:
    """Nodes to keep in floating point: exact ``names``, regex ``patterns``, op ``types``."""

    names: tuple[str, ...] = ()
    patterns: tuple[str, ...] = ()
    types: tuple[str, ...] = ()

    def matches(self, node: Op) -> bool:
        name = node.friendly_name
        return (
            name in self.names
            or node.type_name in self.types
            or any(re.fullmatch(p, name) for p in self.patterns)
        )


def as_ignored_scope(value: Any) -> IgnoredScope:
    """An IgnoredScope from None, an IgnoredScope, a dict of its fields, or a list of names."""
    if value is None:
        return IgnoredScope()
    if isinstance(value, IgnoredScope):
        return value
    if isinstance(value, Mapping):
        return IgnoredScope(**{k: tuple(v) for k, v in value.items()})
    if isinstance(value, Iterable) and not isinstance(value, str):
        return IgnoredScope(names=tuple(value))
    return IgnoredScope(names=(str(value),))


@dataclass
class Target:
    """One node to quantize: which inputs are activations, which is weights (with its data)."""

    node: Op
    activation_ports: list[int] = field(default_factory=list)
    weight_port: int | None = None
    weight: np.ndarray | None = None

    def channel_axes(self) -> tuple[int, ...]:
        """Weight axes that index output channels (one scale per index along them)."""
        assert self.weight is not None
        rank = self.weight.ndim
        kind = self.node.type_name
        if kind == "Convolution":
            return (0,)
        if kind == "GroupConvolution":
            return (0, 1)
        if rank < 2 or self.weight_port != 1:
            return ()
        return (rank - 2,) if self.node.attrs.get("transpose_b") else (rank - 1,)


def variable_nodes(model: Model) -> set[int]:
    """Ids of the nodes whose value depends on a model input (or on state)."""
    variable: set[int] = set()
    for node in model.get_ordered_ops():
        if (node.type_name != "Constant" and not node.inputs) or any(
            id(i.node) in variable for i in node.inputs
        ):
            variable.add(id(node))
    return variable


def constant_source(output: Output, variable: set[int]) -> np.ndarray | None:
    """The value of ``output`` if it depends on constants only, else None."""
    if id(output.node) in variable:
        return None
    if output.node.type_name == "Constant":
        return output.node.evaluate()[0]
    try:
        return evaluate_model(Model([Result([output])], [], "weights"), [])[0]
    except Exception:  # an op without a reference evaluate: leave it alone
        return None


def find_targets(model: Model, ignored: IgnoredScope) -> tuple[list[Target], list[Op]]:
    """Targets in execution order, and the quantizable nodes the ignored scope skipped."""
    targets, skipped = [], []
    variable = variable_nodes(model)
    for node in model.get_ordered_ops():
        if node.type_name not in QUANTIZABLE:
            continue
        if ignored.matches(node):
            skipped.append(node)
            continue
        target = Target(node)
        for port, src in enumerate(node.inputs):
            if not src.element_type.is_real:
                continue
            if id(src.node) in variable:
                target.activation_ports.append(port)
                continue
            value = constant_source(src, variable) if target.weight_port is None else None
            if value is not None and value.dtype.kind == "f":
                target.weight_port, target.weight = port, value.astype(np.float32)
        if target.activation_ports or target.weight_port is not None:
            targets.append(target)
    return targets, skipped
