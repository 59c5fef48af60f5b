"""Dynamic shapes: Model.reshape with dynamic and interval dims; one compile, many shapes."""

from __future__ import annotations

import numpy as np
import pytest
import pyvino
from pyvino import Core, Dimension, InferenceError, Model, PartialShape
from pyvino_cpu.plugin import CPUPlugin

RNG = np.random.default_rng(11)
W = RNG.standard_normal((4, 3, 3, 3)).astype(np.float32)


def conv_model() -> Model:
    """conv 3x3 (pad 1) -> relu -> mean over H, W: [N, 3, H, W] -> [N, 4]."""
    ops = pyvino.opset15
    x = ops.parameter([1, 3, 16, 16], "f32", name="x")
    y = ops.convolution(x, W, strides=[1, 1], dilations=[1, 1], pads_begin=[1, 1],
                        pads_end=[1, 1])
    y = ops.reduce_mean(ops.relu(y), np.array([2, 3], np.int64), keep_dims=False)
    y.output(0).set_names(["features"])
    return Model([y], [x], "conv")


def by_hand(x: np.ndarray) -> np.ndarray:
    n, _, h, w = x.shape
    p = np.pad(x, [(0, 0), (0, 0), (1, 1), (1, 1)]).astype(np.float64)
    out = np.zeros((n, 4, h, w))
    for i in range(3):
        for j in range(3):
            out += np.einsum("nchw,oc->nohw", p[:, :, i:i + h, j:j + w], W[:, :, i, j])
    return np.maximum(out, 0).mean(axis=(2, 3))


@pytest.mark.parametrize("shape", [
    [-1, 3, Dimension(8, 64), -1],
    "[?,3,8..64,?]",
    PartialShape("?,3,8..64,?"),
])
def test_reshape_to_dynamic_and_interval_dims(shape):
    model = conv_model()
    model.reshape({"x": shape})
    assert str(model.input().partial_shape) == "[?,3,8..64,?]"
    assert str(model.output().partial_shape) == "[?,4]"
    assert model.is_dynamic


def test_reshape_by_index_and_bare_shape():
    model = conv_model()
    model.reshape({0: [2, 3, 8, 8]})
    assert model.output().partial_shape == [2, 4]
    model.reshape([-1, 3, "1..", 9])
    assert str(model.input().partial_shape) == "[?,3,1..,9]"


def test_cpu_runs_changing_shapes_with_one_compile(monkeypatch):
    calls = []
    original = CPUPlugin._compile

    def counting(self, model, config):
        calls.append(model.friendly_name)
        return original(self, model, config)

    monkeypatch.setattr(CPUPlugin, "_compile", counting)
    model = conv_model()
    model.reshape({"x": [-1, 3, Dimension(8, 64), -1]})
    compiled = Core().compile_model(model, "CPU")
    request = compiled.create_infer_request()
    for shape in [(1, 3, 8, 8), (2, 3, 64, 5), (3, 3, 17, 31), (1, 3, 8, 8)]:
        x = RNG.standard_normal(shape).astype(np.float32)
        out = request.infer({"x": x})["features"]
        assert out.shape == (shape[0], 4)
        np.testing.assert_allclose(out, by_hand(x), rtol=1e-4, atol=1e-5)
    assert calls == ["conv"]


@pytest.mark.parametrize("shape", [(2, 3, 4, 9), (2, 3, 65, 9), (2, 4, 8, 9), (3, 8, 8)])
def test_tensor_outside_the_bounds_is_a_typed_error(shape):
    model = conv_model()
    model.reshape({"x": "[?,3,8..64,?]"})
    compiled = Core().compile_model(model, "CPU")
    x = np.zeros(shape, np.float32)
    with pytest.raises(InferenceError) as info:
        compiled({"x": x})
    message = str(info.value)
    assert "'x'" in message and "[?,3,8..64,?]" in message
    assert str(list(shape)) in message
