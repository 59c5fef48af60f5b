"""Shared fixtures of the opset tests: opset builders and an ONNX reference oracle."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import onnx
import pytest
import pyvino
from onnx import helper
from onnx.reference import ReferenceEvaluator
from pyvino_opsets import OPSETS


@pytest.fixture(scope="session")
def registry() -> pyvino.OpsetRegistry:
    reg = pyvino.OpsetRegistry()
    for opset in OPSETS:
        reg.add(opset)
    return reg


@pytest.fixture(scope="session")
def opset(registry: pyvino.OpsetRegistry) -> Callable[[int], pyvino.OpsetBuilder]:
    """``opset(8)`` is a builder of opset8 ops (``opset(8).convolution(...)``)."""
    return lambda n: registry.builder(f"opset{n}")


def run_onnx_node(
    op_type: str, inputs: list[np.ndarray | None], n_outputs: int = 1, opset: int = 21, **attrs: Any
) -> list[np.ndarray]:
    """Run one ONNX node with onnx.reference (an independent oracle); None = omitted input."""
    names = [f"in{i}" if x is not None else "" for i, x in enumerate(inputs)]
    outs = [f"out{i}" for i in range(n_outputs)]
    node = helper.make_node(op_type, names, outs, **attrs)
    graph_inputs = [
        helper.make_tensor_value_info(n, helper.np_dtype_to_tensor_dtype(x.dtype), x.shape)
        for n, x in zip(names, inputs, strict=False)
        if x is not None
    ]
    graph_outputs = [
        helper.make_tensor_value_info(o, onnx.TensorProto.UNDEFINED, None) for o in outs
    ]
    graph = helper.make_graph([node], "g", graph_inputs, graph_outputs)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
    feeds = {n: x for n, x in zip(names, inputs, strict=False) if x is not None}
    return list(ReferenceEvaluator(model).run(None, feeds))


@pytest.fixture(scope="session")
def onnx_ref() -> Callable[..., list[np.ndarray]]:
    return run_onnx_node
