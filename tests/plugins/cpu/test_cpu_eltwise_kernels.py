"""Elementwise block programs (every opcode, broadcasting), Softmax, MVN and MatMul kernels."""

from __future__ import annotations

import numpy as np
import pytest
import pyvino
from pyvino import Model

from .conftest import rand

ops = pyvino.opset15
UNARY = [
    "relu",
    "sigmoid",
    "tanh",
    "exp",
    "erf",
    "abs",
    "negative",
    "floor",
    "ceiling",
    "hswish",
    "hsigmoid",
    "mish",
    "softplus",
    "softsign",
    "sin",
    "cos",
]


@pytest.mark.parametrize("name", UNARY)
def test_unary(check, name):
    x = ops.parameter([2, 3, 33], "f32", name="x")
    y = getattr(ops, name)(x, name="y")
    data = rand(2, 3, 33, seed=1, scale=3.0)
    assert check(Model([y], [x]), [data])["y"] == ("EXECUTED", "jit_eltwise_FP32")


@pytest.mark.parametrize("name", ["log", "sqrt"])
def test_unary_positive_domain(check, name):
    x = ops.parameter([4, 50], "f32", name="x")
    y = getattr(ops, name)(x, name="y")
    check(Model([y], [x]), [np.abs(rand(4, 50, seed=2)) + 0.1])


@pytest.mark.parametrize(
    ("build", "name"),
    [
        (lambda x: ops.clamp(x, min=-0.5, max=1.5, name="y"), "clamp"),
        (lambda x: ops.elu(x, alpha=0.7, name="y"), "elu"),
        (lambda x: ops.gelu(x, approximation_mode="TANH", name="y"), "gelu_tanh"),
        (lambda x: ops.gelu(x, approximation_mode="ERF", name="y"), "gelu_erf"),
        (lambda x: ops.swish(x, np.float32(1.7), name="y"), "swish"),
        (lambda x: ops.prelu(x, rand(3, seed=3), name="y"), "prelu_per_channel"),
        (lambda x: ops.selu(x, np.float32(1.67), np.float32(1.05), name="y"), "selu"),
        (lambda x: ops.hard_sigmoid(x, np.float32(0.2), np.float32(0.5), name="y"), "hard_sigmoid"),
    ],
)
def test_parametric(check, build, name):
    x = ops.parameter([2, 3, 4, 5], "f32", name="x")
    types = check(Model([build(x)], [x]), [rand(2, 3, 4, 5, seed=4, scale=2.0)])
    assert types["y"] == ("EXECUTED", "jit_eltwise_FP32")


@pytest.mark.parametrize("other", [(1, 6, 1, 1), (7,), (2, 6, 5, 1), (), (2, 1, 5, 7), (6, 1, 7)])
@pytest.mark.parametrize(
    "name", ["add", "subtract", "multiply", "divide", "maximum", "minimum", "squared_difference"]
)
def test_binary_broadcasting(check, name, other):
    x = ops.parameter([2, 6, 5, 7], "f32", name="x")
    b = ops.parameter(list(other), "f32", name="b")
    y = getattr(ops, name)(x, b, name="y")
    b_data = rand(*other, seed=5) if other else np.float32(0.75)
    if name == "divide":
        b_data = np.abs(b_data) + np.float32(0.5)
    check(Model([y], [x, b]), [rand(2, 6, 5, 7, seed=6), np.asarray(b_data, np.float32)])


def test_power_and_a_long_chain_in_one_kernel(check):
    x = ops.parameter([3, 1000], "f32", name="x")
    a = ops.power(ops.abs(x), np.float32(1.5))
    b = ops.multiply(ops.tanh(a), ops.sigmoid(x))
    y = ops.add(ops.divide(b, np.float32(3.0)), ops.subtract(np.float32(1.0), x), name="y")
    types = check(Model([y], [x]), [rand(3, 1000, seed=7)])
    assert types["y"] == ("EXECUTED", "jit_eltwise_FP32")
    executed = [n for n, (status, _) in types.items() if status == "EXECUTED"]
    assert executed == ["y"]


@pytest.mark.parametrize(("shape", "axis"), [((4, 37), 1), ((2, 3, 8, 5), -1), ((2, 7, 5), 1)])
def test_softmax(check, shape, axis):
    x = ops.parameter(list(shape), "f32", name="x")
    y = ops.softmax(x, axis=axis, name="y")
    assert check(Model([y], [x]), [rand(*shape, seed=8, scale=4.0)])["y"][1] == "numba_softmax_FP32"


@pytest.mark.parametrize("eps_mode", ["INSIDE_SQRT", "OUTSIDE_SQRT"])
@pytest.mark.parametrize("normalize_variance", [True, False])
def test_mvn(check, eps_mode, normalize_variance):
    x = ops.parameter([2, 3, 4, 6], "f32", name="x")
    y = ops.mvn(
        x,
        np.array([2, 3], np.int64),
        eps=1e-5,
        normalize_variance=normalize_variance,
        eps_mode=eps_mode,
        name="y",
    )
    assert check(Model([y], [x]), [rand(2, 3, 4, 6, seed=9)])["y"][1] == "numba_mvn_FP32"


@pytest.mark.parametrize(
    ("a_shape", "b_shape", "ta", "tb", "const_b"),
    [
        ((1, 16, 32), (32, 8), False, False, True),
        ((16, 32), (8, 32), False, True, True),
        ((3, 32, 16), (32, 8), True, False, True),
        ((2, 4, 16, 8), (2, 4, 8, 5), False, False, False),
        ((2, 4, 16, 8), (2, 4, 5, 8), False, True, False),
        ((2, 1, 16, 8), (3, 8, 4), False, False, False),
    ],
)
def test_matmul(check, a_shape, b_shape, ta, tb, const_b):
    a = ops.parameter(list(a_shape), "f32", name="a")
    params, inputs = [a], [rand(*a_shape, seed=10)]
    if const_b:
        b = rand(*b_shape, seed=11)
    else:
        b = ops.parameter(list(b_shape), "f32", name="b")
        params.append(b)
        inputs.append(rand(*b_shape, seed=11))
    y = ops.matmul(a, b, transpose_a=ta, transpose_b=tb, name="y")
    assert check(Model([y], params), inputs)["y"] == ("EXECUTED", "gemm_FP32")
