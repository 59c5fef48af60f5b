"""Fast bias correction: the bias after a quantized layer absorbs its mean weight error."""

from __future__ import annotations

import numpy as np
import pyvino
from pyvino import Core, Model
from pyvino.quantization import quantize

RNG = np.random.default_rng(8)
W = (RNG.standard_normal((6, 4, 1, 1)) * np.array([1, 1, 1, 40])[None, :, None, None]).astype(
    np.float32
)  # one large input channel: coarse steps for the others
B = RNG.standard_normal((1, 6, 1, 1)).astype(np.float32)
DATA = [(RNG.standard_normal((1, 4, 5, 5)) + 2.0).astype(np.float32) for _ in range(10)]


def conv_bias() -> Model:
    ops = pyvino.opset15
    x = ops.parameter([1, 4, 5, 5], "f32", name="x")
    y = ops.convolution(
        x, W, strides=[1, 1], dilations=[1, 1], pads_begin=[0, 0], pads_end=[0, 0], name="conv"
    )
    return Model([ops.add(y, B, name="bias")], [x], "conv_bias")


def bias_of(model: Model) -> np.ndarray:
    add = next(n for n in model.get_ordered_ops() if n.friendly_name == "bias")
    return add.input_value(1)


def test_bias_moves_by_the_mean_weight_error_on_the_mean_input():
    q = quantize(conv_bias(), DATA)
    s = np.abs(W).max(axis=(1, 2, 3), keepdims=True)
    w_q = np.rint(W / s * 127) * s / 127
    mean_x = np.mean(DATA, axis=0)[0]  # [4, 5, 5]
    shift = np.einsum("oc,chw->o", (W - w_q)[:, :, 0, 0], mean_x) / 25
    np.testing.assert_allclose(bias_of(q), B + shift.reshape(1, 6, 1, 1), rtol=1e-4, atol=2e-5)
    assert q.get_rt_info(["quantization_parameters", "bias_corrected_layers"]) == "1"


def test_correction_reduces_the_mean_output_error():
    model = conv_bias()
    plain = quantize(model, DATA, fast_bias_correction=False)
    corrected = quantize(model, DATA)
    np.testing.assert_array_equal(bias_of(plain), B)
    core = Core()
    runs = [core.compile_model(m, "CPU") for m in (model, plain, corrected)]
    errors = []
    for m in runs[1:]:
        diff = np.mean([m(x)[0] - runs[0](x)[0] for x in DATA], axis=0)
        errors.append(np.abs(diff.mean(axis=(0, 2, 3))).max())
    assert errors[1] < errors[0] / 2, errors
