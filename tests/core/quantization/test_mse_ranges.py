"""MSE-optimal weight scales and activation ranges, against brute-force numpy searches."""

from __future__ import annotations

import numpy as np
import pytest
import pyvino
from pyvino import Model
from pyvino.quantization import quantize

RNG = np.random.default_rng(11)


def fake_quant(x: np.ndarray, lo: float, hi: float, levels: int) -> np.ndarray:
    q = np.round((np.clip(x, lo, hi) - lo) / (hi - lo) * (levels - 1))
    return q / (levels - 1) * (hi - lo) + lo


def weight_error(row: np.ndarray, scale: float) -> float:
    return float(np.square(row - fake_quant(row, -scale, scale, 255)).sum())


def conv_model(weight: np.ndarray) -> Model:
    ops = pyvino.opset15
    x = ops.parameter([1, weight.shape[1], 6, 6], "f32", name="x")
    y = ops.convolution(
        x, weight, strides=[1, 1], dilations=[1, 1], pads_begin=[0, 0], pads_end=[0, 0], name="conv"
    )
    return Model([y], [x], "conv")


def fq_of(model: Model, name: str, port: int) -> pyvino.Op:
    node = next(n for n in model.get_ordered_ops() if n.friendly_name == name)
    return node.inputs[port].node


def test_mse_weight_scales_are_near_the_brute_force_optimum():
    weight = (RNG.standard_normal((4, 8, 3, 3)) * 0.1).astype(np.float32)
    weight[0, 0, 0, 0] = 2.0  # channel 0: one outlier, 20 sigma
    data = [RNG.standard_normal((1, 8, 6, 6)).astype(np.float32) for _ in range(2)]
    fq = fq_of(quantize(conv_model(weight), data, weight_range="mse"), "conv", 1)
    scales = fq.input_value(2).reshape(-1)
    np.testing.assert_allclose(fq.input_value(1).reshape(-1), -scales)
    rows = weight.reshape(4, -1)
    for row, scale in zip(rows, scales, strict=True):
        top = float(np.abs(row).max())
        # oracle: an independent fine grid search over the whole (0, max] range
        grid = top * np.linspace(0.05, 1.0, 2000)
        best = min(weight_error(row, s) for s in grid)
        assert weight_error(row, scale) <= best * 1.1  # a 71-point grid
        assert weight_error(row, scale) <= weight_error(row, top)
    assert np.all(scales <= np.abs(rows).max(axis=1) * (1 + 1e-6))
    stored = fq.inputs[0].node.inputs[0].node.inputs[0].node
    expected = np.clip(np.rint(weight / scales.reshape(4, 1, 1, 1) * 127), -127, 127)
    np.testing.assert_array_equal(stored.data, expected.astype(np.int8))


def test_mse_activation_range_is_near_the_brute_force_optimum():
    weight = (RNG.standard_normal((4, 3, 1, 1)) * 0.3).astype(np.float32)
    data = [RNG.standard_normal((1, 3, 6, 6)).astype(np.float32) for _ in range(40)]
    data[0][0, 0, 0, 0] = 40.0  # one far outlier among 4320 values: min-max keeps it
    for d in data[1:]:
        d[0, 1, 0, :] = 6.0  # a frequent large value: worth clipping only if the error says so
    q = quantize(conv_model(weight), data, range_estimator="mse", weight_range="mse")
    fq = fq_of(q, "conv", 0)
    low, high = float(fq.input_value(1)), float(fq.input_value(2))
    assert high == pytest.approx(-low * 127 / 128, rel=1e-5)  # symmetric preset, 0 a level
    values = np.concatenate([d.reshape(-1) for d in data])

    def error(m: float) -> float:
        return float(np.mean(np.square(values - fake_quant(values, -m * 128 / 127, m, 256))))

    best = min(error(m) for m in np.linspace(0.5, 40.0, 4000))
    # each sample has 108 values (< 1024): the search saw every value, on a 71-point grid
    assert error(high) <= best * 1.1
    assert error(high) <= error(40.0)


def test_mse_options_are_validated():
    weight = RNG.standard_normal((2, 3, 1, 1)).astype(np.float32)
    data = [RNG.standard_normal((1, 3, 6, 6)).astype(np.float32)]
    with pytest.raises(pyvino.PyvinoError, match="weight_range"):
        quantize(conv_model(weight), data, weight_range="kl")
