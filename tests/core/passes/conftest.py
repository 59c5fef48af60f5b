"""Fixtures of the pass tests: the opset registry, an op lookup and a tiny graph evaluator."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pytest
import pyvino
from pyvino import Op, OpsetRegistry
from pyvino_opsets import OPSETS


@pytest.fixture(scope="session")
def registry() -> OpsetRegistry:
    reg = OpsetRegistry()
    for opset in OPSETS:
        reg.add(opset)
    return reg


@pytest.fixture(scope="session")
def ops(registry: OpsetRegistry) -> Callable[..., type[Op]]:
    """``ops("Add")`` is the opset15 class; ``ops("BatchNormInference", 1)`` an older one."""
    return lambda type_name, opset=15: registry.lookup(type_name, f"opset{opset}")


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


def types_of(model: pyvino.Model) -> list[str]:
    return [n.type_name for n in model.get_ordered_ops()]


@pytest.fixture(scope="session")
def op_types() -> Callable[[pyvino.Model], list[str]]:
    return types_of
