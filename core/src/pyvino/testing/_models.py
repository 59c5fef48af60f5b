"""Small models the conformance kit runs on every device, built with the opset builder."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from pyvino._model import Model
from pyvino._plugins import default_manager
from pyvino._types import Type


def _cnn() -> Model:
    """Convolution -> Relu -> Add -> MaxPool -> Reshape -> MatMul -> Softmax."""
    ops = default_manager().registry.builder("opset8")
    rng = np.random.default_rng(7)
    x = ops.parameter([1, 3, 8, 8], "f32", name="image")
    w = rng.standard_normal((4, 3, 3, 3)).astype(np.float32) * 0.3
    conv = ops.convolution(x, w, strides=[1, 1], pads_begin=[1, 1], pads_end=[1, 1],
                           dilations=[1, 1], name="conv")
    relu = ops.relu(conv, name="relu")
    bias = rng.standard_normal((1, 4, 1, 1)).astype(np.float32)
    add = ops.add(relu, bias, name="add")
    pool = ops.max_pool(add, strides=[2, 2], pads_begin=[0, 0], pads_end=[0, 0],
                        kernel=[2, 2], dilations=[1, 1], name="pool")
    flat = ops.reshape(pool.output(0), np.array([1, 64], np.int64), special_zero=False, name="flatten")
    fc = rng.standard_normal((64, 10)).astype(np.float32) * 0.2
    logits = ops.matmul(flat, fc, transpose_a=False, transpose_b=False, name="fc")
    prob = ops.softmax(logits, axis=1, name="prob")
    prob.output(0).set_names(["prob"])
    return Model([prob], [x], "conformance_cnn")


def _two_inputs() -> Model:
    """Two inputs and two outputs: (a * b, a - b), checks port order and names."""
    ops = default_manager().registry.builder("opset8")
    a = ops.parameter([2, 5], "f32", name="a")
    b = ops.parameter([2, 5], "f32", name="b")
    mul = ops.multiply(a, b, name="mul")
    sub = ops.subtract(a, b, name="sub")
    mul.output(0).set_names(["product"])
    sub.output(0).set_names(["difference"])
    return Model([mul, sub], [a, b], "conformance_two_io")


MODELS: dict[str, Callable[[], Model]] = {"cnn": _cnn, "two_io": _two_inputs}


def conformance_models() -> dict[str, Callable[[], Model]]:
    return dict(MODELS)


def random_inputs(model: Model, seed: int = 0) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    out = []
    for port in model.inputs:
        shape = port.partial_shape.to_shape()
        if port.element_type.is_real:
            out.append(rng.standard_normal(shape).astype(port.element_type.dtype))
        else:
            out.append(rng.integers(0, 4, shape).astype(port.element_type.dtype))
    return out


def tolerance_for(precision: Type | str | None) -> tuple[float, float]:
    """(rtol, atol) for comparing a device with the reference at an inference precision."""
    t = Type.get(precision) if precision else Type.f32
    if t in (Type.f16, Type.bf16):
        return 2e-2, 2e-2
    return 1e-4, 1e-5
