"""Fixtures of the IR tests: the opset registry, a tiny graph evaluator and the fixture files.

The registry is pyvino_opsets' OPSETS; the few ops these tests need that the opsets package
may not provide yet (Relu, Softmax, PRelu) are filled in by minimal test-only classes, added
only where the real opset lacks the type.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import pytest
import pyvino
from pyvino import Attr, Op, Opset, OpsetRegistry, PartialShape, Type
from pyvino._attrs import INT
from pyvino_opsets import OPSETS

FIXTURES = Path(__file__).parent / "fixtures"


class _Relu1(Op):
    type_name = "Relu"
    version_id = "opset1"
    num_inputs = 1

    def infer(self) -> list[tuple[Type, PartialShape]]:
        return [(self.input_type(0), self.input_shape(0))]

    def evaluate(self, x: np.ndarray) -> tuple[np.ndarray, ...]:
        return (np.maximum(x, 0).astype(x.dtype),)


class _Softmax1(Op):
    type_name = "Softmax"
    version_id = "opset1"
    attributes = (Attr("axis", INT, 1),)
    num_inputs = 1

    def infer(self) -> list[tuple[Type, PartialShape]]:
        return [(self.input_type(0), self.input_shape(0))]


class _PRelu1(Op):
    type_name = "PRelu"
    version_id = "opset1"
    num_inputs = 2

    def infer(self) -> list[tuple[Type, PartialShape]]:
        return [(self.input_type(0), self.input_shape(0))]


_FALLBACK_OPS = (_Relu1, _Softmax1, _PRelu1)


def build_registry() -> OpsetRegistry:
    reg = OpsetRegistry()
    for opset in OPSETS:
        reg.add(opset)
    for op in _FALLBACK_OPS:
        for opset in OPSETS:
            if op.type_name not in opset:
                reg.add(Opset(opset.name, [op]), origin="tests/core/ir")
    return reg


@pytest.fixture(scope="session")
def registry() -> OpsetRegistry:
    return build_registry()


@pytest.fixture(scope="session")
def ops(registry: OpsetRegistry) -> Callable[[str], type[Op]]:
    """``ops("Convolution")``: the opset15 class of a type (from the registry)."""
    return lambda type_name: registry.lookup(type_name, "opset15")


def run_model(model: pyvino.Model, inputs: Sequence[np.ndarray]) -> list[np.ndarray]:
    """Evaluate ``model`` node by node with each op's reference ``evaluate``."""
    values: dict[tuple[int, int], np.ndarray] = {}
    params = {id(p): x for p, x in zip(model.get_parameters(), inputs, strict=True)}
    for node in model.get_ordered_ops():
        if id(node) in params:
            outs: tuple[np.ndarray, ...] = (params[id(node)],)
        else:
            outs = node.evaluate(*(values[(id(i.node), i.index)] for i in node.inputs))
        for k, value in enumerate(outs):
            values[(id(node), k)] = value
    return [values[(id(r), 0)] for r in model.get_results()]


@pytest.fixture(scope="session")
def evaluate() -> Callable[[pyvino.Model, Sequence[np.ndarray]], list[np.ndarray]]:
    return run_model


@pytest.fixture(scope="session")
def fixtures() -> Path:
    return FIXTURES
