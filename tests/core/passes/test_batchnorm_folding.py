"""BatchNorm folding: the folded model matches BN(conv(x)) computed by hand."""

from __future__ import annotations

import numpy as np
import pytest
from pyvino import Constant, Model, Parameter, Type
from pyvino.passes import batchnorm_folding

RNG = np.random.default_rng(7)
EPS = 1e-3


def conv_nchw(x: np.ndarray, w: np.ndarray, groups: int = 1) -> np.ndarray:
    """Valid 3x3 (any K) grouped cross-correlation, stride 1, by explicit window sums."""
    n, c, h, wd = x.shape
    o, cg, kh, kw = w.shape
    out = np.zeros((n, o, h - kh + 1, wd - kw + 1))
    per_group = o // groups
    for oc in range(o):
        g = oc // per_group
        xs = x[:, g * cg : (g + 1) * cg]
        for i in range(out.shape[2]):
            for j in range(out.shape[3]):
                out[:, oc, i, j] = (xs[:, :, i : i + kh, j : j + kw] * w[oc]).sum(axis=(1, 2, 3))
    return out


def bn_params(c):
    gamma = RNG.uniform(0.5, 2.0, c)
    beta = RNG.standard_normal(c)
    mean = RNG.standard_normal(c)
    var = RNG.uniform(0.1, 3.0, c)
    return gamma, beta, mean, var


def f32(values, name):
    return Constant(np.asarray(values, np.float32), Type.f32, name)


def build(ops, bn_version, grouped):
    x = Parameter(Type.f32, [1, 4, 6, 6], "x")
    if grouped:  # depthwise: [G=4, 1, 1, 3, 3]
        w = RNG.standard_normal((4, 1, 1, 3, 3)).astype(np.float32)
        conv = ops("GroupConvolution")([x, f32(w, "w")], _conv_attrs(), "conv")
        w_flat, groups = w.reshape(4, 1, 3, 3), 4
    else:
        w = RNG.standard_normal((3, 4, 3, 3)).astype(np.float32)
        conv = ops("Convolution")([x, f32(w, "w")], _conv_attrs(), "conv")
        w_flat, groups = w, 1
    c = conv.get_output_partial_shape(0)[1].get_length()
    gamma, beta, mean, var = bn_params(c)
    g, b, m, v = (f32(p, n) for p, n in zip((gamma, beta, mean, var), "gbmv", strict=True))
    inputs = [g, b, conv, m, v] if bn_version == 1 else [conv, g, b, m, v]
    bn = ops("BatchNormInference", bn_version)(inputs, {"epsilon": EPS}, "bn")
    bn.output(0).set_names(["normed"])
    model = Model([bn], [x], "m")

    def oracle(xv):
        y = conv_nchw(xv.astype(np.float64), w_flat.astype(np.float64), groups)
        shape = (1, c, 1, 1)
        return (y - mean.reshape(shape)) / np.sqrt(var.reshape(shape) + EPS) * gamma.reshape(
            shape
        ) + beta.reshape(shape)

    return model, oracle


def _conv_attrs():
    return {"strides": [1, 1], "dilations": [1, 1], "pads_begin": [0, 0], "pads_end": [0, 0]}


@pytest.mark.parametrize(("bn_version", "grouped"), [(5, False), (1, False), (5, True), (1, True)])
def test_fold_matches_hand_computed_batchnorm(
    ops, registry, evaluate, op_types, bn_version, grouped
):
    model, oracle = build(ops, bn_version, grouped)
    assert batchnorm_folding.run(model, registry) is True
    types = op_types(model)
    assert "BatchNormInference" not in types
    assert types.count("Add") == 1
    add = model.output("normed").node
    assert add.type_name == "Add" and add.friendly_name == "bn"
    assert add.inputs[0].node.type_name == ("GroupConvolution" if grouped else "Convolution")
    x = RNG.standard_normal((1, 4, 6, 6)).astype(np.float32)
    (y,) = evaluate(model, [x])
    np.testing.assert_allclose(y, oracle(x), rtol=1e-4, atol=1e-4)


def test_conv_with_another_consumer_is_not_folded(ops, registry, op_types):
    model, _ = build(ops, 5, False)
    bn = model.get_results()[0].inputs[0].node
    conv = bn.inputs[0].node
    extra = Model([bn, conv], model.get_parameters(), "m2")
    assert batchnorm_folding.run(extra, registry) is False
    assert "BatchNormInference" in op_types(extra)


def test_non_constant_statistics_are_not_folded(ops, registry):
    x = Parameter(Type.f32, [1, 2, 3, 3], "x")
    mean = Parameter(Type.f32, [2], "mean")
    conv = ops("Convolution")([x, f32(np.ones((2, 2, 1, 1)), "w")], _conv_attrs(), "conv")
    ones = f32([1, 1], "one")
    bn = ops("BatchNormInference")([conv, ones, ones, mean, ones], {"epsilon": EPS}, "bn")
    model = Model([bn], [x, mean], "m")
    assert batchnorm_folding.run(model, registry) is False
