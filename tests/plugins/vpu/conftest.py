"""Small models for the VPU tests, built with the opset builder (no zoo needed)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest
import pyvino
from pyvino import Core, Model


def small_cnn(size: int = 16, seed: int = 0) -> Model:
    """Conv+bias+Relu6 -> depthwise conv -> residual Add -> pool -> FC -> Softmax."""
    ops = pyvino.opset8
    rng = np.random.default_rng(seed)
    x = ops.parameter([1, 3, size, size], "f32", name="image")
    w = rng.standard_normal((8, 3, 3, 3)).astype(np.float32) * 0.3
    conv = ops.convolution(x, w, strides=[1, 1], pads_begin=[1, 1], pads_end=[1, 1],
                           dilations=[1, 1], name="conv")
    bias = ops.add(conv, rng.standard_normal((1, 8, 1, 1)).astype(np.float32), name="bias")
    act = ops.clamp(bias, min=0.0, max=6.0, name="relu6")
    dw = rng.standard_normal((8, 1, 1, 3, 3)).astype(np.float32) * 0.3
    depthwise = ops.group_convolution(act, dw, strides=[1, 1], pads_begin=[1, 1],
                                      pads_end=[1, 1], dilations=[1, 1], name="depthwise")
    residual = ops.add(depthwise, act, name="residual")
    pool = ops.avg_pool(residual, strides=[2, 2], pads_begin=[0, 0], pads_end=[0, 0],
                        kernel=[2, 2], name="pool", **{"exclude-pad": True})
    flat = ops.reshape(pool, np.array([1, -1], np.int64), special_zero=False, name="flatten")
    fc = rng.standard_normal((8 * (size // 2) ** 2, 10)).astype(np.float32) * 0.05
    logits = ops.matmul(flat, fc, transpose_a=False, transpose_b=False, name="fc")
    prob = ops.softmax(logits, axis=1, name="prob")
    prob.output(0).set_names(["prob"])
    return Model([prob], [x], "small_cnn")


def bert_like() -> Model:
    """Projection -> MVN (layer norm) -> Erf GELU -> Softmax: MVN and Erf are not VPU ops."""
    ops = pyvino.opset8
    rng = np.random.default_rng(1)
    x = ops.parameter([1, 8, 16], "f32", name="tokens")
    h = ops.matmul(x, rng.standard_normal((16, 16)).astype(np.float32), transpose_a=False,
                   transpose_b=False, name="proj")
    norm = ops.mvn(h, np.array([-1], np.int64), normalize_variance=True, eps=1e-5,
                   eps_mode="INSIDE_SQRT", name="layernorm")
    scaled = ops.multiply(norm, np.float32(0.70710677), name="gelu_scale")
    erf = ops.erf(scaled, name="gelu_erf")
    gelu = ops.multiply(norm, ops.add(erf, np.float32(1.0), name="gelu_add"), name="gelu")
    out = ops.softmax(gelu, axis=-1, name="attention")
    return Model([out], [x], "bert_like")


def tiny_relu(shape: tuple[int, ...] = (2, 4)) -> Model:
    ops = pyvino.opset8
    p = ops.parameter(list(shape), "f32", name="x")
    return Model([ops.relu(p, name="relu")], [p], "tiny")


@pytest.fixture
def core() -> Core:
    return Core()


@pytest.fixture
def cnn() -> Callable[..., Model]:
    """Builder of the small CNN: ``cnn(size=16, seed=0)``."""
    return small_cnn


@pytest.fixture
def bert() -> Model:
    return bert_like()


@pytest.fixture
def tiny() -> Callable[..., Model]:
    """Builder of a one-Relu model: ``tiny(shape=(2, 4))``."""
    return tiny_relu
