"""Elementwise formulas and broadcasting against numpy, as fused regions and standalone."""

from __future__ import annotations

import math

import numpy as np
import pyvino

ops = pyvino.opset8
erf = np.vectorize(math.erf)


def sigmoid(x: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-x))


def softplus(x: np.ndarray) -> np.ndarray:
    return np.log1p(np.exp(x))


def test_unary_chains(gpu, rand) -> None:
    """Chains of unary ops: each chain is one kernel, checked against numpy formulas."""
    x = ops.parameter([3, 7, 5], "f32", name="x")
    xv = rand(3, 7, 5)
    chains = [
        (lambda v: ops.tanh(ops.sigmoid(ops.relu(v))), lambda v: np.tanh(sigmoid(np.maximum(v, 0)))),
        (lambda v: ops.elu(ops.negative(ops.abs(v)), alpha=0.7),
         lambda v: np.where(-abs(v) > 0, -abs(v), 0.7 * (np.exp(-abs(v)) - 1))),
        (lambda v: ops.hsigmoid(ops.h_swish(ops.clamp(v, min=-2.5, max=1.5))),
         lambda v: (lambda c: np.clip(c * np.clip(c + 3, 0, 6) / 6 + 3, 0, 6) / 6)(np.clip(v, -2.5, 1.5))),
        (lambda v: ops.mish(ops.soft_plus(v)), lambda v: (lambda s: s * np.tanh(softplus(s)))(softplus(v))),
        (lambda v: ops.gelu(ops.exp(ops.sin(v)), approximation_mode="ERF"),
         lambda v: (lambda e: 0.5 * e * (1 + erf(e / np.sqrt(2))))(np.exp(np.sin(v)))),
        (lambda v: ops.sqrt(ops.log(ops.add(ops.floor(ops.cos(v)), np.float32(2.5)))),
         lambda v: np.sqrt(np.log(np.floor(np.cos(v)) + 2.5))),
        (lambda v: ops.swish(ops.ceiling(v), np.float32(0.75)),
         lambda v: np.ceil(v) * sigmoid(0.75 * np.ceil(v))),
    ]
    model = pyvino.Model([build(x) for build, _ in chains], [x], "unary")
    expected = [ref(xv.astype(np.float64)) for _, ref in chains]
    compiled = gpu.check(model, [xv], expected)
    assert len(compiled.backend.plan.launches) == len(chains)


def test_binary_broadcasting(gpu, rand) -> None:
    a = ops.parameter([2, 3, 4, 5], "f32", name="a")
    b = ops.parameter([3, 1, 5], "f32", name="b")
    av, bv = rand(2, 3, 4, 5), rand(3, 1, 5)
    c1, c4 = rand(5), rand(1, 3, 1, 1)
    outs = [
        ops.add(a, b), ops.subtract(b, a), ops.multiply(a, c1), ops.divide(a, np.float32(3.0)),
        ops.maximum(a, c4), ops.minimum(b, a), ops.squared_difference(a, b),
        ops.power(ops.abs(a), np.float32(1.7)), ops.prelu(a, np.float32([0.1, 0.2, 0.3])),
    ]
    expected = [av + bv, bv - av, av * c1, av / 3, np.maximum(av, c4), np.minimum(bv, av),
                (av - bv) ** 2, np.abs(av) ** 1.7,
                np.where(av >= 0, av, av * np.float32([0.1, 0.2, 0.3]).reshape(3, 1, 1))]
    gpu.check(pyvino.Model(outs, [a, b], "binary"), [av, bv], expected)


def test_diamond_regions_fuse(gpu, rand) -> None:
    """x*sigmoid(x) (SiLU as exported) and the erf form of Gelu become single kernels."""
    x = ops.parameter([4, 33], "f32", name="x")
    w = rand(33, 40)
    h = ops.matmul(x, w, transpose_a=False, transpose_b=False)
    silu = ops.multiply(h, ops.sigmoid(h))
    g = ops.multiply(ops.multiply(silu, np.float32(0.5)),
                     ops.add(ops.erf(ops.divide(silu, np.float32(math.sqrt(2)))), np.float32(1)))
    xv = rand(4, 33)
    hv = xv.astype(np.float64) @ w
    sv = hv * sigmoid(hv)
    compiled = gpu.check(pyvino.Model([g], [x], "diamond"), [xv],
                         [sv * 0.5 * (1 + erf(sv / np.sqrt(2)))])
    (launch,) = compiled.backend.plan.launches
    assert launch.node_type == "MatMul" and len(launch.fused) == 7


def test_convert_from_int_mask(gpu) -> None:
    """The BERT mask idiom: i64 input -> Convert -> (1 - m) * -10000."""
    m = ops.parameter([1, 9], "i64", name="mask")
    bias = ops.multiply(ops.subtract(np.float32(1), ops.convert(m, destination_type="f32")),
                        np.float32(-10000))
    mv = np.array([[1, 1, 1, 0, 1, 0, 0, 1, 1]], np.int64)
    gpu.check(pyvino.Model([bias], [m], "mask"), [mv], [(1 - mv) * -10000.0])
