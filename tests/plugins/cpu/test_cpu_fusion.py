"""Device passes: what fuses into one step (and what must not), checked through PERF_COUNT."""

from __future__ import annotations

import math

import numpy as np
import pytest
import pyvino
from pyvino import Model

from .conftest import rand

ops = pyvino.opset15


def conv(x, c_in, c_out, kernel=3, seed=0, name=None):  # noqa: ANN001, ANN201
    w = rand(c_out, c_in, kernel, kernel, seed=seed, scale=0.3)
    pad = kernel // 2
    y = ops.convolution(
        x,
        w,
        strides=[1, 1],
        pads_begin=[pad, pad],
        pads_end=[pad, pad],
        dilations=[1, 1],
        name=name,
    )
    return ops.add(y, rand(1, c_out, 1, 1, seed=seed + 1), name=f"{name}_bias")


def executed(types: dict[str, tuple[str, str]]) -> list[str]:
    return sorted(n for n, (status, _) in types.items() if status == "EXECUTED")


def test_conv_bias_relu_and_residual_add_fuse(check):
    x = ops.parameter([1, 8, 10, 10], "f32", name="x")
    a = ops.relu(conv(x, 8, 8, seed=1, name="conv1"), name="relu1")
    b = conv(a, 8, 8, seed=3, name="conv2")
    y = ops.relu(ops.add(b, x, name="residual"), name="relu2")
    types = check(Model([y], [x]), [rand(1, 8, 10, 10, seed=5)])
    assert executed(types) == ["conv1", "conv2"]
    for fused in ("conv1_bias", "relu1", "conv2_bias", "residual", "relu2"):
        assert types[fused][0] == "OPTIMIZED_OUT"


def test_projection_shortcut_two_convolutions_one_epilogue(check):
    x = ops.parameter([1, 4, 6, 6], "f32", name="x")
    main = conv(ops.relu(conv(x, 4, 8, 1, seed=1, name="c1")), 8, 8, 3, seed=3, name="c2")
    short = conv(x, 4, 8, 1, seed=5, name="shortcut")
    y = ops.relu(ops.add(main, short, name="add"), name="out")
    types = check(Model([y], [x]), [rand(1, 4, 6, 6, seed=7)])
    assert len(executed(types)) == 3


@pytest.mark.parametrize(
    "activation",
    [
        lambda y: ops.clamp(y, min=0.0, max=6.0),
        ops.swish,
        ops.hswish,
        ops.sigmoid,
        lambda y: ops.multiply(y, ops.sigmoid(y)),  # Swish written out
    ],
)
def test_activation_epilogues(check, activation):
    x = ops.parameter([1, 6, 7, 7], "f32", name="x")
    y = activation(conv(x, 6, 12, seed=1, name="conv"))
    types = check(Model([y], [x]), [rand(1, 6, 7, 7, seed=2)])
    assert executed(types) == ["conv"]


def test_depthwise_and_pooling_take_epilogues(check):
    x = ops.parameter([1, 6, 8, 8], "f32", name="x")
    w = rand(6, 1, 1, 3, 3, seed=1)
    dw = ops.group_convolution(
        x, w, strides=[1, 1], pads_begin=[1, 1], pads_end=[1, 1], dilations=[1, 1], name="dw"
    )
    y = ops.clamp(ops.add(dw, rand(1, 6, 1, 1, seed=2)), min=0.0, max=6.0)
    p = ops.max_pool(
        y,
        strides=[2, 2],
        dilations=[1, 1],
        pads_begin=[0, 0],
        pads_end=[0, 0],
        kernel=[2, 2],
        name="pool",
    )
    types = check(Model([p.output(0)], [x]), [rand(1, 6, 8, 8, seed=3)])
    assert executed(types) == ["dw", "pool"]


def test_matmul_bias_gelu_is_one_step(check):
    x = ops.parameter([1, 16, 32], "f32", name="x")
    h = ops.add(
        ops.matmul(x, rand(32, 64, seed=1), transpose_a=False, transpose_b=False, name="fc"),
        rand(64, seed=2),
        name="bias",
    )
    erf = ops.erf(ops.divide(h, np.float32(math.sqrt(2.0))))
    y = ops.multiply(ops.multiply(h, np.float32(0.5)), ops.add(erf, np.float32(1.0)), name="gelu")
    types = check(Model([y], [x]), [rand(1, 16, 32, seed=3)])
    assert executed(types) == ["fc"] and types["fc"][1] == "gemm_FP32"
    assert types["gelu"][0] == "OPTIMIZED_OUT"


def layer_norm(x, n, gamma=True):  # noqa: ANN001, ANN201
    axes = np.array([-1], np.int64)
    d = ops.subtract(x, ops.reduce_mean(x, axes, keep_dims=True))
    var = ops.reduce_mean(ops.multiply(d, d), axes, keep_dims=True)
    inv = ops.divide(np.float32(1.0), ops.sqrt(ops.add(var, np.float32(1e-5))))
    y = ops.multiply(d, inv, name="ln" if not gamma else None)
    if gamma:
        y = ops.add(ops.multiply(y, rand(n, seed=1)), rand(n, seed=2), name="ln")
    return y


@pytest.mark.parametrize("gamma", [True, False])
def test_layer_norm_written_out_is_one_kernel(check, gamma):
    x = ops.parameter([2, 5, 24], "f32", name="x")
    types = check(Model([layer_norm(x, 24, gamma)], [x]), [rand(2, 5, 24, seed=3, scale=3)])
    assert executed(types) == ["ln"] and types["ln"][1] == "numba_layernorm_FP32"


def test_values_read_elsewhere_are_not_fused_away(check):
    x = ops.parameter([1, 4, 5, 5], "f32", name="x")
    biased = conv(x, 4, 4, seed=1, name="conv")
    y = ops.relu(biased, name="relu")
    types = check(Model([y, biased], [x]), [rand(1, 4, 5, 5, seed=2)])
    assert executed(types) == ["conv", "relu"]


def test_reshape_is_a_view(check):
    x = ops.parameter([2, 3, 4], "f32", name="x")
    r = ops.reshape(
        ops.relu(x, name="relu"), np.array([6, 4], np.int64), special_zero=False, name="flat"
    )
    y = ops.matmul(r, rand(4, 3, seed=1), transpose_a=False, transpose_b=False, name="fc")
    types = check(Model([y], [x]), [rand(2, 3, 4, seed=2)])
    assert types["flat"] == ("OPTIMIZED_OUT", "view")


EPILOGUES = {
    "bias": lambda y, x: ops.add(y, rand(1, 32, 1, 1, seed=11)),
    "bias_relu": lambda y, x: ops.relu(ops.add(y, rand(32, 1, 1, seed=12))),
    "bias_residual": lambda y, x: ops.add(ops.add(y, rand(1, 32, 1, 1, seed=13)), x),
    "bias_residual_clamp": lambda y, x: ops.clamp(
        ops.add(ops.add(y, rand(1, 32, 1, 1, seed=14)), x), min=-0.5, max=0.5
    ),
    "residual_relu": lambda y, x: ops.relu(ops.add(x, y)),
    "clamp": lambda y, x: ops.clamp(y, min=0.0, max=6.0),
}


@pytest.mark.parametrize("epilogue", sorted(EPILOGUES))
@pytest.mark.parametrize("anchor", ["winograd", "im2col", "pointwise", "depthwise", "grouped"])
def test_kernels_apply_simple_epilogues_while_storing(check, anchor, epilogue):
    x = ops.parameter([2, 32, 9, 11], "f32", name="x")
    if anchor in ("winograd", "im2col", "pointwise"):
        size, dilation = (1, 1) if anchor == "pointwise" else (3, 1 if anchor == "winograd" else 2)
        pad = dilation * (size // 2)
        y = ops.convolution(
            x,
            rand(32, 32, size, size, seed=1, scale=0.1),
            strides=[1, 1],
            pads_begin=[pad, pad],
            pads_end=[pad, pad],
            dilations=[dilation, dilation],
            name="a",
        )
    else:
        groups = 32 if anchor == "depthwise" else 8
        w = rand(groups, 32 // groups, 32 // groups, 3, 3, seed=2)
        y = ops.group_convolution(
            x, w, strides=[1, 1], pads_begin=[1, 1], pads_end=[1, 1], dilations=[1, 1], name="a"
        )
    out = EPILOGUES[epilogue](y, x)
    types = check(Model([out], [x]), [rand(2, 32, 9, 11, seed=3)])
    assert executed(types) == ["a"]
