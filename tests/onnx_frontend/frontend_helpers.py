"""Build small ONNX models and run them through pyvino and through onnx.reference."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper
from onnx.reference import ReferenceEvaluator
from pyvino import Model
from pyvino.frontend.onnx import convert_onnx
from pyvino.frontend.onnx._evaluate import evaluate_model

F = TensorProto.FLOAT


def tensor(name: str, shape: Sequence[Any] | None, elem: int = F) -> onnx.ValueInfoProto:
    return helper.make_tensor_value_info(name, elem, shape)


def make_model(
    nodes: Sequence[onnx.NodeProto],
    inputs: Sequence[onnx.ValueInfoProto],
    outputs: Sequence[onnx.ValueInfoProto],
    opset: int = 17,
    initializers: Sequence[tuple[str, np.ndarray]] = (),
    ir_version: int | None = None,
    name: str = "test",
) -> onnx.ModelProto:
    inits = [numpy_helper.from_array(v, n) for n, v in initializers]
    graph = helper.make_graph(list(nodes), name, list(inputs), list(outputs), inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
    if ir_version is not None:
        model.ir_version = ir_version
    return model


def single(
    op: str,
    inputs: Sequence[tuple[str, Sequence[int]]],
    opset: int,
    n_out: int = 1,
    initializers: Sequence[tuple[str, np.ndarray]] = (),
    **attrs: Any,
) -> onnx.ModelProto:
    """A model with one node ``op`` reading graph inputs (or initializers) by name."""
    names = [n for n, _ in inputs] + [n for n, _ in initializers]
    outs = [f"y{i}" for i in range(n_out)]
    node = helper.make_node(op, names, outs, name=f"{op.lower()}_node", **attrs)
    return make_model(
        [node],
        [tensor(n, s) for n, s in inputs],
        [tensor(o, None) for o in outs],
        opset=opset,
        initializers=initializers,
    )


def run_pyvino(
    model: onnx.ModelProto | Model, feeds: Sequence[np.ndarray], registry: Any, **options: Any
) -> list[np.ndarray]:
    converted = (
        model if isinstance(model, Model) else convert_onnx(model, registry=registry, **options)
    )
    return evaluate_model(converted, list(feeds))


def run_reference(model: onnx.ModelProto, feeds: Sequence[np.ndarray]) -> list[np.ndarray]:
    names = [
        i.name for i in model.graph.input if i.name not in {t.name for t in model.graph.initializer}
    ]
    return list(ReferenceEvaluator(model).run(None, dict(zip(names, feeds, strict=True))))


def assert_matches_reference(
    model: onnx.ModelProto, feeds: Sequence[np.ndarray], registry: Any
) -> list[np.ndarray]:
    ours = run_pyvino(model, feeds, registry)
    expected = run_reference(model, feeds)
    assert len(ours) == len(expected)
    for a, b in zip(ours, expected, strict=True):
        assert a.shape == b.shape and a.dtype == b.dtype, (a.shape, a.dtype, b.shape, b.dtype)
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-5)
    return ours
